import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE_VERSION, nodeVersionProblem } from '../../src/platform/node-check';
import { REPO_ROOT } from '../support/child-server';

/**
 * An operator who runs the CLI with the machine's own, too old Node (this
 * machine's and CI's is Node 20) instead of through npm scripts. The first
 * `node` on PATH outside node_modules is that Node; the test needs one older
 * than the floor and says so when the machine has none.
 */
function machineNode(): { path: string; version: string } | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes('node_modules')) continue;
    const candidate = path.join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ['-v'], { encoding: 'utf8' }).trim();
    return { path: candidate, version };
  }
  return null;
}

const oldNode = (() => {
  const found = machineNode();
  return found && nodeVersionProblem(found.version) ? found : null;
})();

describe(`the CLI on a Node older than ${MIN_NODE_VERSION}`, () => {
  it.skipIf(!oldNode)('stops before loading anything with one stderr line and exit code 2', () => {
    const run = spawnSync(oldNode!.path, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: REPO_ROOT,
      // A bad PORT would stop a loaded CLI with exit 2 too: the message tells the two apart.
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${nodeVersionProblem(oldNode!.version)}\n`);
  });
});

describe('the CLI on the Node from node_modules', () => {
  it('gets past the check (a bad PORT is the configuration error, not the runtime)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('callpulse: PORT must be an integer from 1 to 65535, got "abc"\n');
  });
});
