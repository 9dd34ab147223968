import { defineConfig } from 'vitest/config';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * `npm run test:resilience`: issue 15's attacks against the real server in a
 * child process (test/resilience/). Kept out of `npm test` (whose include is
 * test/**\/*.test.ts): it seeds 90 days of demo data once (cached as a template
 * database) and runs for minutes. Files run one at a time so that their
 * timings do not disturb each other.
 */
export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql/index.js') }],
  },
  test: {
    include: ['test/resilience/**/*.resilience.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
