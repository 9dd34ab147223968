import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where files the server reads at run time live, in both layouts:
 * - from source (tsx, vitest): this module is src/platform/runtime-files.ts, the
 *   runtime files sit beside the code under src/, migrations under ./migrations;
 * - built (`npm run build`): every module is bundled into dist/main.js or a chunk
 *   beside it (esbuild puts chunks in the outdir itself), the build copies src's
 *   non-TypeScript files to the same paths under dist/ and compiles the
 *   migrations into dist/migrations.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');

/** src/ when run from source, the build's outdir when built. */
export const CODE_ROOT = fromSource ? path.resolve(here, '..') : here;

/** The migrations MikroORM applies: ./migrations (TypeScript) or dist/migrations (compiled). */
export const MIGRATIONS_DIR = fromSource ? path.resolve(CODE_ROOT, '../migrations') : path.join(CODE_ROOT, 'migrations');

/** A file kept beside the code, named by its path under src/ (e.g. `surveys/widget/survey.js`). */
export function runtimeFile(relative: string): string {
  return path.join(CODE_ROOT, relative);
}
