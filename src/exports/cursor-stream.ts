import { Worker } from 'node:worker_threads';
import type { Response } from 'express';
import type { ClientConfig } from 'pg';
import type { Sql } from '../analytics/sql';
import type { Logger } from '../platform/logger';
import { runtimeFile } from '../platform/runtime-files';

/** Rows fetched per FETCH: about 150 KB of CSV, so memory stays flat however many rows follow. */
export const FETCH_ROWS = 1_000;

/**
 * The cursor thread's heap (MB). The server runs with a large young generation
 * (--max-semi-space-size=64, for report throughput) that lets an export's garbage,
 * 300 MB of row text for 2 M contacts, raise RSS by ~240 MB before V8 collects it;
 * a thread of its own with a small heap collects every few chunks instead.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };
/** Chunks fetched ahead of the response: one being written, one ready. */
const CHUNKS_AHEAD = 2;

export interface CursorExport {
  /** How the cursor's own connection reaches the database (one per export; MAX_CONCURRENT_EXPORTS bounds them). */
  connection: ClientConfig;
  /** The select: one text column, each row's whole line (line end included). */
  query: Sql;
  /** Written before the first row (CSV's header row; NDJSON has none). */
  header: string;
  res: Response;
  logger: Logger;
  /** Sets the status and headers; called once the cursor is open, before the first byte. */
  start(): void;
}

type FromWorker =
  | { type: 'open' }
  | { type: 'chunk'; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'end' }
  | { type: 'error'; error: { name: string; message: string; code?: string; errors?: Array<{ code?: string; message: string }> } };

/**
 * Streams a select through a server-side cursor (DECLARE … FETCH in a read-only,
 * repeatable-read transaction: one snapshot for the whole file) run by a worker
 * thread (cursor-worker.mjs), one FETCH at a time, fetching ahead only as far as
 * the response has taken (back-pressure). A client that leaves ends the thread: its
 * connection closes and PostgreSQL rolls the transaction back, closing the cursor.
 * Resolves when the response ended or was abandoned; rejects only before the first
 * byte (the caller answers then).
 */
export function streamCursor(job: CursorExport): Promise<void> {
  const { res } = job;
  const worker = new Worker(runtimeFile('exports/cursor-worker.mjs'), {
    workerData: { connection: job.connection, text: numbered(job.query.text), values: job.query.values, fetchRows: FETCH_ROWS, credit: CHUNKS_AHEAD },
    resourceLimits: WORKER_LIMITS,
    execArgv: [], // plain JavaScript: none of the server's loaders or flags
  });
  let started = false;
  let finished = false;
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      if (finished) return; // the thread's exit follows its last message
      finished = true;
      res.off('close', onClose);
      void worker.terminate();
      if (!error) return resolve();
      if (!started) return reject(error);
      // Headers are sent: the only way left to say "incomplete" is to cut the chunked body short.
      job.logger.warn({ err: error, requestId: res.locals.requestId }, 'export failed after its first rows');
      res.destroy();
      resolve();
    };
    const onClose = () => {
      if (res.writableFinished) return;
      job.logger.info({ requestId: res.locals.requestId, code: 'REQUEST_CANCELLED' }, 'export cancelled: its client disconnected');
      finish();
    };
    res.on('close', onClose);
    worker.on('error', (error) => finish(error)); // out of its heap, say
    worker.on('exit', (code) => finish(new Error(`the export's cursor thread ended early (exit code ${code})`)));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'open') {
        job.start();
        started = true;
        res.write(job.header);
      } else if (message.type === 'chunk') {
        // Once written, the chunk goes back to the thread that made it (its memory with it): here,
        // where little else is allocated, garbage collection would come too seldom to free it.
        const { bytes } = message;
        res.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), () => {
          if (!finished) worker.postMessage({ spent: bytes }, [bytes.buffer]);
        });
      } else if (message.type === 'end') {
        res.end();
        finish();
      } else {
        finish(Object.assign(new Error(message.error.message), message.error));
      }
    });
  });
}

/** The `?` placeholders of sql.ts as PostgreSQL's $1, $2, … (raw pg, not knex, runs it). */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
