import type { Response } from 'express';
import type { Sql } from '../analytics/sql';
import type { Logger } from '../platform/logger';

/** What the export needs of a pooled pg connection (knex's, so the disconnect guard wraps its `query`). */
export interface CursorConnection {
  query(config: { text: string; values?: unknown[]; rowMode?: 'array' }, callback: (error: Error | null, result: { rows: unknown[] }) => void): void;
  __knex__disposed?: unknown;
}

/** Rows fetched per FETCH: about 150 KB of CSV, so memory stays flat however many rows follow. */
export const FETCH_ROWS = 1_000;

export interface CursorExport {
  connection: CursorConnection;
  /** The select: one text column, each row's whole line (line end included). */
  query: Sql;
  /** Written before the first row (CSV's header row; NDJSON has none). */
  header: string;
  res: Response;
  logger: Logger;
  /** Sets the status and headers; called once the cursor is open, before the first byte. */
  start(): void;
}

/**
 * Streams a select through a server-side cursor (DECLARE … FETCH in a read-only,
 * repeatable-read transaction: one snapshot for the whole file), one FETCH at a time,
 * fetching the next only when the response has taken the last (back-pressure). A client
 * that leaves stops the loop: the disconnect guard (db-guard.ts) cancels a FETCH running
 * then, and the transaction rolls back, closing the cursor. Resolves when the response
 * ended or was abandoned; rejects only before the first byte (the caller answers then).
 */
export async function streamCursor(job: CursorExport): Promise<void> {
  const { connection, res } = job;
  const run = (text: string, values: readonly unknown[] = [], rowMode?: 'array') =>
    new Promise<unknown[]>((resolve, reject) =>
      connection.query({ text, values: [...values], rowMode }, (error, result) => (error ? reject(error) : resolve(result.rows))),
    );
  let started = false;
  try {
    await run('begin transaction isolation level repeatable read, read only');
    await run(`declare export_rows no scroll cursor for ${numbered(job.query.text)}`, job.query.values);
    job.start();
    started = true;
    res.write(job.header);
    while (!gone(res)) {
      const rows = (await run(`fetch ${FETCH_ROWS} from export_rows`, [], 'array')) as Array<[string]>;
      if (rows.length === 0) break;
      if (!writeLines(res, rows.map((row) => row[0]))) await drained(res);
    }
    if (gone(res)) throw new Error('client gone');
    await run('commit');
    res.end();
  } catch (error) {
    await run('rollback').catch((rollbackError: unknown) => {
      connection.__knex__disposed = rollbackError; // never back into the pool mid-transaction
    });
    if (!started) throw error;
    if (!gone(res)) {
      // Headers are sent: the only way left to say "incomplete" is to cut the chunked body short.
      job.logger.warn({ err: error, requestId: res.locals.requestId }, 'export failed after its first rows');
      res.destroy();
    } else {
      job.logger.info({ requestId: res.locals.requestId, code: 'REQUEST_CANCELLED' }, 'export cancelled: its client disconnected');
    }
  }
}

/**
 * Chunk size in characters: under V8's large-object size (128 KB), so a chunk is a young
 * object a scavenge frees, not one in large-object space that waits for a full collection.
 */
const CHUNK_CHARS = 32_000;

/** Writes lines in chunks of about CHUNK_CHARS; false when the socket wants a pause (like `write`). */
export function writeLines(res: Response, lines: readonly string[]): boolean {
  let chunk = '';
  let more = true;
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK_CHARS) {
      more = res.write(chunk) && more;
      chunk = '';
    }
  }
  if (chunk) more = res.write(chunk) && more;
  return more;
}

const gone = (res: Response) => res.destroyed || res.writableEnded;

/** Waits until the response wants more, or its client has gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The `?` placeholders of sql.ts as PostgreSQL's $1, $2, … (raw pg, not knex, runs it). */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
