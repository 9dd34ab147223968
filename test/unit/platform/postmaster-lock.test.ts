import { describe, expect, it } from 'vitest';
import { postmasterState, type ProcessInfo } from '../../../src/platform/postmaster-lock';

const CLUSTER = '/srv/callpulse/.data/pg';
const PID_FILE = `4242\n${CLUSTER}\n1733300000\n51234\n`;
const postgres = (ppid: number, dir = CLUSTER): ProcessInfo => ({ argv: ['/app/node_modules/.bin/postgres', '-D', dir, '-p', '51234'], ppid });
const processes = (table: Record<number, ProcessInfo>) => (pid: number) => table[pid] ?? null;

describe(postmasterState.name, () => {
  it('is none without a postmaster.pid', () => {
    expect(postmasterState(null, CLUSTER, processes({}))).toEqual({ kind: 'none' });
  });

  it('is stale when the pid is not running', () => {
    expect(postmasterState(PID_FILE, CLUSTER, processes({}))).toEqual({ kind: 'stale', pid: 4242 });
  });

  it('is stale when the pid now belongs to another program (pid reuse after a reboot)', () => {
    expect(postmasterState(PID_FILE, CLUSTER, processes({ 4242: { argv: ['/usr/sbin/cron'], ppid: 1 } }))).toEqual({ kind: 'stale', pid: 4242 });
  });

  it('is stale when the pid is a PostgreSQL of another cluster', () => {
    expect(postmasterState(PID_FILE, CLUSTER, processes({ 4242: postgres(1, '/other/pg') }))).toEqual({ kind: 'stale', pid: 4242 });
  });

  it('is stale when the file is unreadable garbage', () => {
    expect(postmasterState('\n', CLUSTER, processes({}))).toEqual({ kind: 'stale', pid: 0 });
  });

  it('is orphaned when the cluster\'s PostgreSQL was adopted by init (its server was SIGKILLed)', () => {
    expect(postmasterState(PID_FILE, CLUSTER, processes({ 4242: postgres(1) }))).toEqual({ kind: 'orphaned', pid: 4242 });
  });

  it('is orphaned when a subreaper that is not node adopted it', () => {
    const table = { 4242: postgres(7), 7: { argv: ['/sbin/tini', '--'], ppid: 1 } };
    expect(postmasterState(PID_FILE, CLUSTER, processes(table))).toEqual({ kind: 'orphaned', pid: 4242 });
  });

  it('is in use when a live node process runs it (a second server on the same data directory)', () => {
    const table = { 4242: postgres(900), 900: { argv: ['/usr/bin/node', 'dist/main.js', 'serve'], ppid: 1 } };
    expect(postmasterState(PID_FILE, CLUSTER, processes(table))).toEqual({ kind: 'in-use', pid: 4242, ownerPid: 900 });
  });
});
