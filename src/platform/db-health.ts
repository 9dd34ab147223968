import pg from 'pg';
import type { Logger } from './logger';

/**
 * The server's own line to the database, apart from the request pool: /healthz
 * asks here, so it never queues behind reports holding every pooled connection,
 * and the disconnect guard cancels statements from here (db-guard.ts).
 *
 * A circuit breaker keeps a database outage cheap: after a failed check, /healthz
 * answers from the failure for BREAKER_OPEN_MS without connecting again; checks
 * that arrive while one is running share its answer.
 */

export const HEALTH_TIMEOUT_MS = 1_000;
export const BREAKER_OPEN_MS = 1_000;

export type Health = { ok: true } | { ok: false; reason: string };

export interface DatabaseLine {
  /** Does the database answer `select 1` within HEALTH_TIMEOUT_MS? */
  check(): Promise<Health>;
  /** pg_cancel_backend for each pid (the statements of a request whose client left). */
  cancel(pids: number[]): Promise<void>;
  close(): Promise<void>;
}

export function openDatabaseLine(databaseUrl: string, logger: Logger): DatabaseLine {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    connectionTimeoutMillis: HEALTH_TIMEOUT_MS,
    query_timeout: HEALTH_TIMEOUT_MS,
    statement_timeout: HEALTH_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  // An idle connection dies with the database (a restart): pg.Pool emits it here, and
  // unhandled it would end the process. The next check simply connects anew.
  pool.on('error', (error) => logger.debug({ err: error }, 'health line: idle connection lost'));

  let running: Promise<Health> | null = null;
  let failedUntil = 0;
  let lastFailure: Health = { ok: false, reason: 'database does not answer' };

  async function probe(): Promise<Health> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
    });
    try {
      await Promise.race([pool.query('select 1'), deadline]);
      return { ok: true };
    } catch (error) {
      failedUntil = Date.now() + BREAKER_OPEN_MS;
      lastFailure = { ok: false, reason: `database does not answer: ${reasonOf(error)}` };
      logger.warn({ err: error }, 'health check: database does not answer');
      return lastFailure;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    check() {
      if (Date.now() < failedUntil) return Promise.resolve(lastFailure);
      running ??= probe().finally(() => (running = null));
      return running;
    },
    async cancel(pids) {
      if (pids.length === 0) return;
      await pool.query('select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [pids]);
    },
    close: () => pool.end(),
  };
}

/** A short reason without SQL: the socket code or PostgreSQL's condition. */
function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.message === 'string' ? e.message.slice(0, 100) : 'unknown error';
}
