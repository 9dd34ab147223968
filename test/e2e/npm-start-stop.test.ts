import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alive,
  freePort,
  killAllCliProcesses,
  processesMentioning,
  runCommand,
  stopStrayPostgres,
  waitUntil,
} from '../support/child-server';
import { embeddedDataDir, portAnswers } from '../support/process-tree';

/**
 * What a supervisor does to `npm start`: it signals npm's pid (systemd, a
 * container runtime) or kills npm outright. Either way the server and its
 * embedded PostgreSQL must stop, not keep running orphaned.
 */

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;
const dirs: string[] = [];

afterAll(async () => {
  await killAllCliProcesses();
  for (const dir of dirs) {
    await stopStrayPostgres(path.join(dir, 'pg'));
    await rm(dir, { recursive: true, force: true });
  }
});

async function startWithNpm() {
  const dataDir = await embeddedDataDir(`npm-start-${randomBytes(6).toString('hex')}`);
  dirs.push(dataDir);
  const port = await freePort();
  const npm = runCommand('npm', ['start'], { CALLPULSE_DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: '0', LOG_LEVEL: 'info' });
  await npm.waitForStderr(READY, 90_000);
  const clusterDir = path.join(dataDir, 'pg');
  // npm's children, from /proc: with `exec` in the start script, the server itself
  const [server] = readFileSync(`/proc/${npm.child.pid}/task/${npm.child.pid}/children`, 'utf8').trim().split(' ').map(Number);
  return { npm, port, clusterDir, server: server! };
}

const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

async function expectTreeGone(tree: Awaited<ReturnType<typeof startWithNpm>>) {
  await waitUntil(() => processesMentioning(tree.clusterDir).length === 0 && !alive(tree.server), 10_000, 'server and postgres gone');
  expect(existsSync(path.join(tree.clusterDir, 'postmaster.pid'))).toBe(false);
  expect(await portAnswers(tree.port)).toBe(false);
}

describe('npm start', () => {
  it('stops the whole tree within 10 s when npm\'s pid gets SIGTERM, and logs a clean stop', async () => {
    const tree = await startWithNpm();
    // no shell between npm and the server: npm forwards SIGTERM to its child, which must be node
    expect(commandLine(tree.server).slice(-4)).toEqual(['--import', 'tsx', 'src/main.ts', 'serve']);
    expect(path.basename(commandLine(tree.server)[0]!)).toBe('node');
    expect(processesMentioning(tree.clusterDir).length).toBe(1);
    const signalled = Date.now();
    tree.npm.child.kill('SIGTERM');
    const exit = await tree.npm.exitWithin(10_000);
    await expectTreeGone(tree);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    const lines = tree.npm.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
    expect(lines.some((line) => line.msg === 'shutting down: finishing in-flight requests' && line.signal === 'SIGTERM')).toBe(true);
  }, 120_000);

  it('stops the server and its PostgreSQL within 10 s when npm itself is killed (SIGKILL)', async () => {
    const tree = await startWithNpm();
    tree.npm.child.kill('SIGKILL');
    await tree.npm.exitWithin(5_000);
    await expectTreeGone(tree);
  }, 120_000);
});
