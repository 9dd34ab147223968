/**
 * Refuses an unsupported Node.js before anything else loads. main.ts imports
 * this module first, so `node dist/main.js …` (or `node --import tsx src/main.ts`)
 * on an old Node stops with one line and exit 2 instead of failing later in a
 * dependency with an obscure error. npm scripts already run the Node 24 that
 * the `node` npm package puts first on their PATH.
 *
 * No imports: this must evaluate before any dependency does.
 */

/**
 * The oldest Node.js the server's runtime dependencies accept (their "engines"
 * fields): @whatwg-node/promise-helpers, under @apollo/server, needs >= 22.15.0.
 * Keep in step with package.json "engines".
 */
export const MIN_NODE_VERSION = '22.15.0';

type Triple = [number, number, number];

/** "v24.1.0" or "24.1.0" as [24, 1, 0]; null for anything else. */
export function parseNodeVersion(version: string): Triple | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** The refusal message for `version`, or null when it is at least `minimum`. */
export function nodeVersionProblem(version: string, minimum: string = MIN_NODE_VERSION): string | null {
  const have = parseNodeVersion(version);
  const need = parseNodeVersion(minimum);
  if (!need) throw new Error(`node-check: bad minimum version "${minimum}"`);
  if (have) {
    for (let i = 0; i < 3; i++) {
      if (have[i] !== need[i]) {
        if (have[i] > need[i]) return null;
        break;
      }
      if (i === 2) return null; // equal
    }
  }
  return (
    `callpulse: Node.js >= ${minimum} is required, this is ${version} ` +
    `(npm scripts run the Node 24 from node_modules; or install Node 24 LTS)`
  );
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
