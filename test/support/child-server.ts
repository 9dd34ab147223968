import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from here, as `npm start` does. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to exit. */
  afterMs: number;
}

/** The CLI (`node --import tsx src/main.ts …`) running as a child process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** stdout split into lines, each parsed as JSON (fails on a line that is not JSON). */
  logLines(): Array<Record<string, any>>;
  /** Resolves with the first match of `pattern` in stderr; rejects on timeout or exit. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once the process has exited and its output is complete. */
  readonly exited: Promise<Exit>;
  /** Like `exited`, but rejects after `timeoutMs` (the process is left running). */
  exitWithin(timeoutMs: number): Promise<Exit>;
  isRunning(): boolean;
}

const running = new Set<CliProcess>();

/** Only these variables of the test process reach the child; CallPulse's own are never inherited. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'];

/**
 * Starts the real CLI with an environment of its own: `env` plus PATH and HOME,
 * never the test process's DATABASE_URL, NODE_ENV=test or vitest variables.
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  return runCommand(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], env);
}

/** Runs the CLI to its end (failing after `timeoutMs`): its exit code and everything it wrote. */
export async function runCliToEnd(args: string[], env: Record<string, string | undefined>, timeoutMs: number) {
  const cli = runCli(args, env);
  const exit = await cli.exitWithin(timeoutMs);
  return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Any command (`npm start`, `node dist/main.js serve`) run from the repository root the same way as runCli. */
export function runCommand(file: string, args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const childEnv: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) childEnv[name] = process.env[name]!;
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;

  const started = Date.now();
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), notify()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((err += chunk), notify()));

  let exitedAt = 0;
  let done = false;
  child.once('exit', () => (exitedAt = Date.now()));
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      done = true;
      running.delete(cli);
      notify();
      resolve({ code, signal, afterMs: (exitedAt || Date.now()) - started });
    });
  });

  const cli: CliProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    logLines: () =>
      out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, any>;
          } catch {
            throw new Error(`stdout line is not JSON: ${line}`);
          }
        }),
    waitForStderr(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = err.match(pattern);
          if (match) return finish(() => resolve(match));
          if (done) return finish(() => reject(new Error(`exited before stderr matched ${pattern}:\n${err}\n${out}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${err}\n${out}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    exited,
    exitWithin(timeoutMs) {
      let timer: NodeJS.Timeout;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms later:\n${err}`)), timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    isRunning: () => !done,
  };
  running.add(cli);
  return cli;
}

/** For afterAll: SIGKILLs every CLI process still running and waits for it. */
export async function killAllCliProcesses(): Promise<void> {
  await Promise.all(
    [...running].map((cli) => {
      cli.child.kill('SIGKILL');
      return cli.exited;
    }),
  );
}

export { freePort } from '../../src/platform/net';

/** Pids of processes whose command line mentions `text` (e.g. a postmaster's `-D <dir>`). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * For afterAll after a failed test: stops a PostgreSQL left running on
 * `clusterDir` (its postmaster.pid names it) and waits until it is gone.
 */
export async function stopStrayPostgres(clusterDir: string, timeoutMs = 15_000): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const pids = new Set(processesMentioning(clusterDir));
  if (existsSync(pidFile)) pids.add(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown
    } catch {
      pids.delete(pid);
    }
  }
  await waitUntil(() => [...pids].every((pid) => !alive(pid)), timeoutMs);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie (exited, not yet reaped by its new parent) is gone for our purposes
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `condition` every 50 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
