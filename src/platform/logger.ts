import { pino, stdSerializers, type Logger } from 'pino';
import type { LogLevel } from './config';
import { databaseErrorForLog, isDatabaseError } from './db-errors';

export type { Logger };

/** Structured JSON logs on stdout; one line per event. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'callpulse' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError, error: serializeError },
  });
}

/**
 * Errors as pino logs them, except that a database error — or one wrapping it
 * (GraphQLError.originalError, cause) — is logged without its SQL, values or
 * detail: kind, SQLSTATE, table/constraint, statement tag, stack frames.
 */
export function serializeError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (isDatabaseError(current)) {
      const record = databaseErrorForLog(current)!;
      return current === error ? record : { ...record, wrappedIn: (error as Error).name };
    }
    const e = current as { originalError?: unknown; cause?: unknown };
    current = e.originalError ?? e.cause;
  }
  return error instanceof Error ? stdSerializers.err(error) : error;
}
