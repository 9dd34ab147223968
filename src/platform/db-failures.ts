import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { classifyDatabaseError, type DatabaseFailure } from './db-errors';
import type { Logger } from './logger';
import { errorBody } from './errors';

/**
 * Database failures as answers a client can act on (API.md "Operations"): an
 * unreachable database or a full pool is HTTP 503 with Retry-After, a statement
 * past STATEMENT_TIMEOUT_MS is TIMEOUT, a write that kept conflicting is 409.
 * Both ways a request can meet the database are covered: GraphQL execution
 * (formatError + the status plugin) and Express middleware (the error handler).
 */

export const RETRY_AFTER_SECONDS = 2;

export interface FailureAnswer {
  code: 'DATABASE_UNAVAILABLE' | 'SERVER_BUSY' | 'TIMEOUT' | 'REQUEST_CANCELLED' | 'WRITE_CONFLICT';
  /** The HTTP status of a response carrying this error. */
  status: number;
  message: string;
  /** Send Retry-After: the same request may succeed in a moment. */
  retry: boolean;
}

export function failureAnswer(failure: DatabaseFailure, statementTimeoutMs: number): FailureAnswer {
  switch (failure.kind) {
    case 'unavailable':
      return { code: 'DATABASE_UNAVAILABLE', status: 503, retry: true, message: `The database is unavailable; retry in ${RETRY_AFTER_SECONDS} seconds` };
    case 'busy':
      return { code: 'SERVER_BUSY', status: 503, retry: true, message: `Every database connection is busy; retry in ${RETRY_AFTER_SECONDS} seconds` };
    case 'timeout':
      return {
        code: 'TIMEOUT',
        status: 200, // an execution error like any other: other fields of the answer may hold data
        retry: false,
        message:
          `A database statement ran longer than STATEMENT_TIMEOUT_MS (${statementTimeoutMs} ms) and was cancelled: ` +
          'ask for less (a shorter range, fewer groups or metrics), or the operator may raise the limit',
      };
    case 'cancelled':
      return { code: 'REQUEST_CANCELLED', status: 499, retry: false, message: 'The request was cancelled because its client disconnected' };
    case 'conflict':
      return {
        code: 'WRITE_CONFLICT',
        status: 409,
        retry: true,
        message: 'The write kept conflicting with concurrent writes and was not applied; nothing was written: send it again',
      };
  }
}

/** formatError step: a database failure becomes its coded error (logged without SQL); anything else passes on. */
export function formatDatabaseFailure(
  formatted: GraphQLFormattedError,
  error: unknown,
  statementTimeoutMs: number,
  logger: Logger,
): GraphQLFormattedError {
  const failure = classifyDatabaseError(unwrapResolverError(error));
  if (!failure) return formatted;
  const answer = failureAnswer(failure, statementTimeoutMs);
  // A cancelled request has no one to answer; the others are the database's state, not a bug.
  if (failure.kind === 'cancelled') logger.info({ code: answer.code, path: formatted.path }, 'request cancelled: its client disconnected');
  else logger.warn({ err: unwrapResolverError(error), code: answer.code, path: formatted.path }, 'database failure');
  return {
    message: answer.message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: answer.code, ...(answer.retry ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}) },
  };
}

const STATUS_BY_CODE = new Map<string, FailureAnswer>(
  (['unavailable', 'busy', 'conflict'] as const).map((kind) => {
    const answer = failureAnswer({ kind, cause: '' }, 0);
    return [answer.code, answer];
  }),
);

/** Sets the HTTP status (503, 409) and Retry-After of a GraphQL answer from its errors' codes. */
export function databaseFailureStatus<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const answers = errors.flatMap((e) => STATUS_BY_CODE.get(String(e.extensions?.code)) ?? []);
          if (answers.length === 0) return;
          // 503 (retry soon) outranks 409 (send again) when both occur.
          const answer = answers.reduce((a, b) => (b.status > a.status ? b : a));
          response.http.status = answer.status;
          if (answer.retry) response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/**
 * Express error handler for middleware that reaches the database before GraphQL
 * runs (the early API-key lookup, rate-limit counters): the same codes, in a
 * GraphQL-shaped body. Other errors go on to Express's own handler.
 */
export function databaseFailureHandler(statementTimeoutMs: number, logger: Logger): express.ErrorRequestHandler {
  return (error, _req, res, next) => {
    const failure = classifyDatabaseError(error);
    if (!failure || res.headersSent) return next(error);
    const answer = failureAnswer(failure, statementTimeoutMs);
    if (failure.kind === 'cancelled') {
      logger.info({ requestId: res.locals.requestId, code: answer.code }, 'request cancelled: its client disconnected');
      if (!res.writableEnded) res.destroy();
      return;
    }
    logger.warn({ err: error, requestId: res.locals.requestId, code: answer.code }, 'database failure');
    if (answer.retry) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    res
      .status(answer.status === 200 ? 503 : answer.status)
      .json(errorBody(answer.message, { code: answer.code, ...(answer.retry ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}) }));
  };
}

/**
 * The last error handler: anything no other handler answered is a JSON 500 with
 * the request id, never Express's HTML page (which would print the error, and
 * with it SQL and values, to the client).
 */
export function lastErrorHandler(logger: Logger): express.ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error, requestId: res.locals.requestId }, 'unexpected error');
    res
      .status(status)
      .json(
        status === 500
          ? errorBody('Internal server error', { code: 'INTERNAL_SERVER_ERROR', requestId: res.locals.requestId })
          : errorBody(String(error?.message ?? 'Bad request'), { code: 'BAD_REQUEST' }),
      );
  };
}
