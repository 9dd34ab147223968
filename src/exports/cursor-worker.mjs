// One export's cursor, run in a worker thread with a small heap of its own (see
// cursor-stream.ts, which starts it): plain JavaScript, so the same file runs from
// source, under the test runner and in the build without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

/** @type {{ connection: import('pg').ClientConfig, text: string, values: unknown[], fetchRows: number, credit: number }} */
const job = workerData;
const client = new pg.Client(job.connection);

// Chunks the main thread is ready to take: each chunk it has written comes back ({ spent }),
// and its memory is freed here, by this thread's frequent collections.
let credit = job.credit;
/** @type {(() => void) | null} */
let wake = null;
parentPort.unref(); // the connection keeps the thread alive while it works; once closed, the thread ends
parentPort.on('message', () => {
  credit++;
  wake?.();
  wake = null;
});
const creditGiven = () => (credit > 0 ? Promise.resolve() : new Promise((resolve) => (wake = resolve)));

const encoder = new TextEncoder();

try {
  await client.connect();
  await client.query('begin transaction isolation level repeatable read, read only');
  await client.query({ text: `declare export_rows no scroll cursor for ${job.text}`, values: job.values });
  parentPort.postMessage({ type: 'open' });
  for (;;) {
    const { rows } = await client.query({ text: `fetch ${job.fetchRows} from export_rows`, rowMode: 'array' });
    if (rows.length === 0) break;
    let text = '';
    for (const row of rows) text += row[0];
    const bytes = encoder.encode(text); // its own ArrayBuffer: handed over, not copied
    await creditGiven();
    credit--;
    parentPort.postMessage({ type: 'chunk', bytes }, [bytes.buffer]);
  }
  await client.query('commit');
  parentPort.postMessage({ type: 'end' });
} catch (error) {
  // What db-errors.ts needs to classify it: the code (SQLSTATE or socket errno), also of a refused connect's inner errors.
  const e = /** @type {any} */ (error);
  const inner = Array.isArray(e?.errors) ? e.errors.map((x) => ({ code: x?.code, message: String(x?.message ?? '') })) : undefined;
  parentPort.postMessage({ type: 'error', error: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? e), code: e?.code, errors: inner } });
} finally {
  await client.end().catch(() => {});
}
