import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger';

/**
 * The embedded cluster's `postmaster.pid` left by an earlier run. A server that
 * was SIGKILLed leaves its PostgreSQL running, orphaned (adopted by init), and a
 * PostgreSQL that was SIGKILLed leaves the file behind; after a reboot its pid may
 * belong to another program, and PostgreSQL then refuses to start ("lock file
 * already exists"). What the file's pid is decides what to do before starting.
 */
export type PostmasterState =
  /** no postmaster.pid: start */
  | { kind: 'none' }
  /** the pid is not running, or runs something else: the file is stale, remove it */
  | { kind: 'stale'; pid: number }
  /** a PostgreSQL on this cluster whose server is gone: stop it, then start */
  | { kind: 'orphaned'; pid: number }
  /** a PostgreSQL on this cluster under a live server process: refuse to start a second one */
  | { kind: 'in-use'; pid: number; ownerPid: number };

/** What the operating system tells about a process; null when it is not running. */
export interface ProcessInfo {
  /** argv, split at NUL */
  argv: string[];
  ppid: number;
}

/** The pure decision: the file's text, the cluster directory and a way to look processes up. */
export function postmasterState(
  pidFile: string | null,
  clusterDir: string,
  lookup: (pid: number) => ProcessInfo | null,
): PostmasterState {
  if (pidFile === null) return { kind: 'none' };
  const pid = Number(pidFile.split('\n')[0]?.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return { kind: 'stale', pid: 0 };
  const postmaster = lookup(pid);
  if (!postmaster || !isPostgresOn(postmaster.argv, clusterDir)) return { kind: 'stale', pid };
  const owner = postmaster.ppid > 1 ? lookup(postmaster.ppid) : null;
  // adopted by init or a subreaper (tini, systemd --user…): the node process that started it is gone
  if (!owner || !isNode(owner.argv)) return { kind: 'orphaned', pid };
  return { kind: 'in-use', pid, ownerPid: postmaster.ppid };
}

function isPostgresOn(argv: string[], clusterDir: string): boolean {
  const dataDir = argv[argv.indexOf('-D') + 1];
  return path.basename(argv[0] ?? '') === 'postgres' && argv.includes('-D') && dataDir !== undefined && path.resolve(dataDir) === path.resolve(clusterDir);
}

function isNode(argv: string[]): boolean {
  return /^node(js)?(\d+)?$/.test(path.basename(argv[0] ?? ''));
}

/** Linux's /proc; elsewhere nothing is known and PostgreSQL's own check decides. */
export function procLookup(pid: number): ProcessInfo | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') return null; // exited, not yet reaped
    return { argv, ppid: Number(ppid) };
  } catch {
    return null;
  }
}

/**
 * Before starting the embedded cluster: removes a stale postmaster.pid, stops an
 * orphaned PostgreSQL of an earlier run (fast shutdown, SIGINT), and refuses when a
 * live server already runs this cluster.
 */
export async function clearEarlierPostmaster(clusterDir: string, logger: Logger, timeoutMs = 10_000): Promise<void> {
  if (!existsSync('/proc/self/stat')) return;
  const pidPath = path.join(clusterDir, 'postmaster.pid');
  const text = existsSync(pidPath) ? readFileSync(pidPath, 'utf8') : null;
  const state = postmasterState(text, clusterDir, procLookup);
  switch (state.kind) {
    case 'none':
      return;
    case 'stale':
      logger.warn({ pid: state.pid, pidPath }, 'removing a stale postmaster.pid left by an earlier run');
      rmSync(pidPath, { force: true });
      return;
    case 'in-use':
      throw new Error(
        `the embedded PostgreSQL in ${clusterDir} is already running (pid ${state.pid}) for another CallPulse process (pid ${state.ownerPid}); stop that one first or set CALLPULSE_DATA_DIR`,
      );
    case 'orphaned': {
      logger.warn({ pid: state.pid }, 'stopping the embedded PostgreSQL left running by an earlier run');
      process.kill(state.pid, 'SIGINT');
      const deadline = Date.now() + timeoutMs;
      while (procLookup(state.pid)) {
        if (Date.now() > deadline) throw new Error(`the orphaned PostgreSQL (pid ${state.pid}) on ${clusterDir} did not stop within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
