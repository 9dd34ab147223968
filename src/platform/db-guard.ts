import { AsyncLocalStorage } from 'node:async_hooks';
import type express from 'express';
import { leadingTag, RequestCancelledError, statementTag } from './db-errors';
import type { Logger } from './logger';

/**
 * Cancel on disconnect: a request whose client has gone must not go on using the
 * database, and above all must not commit (an aborted 10,000-contact batch once
 * committed minutes after its caller left).
 *
 * Every pooled connection's `query` is wrapped (guardConnection, from the pool's
 * afterCreate): while a request's statement runs, its backend pid is listed in the
 * request's store (AsyncLocalStorage). When the client disconnects, the running
 * statements are cancelled with pg_cancel_backend, and any later statement of the
 * request — the next one of a transaction, or its COMMIT — fails at once with
 * RequestCancelledError, so the transaction rolls back.
 */

interface RequestStatements {
  /** Backend pids of this request's statements running now. */
  running: Set<number>;
  cancelled: boolean;
}

const requests = new AsyncLocalStorage<RequestStatements>();

/** The subset of pg.Client the guard needs. */
interface PgConnection {
  processID?: number | null;
  query(...args: unknown[]): unknown;
}

const GUARDED = Symbol('callpulse.guarded');

/**
 * Wraps one pg connection's `query`: statements of a cancelled request fail,
 * running ones are listed for cancellation, and a failing statement's error gets
 * its tag (`/* insert contact; 3 params *\/`) for logs that must not carry SQL.
 */
export function guardConnection(connection: PgConnection): void {
  const guarded = connection as PgConnection & { [GUARDED]?: true };
  if (guarded[GUARDED]) return;
  guarded[GUARDED] = true;
  connection.query = function guardedQuery(this: PgConnection, ...args: unknown[]) {
    // Looked up per call (not captured): tests spy on pg.Client.prototype.query.
    const query = (Object.getPrototypeOf(connection) as PgConnection).query;
    const callbackAt = args.findIndex((a) => typeof a === 'function');
    if (callbackAt < 0) return query.apply(this, args); // knex always passes a callback; others pass through
    const callback = args[callbackAt] as (error: Error | null, result?: unknown) => void;
    const request = requests.getStore();
    // ROLLBACK (and ROLLBACK TO SAVEPOINT) must pass: refused, the connection would go
    // back to the pool inside an aborted transaction and fail every later request on it.
    if (request?.cancelled && !isRollback(args[0])) {
      queueMicrotask(() => callback(new RequestCancelledError()));
      return undefined;
    }
    const pid = connection.processID ?? null;
    if (request && pid !== null) request.running.add(pid);
    args[callbackAt] = (error: Error | null, result?: unknown) => {
      if (request && pid !== null) request.running.delete(pid);
      if (error && typeof error === 'object') tagError(error, args[0]);
      callback(error, result);
    };
    return query.apply(this, args);
  };
}

function isRollback(config: unknown): boolean {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' && /^\s*(\/\*.*?\*\/\s*)?rollback\b/is.test(text);
}

/** Names the failed statement on its error (`statement`), which MikroORM copies onto its DriverException. */
function tagError(error: Error, config: unknown): void {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return;
  const values = (config as { values?: unknown[] } | null)?.values;
  Object.defineProperty(error, 'statement', {
    value: leadingTag(text) ?? statementTag(text, Array.isArray(values) ? values.length : 0),
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/** Fails with RequestCancelledError when the current request's client has gone: work not yet started need not start. */
export function throwIfRequestCancelled(): void {
  if (requests.getStore()?.cancelled) throw new RequestCancelledError();
}

/** Cancels running statements by backend pid (pg_cancel_backend on a connection of its own). */
export type CancelStatements = (pids: number[]) => Promise<void>;

/**
 * Express middleware: runs the rest of the request inside its own statement store
 * and cancels its statements when the client disconnects before the response is
 * finished. Mount it after body parsing: a body still arriving is not a disconnect.
 */
export function cancelOnDisconnect(cancel: CancelStatements, logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const request: RequestStatements = { running: new Set(), cancelled: false };
    // 'close' on the response: the connection ended; before 'finish' it ended early.
    res.once('close', () => {
      if (res.writableFinished) return;
      request.cancelled = true;
      const pids = [...request.running];
      const requestId = res.locals.requestId as string | undefined;
      logger.warn({ requestId, code: 'REQUEST_CANCELLED', statements: pids.length }, 'client disconnected: request cancelled');
      if (pids.length) {
        cancel(pids).catch((error: unknown) => logger.warn({ err: error, requestId }, 'could not cancel the statements of a disconnected request'));
      }
    });
    requests.run(request, next);
  };
}
