/**
 * What a database error means for the client, and how to log it without SQL.
 *
 * Pure functions over the errors node-postgres, knex and MikroORM throw: no I/O.
 * A knex error's message is the whole statement with its values inlined, then
 * " - ", then PostgreSQL's message; MikroORM copies that message and the server's
 * fields (detail, where, internalQuery…) onto its DriverException. None of those
 * may reach a log: they carry customers' data (a failed 10,000-contact batch was
 * once logged as a 434 KB line of customerRefs).
 */

/** The kinds of database failure a client can act on. */
export type DatabaseFailureKind = 'unavailable' | 'busy' | 'timeout' | 'cancelled' | 'conflict';

export interface DatabaseFailure {
  kind: DatabaseFailureKind;
  /** SQLSTATE, a Node socket code (ECONNREFUSED) or the library's error name. */
  cause: string;
}

/** Retrying the same transaction may succeed: serialization failure, deadlock. */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** SQLSTATEs of a server that is gone, going or not yet there (class 08: connection exceptions). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres's own words when a socket closes or a connect times out (no code on these). */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** The error a request's statements get once its client has gone (see db-guard.ts). */
export class RequestCancelledError extends Error {
  readonly code = 'REQUEST_CANCELLED';
  constructor() {
    super('The client disconnected: the request was cancelled and its transaction rolled back');
    this.name = 'RequestCancelledError';
  }
}

/** Classifies `error` (or an error it wraps); null when it is not a database failure a client can act on. */
export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  for (const e of causeChain(error)) {
    if (e instanceof RequestCancelledError) return { kind: 'cancelled', cause: 'REQUEST_CANCELLED' };
    const code = typeof e.code === 'string' ? e.code : undefined;
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (code && RETRYABLE_SQLSTATES.has(code)) return { kind: 'conflict', cause: code };
    if (code === '57014') {
      // query_canceled: by statement_timeout, or by pg_cancel_backend (our disconnect guard).
      return /statement timeout/i.test(pgMessage(message)) ? { kind: 'timeout', cause: code } : { kind: 'cancelled', cause: code };
    }
    if (code && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return { kind: 'unavailable', cause: code };
    // MikroORM re-wraps it as a DriverException (its own name): the message tells.
    if (name === 'KnexTimeoutError' || message.startsWith('Knex: Timeout acquiring a connection')) return { kind: 'busy', cause: 'KnexTimeoutError' };
    const tail = pgMessage(message);
    if (UNAVAILABLE_MESSAGES.some((m) => tail.startsWith(m))) return { kind: 'unavailable', cause: tail.slice(0, 60) };
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      // AggregateError: node's connect tried every address (::1, 127.0.0.1) and each refused.
      const inner = classifyDatabaseError(e.errors[0]);
      if (inner) return inner;
    }
  }
  return null;
}

/** True when running the same transaction again may succeed (serialization failure, deadlock). */
export function isRetryableWriteConflict(error: unknown): boolean {
  return classifyDatabaseError(error)?.kind === 'conflict';
}

/** Whether `error` (or an error it wraps) carries one of these SQLSTATEs. */
export function hasSqlState(error: unknown, states: readonly string[]): boolean {
  return causeChain(error).some((e) => typeof e.code === 'string' && states.includes(e.code));
}

type ErrorLike = { code?: unknown; name?: unknown; message?: unknown; errors?: unknown; cause?: unknown; originalError?: unknown };

/** The error and those it wraps (GraphQLError.originalError, Error.cause), at most 5 deep. */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 5 && !chain.includes(current as ErrorLike)) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.originalError ?? e.cause;
  }
  return chain;
}

/** PostgreSQL's own message: what follows the statement knex puts in front (" - "), without MikroORM's detail/hint lines. */
export function pgMessage(message: string): string {
  const firstLine = message.split('\n - detail:')[0].split('\n - hint:')[0];
  const cut = firstLine.lastIndexOf(' - ');
  return cut >= 0 ? firstLine.slice(cut + 3) : firstLine;
}

const TAG = /^\s*\/\* ([\w .;-]{1,120}) \*\//;

/**
 * A statement's log name: `/* insert contact; 3 params *\/`. The verb and the
 * first table named, never a value. `params` is the number of bound values.
 */
export function statementTag(sql: string, params: number): string {
  return `/* ${statementName(sql)}; ${params} params */`;
}

function statementName(sql: string): string {
  // Only the text before the first literal: a value can never become part of the name.
  const text = sql.slice(0, 4000).split(/'|\$\$/)[0].replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
  const verb = /^\s*\(?\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'statement';
  const target =
    verb === 'insert' ? /\binto\s+("?[\w.]+"?)/i.exec(text)
    : verb === 'update' ? /^\s*update\s+(?:only\s+)?("?[\w.]+"?)/i.exec(text)
    : /\bfrom\s+(?:only\s+)?("?[\w.]+"?)/i.exec(text);
  const table = target?.[1]?.replaceAll('"', '').slice(0, 60);
  return table ? `${verb} ${table}` : verb.slice(0, 20);
}

/** The tag a statement already starts with (added by openOrm), else null. */
export function leadingTag(sql: string): string | null {
  const match = TAG.exec(sql);
  return match ? `/* ${match[1]} */` : null;
}

/** PostgreSQL's message with quoted literals removed unless they name the failing object. */
function redactedMessage(message: string, names: ReadonlySet<string>): string {
  return message.slice(0, 300).replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) => (names.has(inner) ? quoted : '"…"'));
}

/** The fields of a PostgreSQL error that name objects, never values. */
const SAFE_FIELDS = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType', 'errno'] as const;

/**
 * A database error as a log record without SQL, values or detail: its kind, code,
 * the object it concerns, PostgreSQL's message with quoted values removed, the
 * statement's tag, and the stack frames. Null for errors that are not from the database.
 */
export function databaseErrorForLog(error: unknown): Record<string, unknown> | null {
  if (!isDatabaseError(error)) return null;
  const e = error as Error & Record<string, unknown>;
  const record: Record<string, unknown> = { type: e.name || 'Error' };
  for (const field of SAFE_FIELDS) if (e[field] !== undefined && e[field] !== null) record[field] = e[field];
  const names = new Set(
    [e.table, e.column, e.constraint, e.schema, e.dataType].filter((v): v is string => typeof v === 'string'),
  );
  const message = typeof e.message === 'string' ? e.message : '';
  record.message = redactedMessage(pgMessage(message), names);
  // The tag db-guard puts on the failed statement's error, else the one the statement began with.
  const tag = typeof e.statement === 'string' ? leadingTag(e.statement) : leadingTag(message);
  if (tag) record.statement = tag;
  const failure = classifyDatabaseError(e);
  if (failure) record.failure = failure.kind;
  if (typeof e.stack === 'string') {
    record.stack = e.stack.split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n');
  }
  return record;
}

/** An error from PostgreSQL, node-postgres, knex or MikroORM's driver layer (which may carry SQL). */
export function isDatabaseError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as Record<string, unknown>;
  if (typeof e.routine === 'string' || typeof e.severity === 'string') return true; // pg DatabaseError fields
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return true; // a SQLSTATE
  const name = typeof e.name === 'string' ? e.name : '';
  if (/Exception$/.test(name) || name === 'KnexTimeoutError') return true; // MikroORM's DriverException family
  return typeof e.message === 'string' && (TAG.test(e.message) || /^\s*(select|insert|update|delete|with)\b[\s\S]* - /i.test(e.message));
}
