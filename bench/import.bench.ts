import 'reflect-metadata';
/**
 * The CSV import (`npm run import -- contacts FILE.csv`): rows/s of the whole
 * import, of its checking pass (the whole file validated before anything is
 * written) and of its writing pass, beside PostgreSQL's own COPY of the same
 * file into a table of text columns. The demo generator's contacts, written to a
 * CSV file first; the import runs in-process on a fresh database, like the CLI.
 *
 *   npm run bench:import            # BENCH_DAYS=60 (~89k contacts), BENCH_BATCH=10000, BENCH_RUNS=3
 */
import { writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoContacts } from '../src/demo/demo-generator';
import { importContactsCsv } from '../src/import/csv-import';
import { CSV_COLUMNS } from '../src/import/csv-contacts';
import { copyIn, machine, runBench, summarize, withBenchDatabase, withClient } from './support';

const days = Number(process.env.BENCH_DAYS ?? 60);
const batchSize = Number(process.env.BENCH_BATCH ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);

/** One CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180). */
const cell = (value: unknown): string => {
  if (value == null) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function writeCsv(file: string): number {
  const contacts = [...generateDemoContacts({ endDate: '2026-03-31', days, seed: 7 })].flat();
  const fields: Record<(typeof CSV_COLUMNS)[number], (c: (typeof contacts)[number]) => unknown> = {
    external_id: (c) => c.externalId, channel: (c) => c.channel, direction: (c) => c.direction, queue: (c) => c.queue,
    team: (c) => c.team, agent: (c) => c.agent, customer_ref: (c) => c.customerRef, offered_at: (c) => c.offeredAt,
    answered_at: (c) => c.answeredAt, ended_at: (c) => c.endedAt, talk_seconds: (c) => c.talkSeconds,
    hold_seconds: (c) => c.holdSeconds, after_contact_work_seconds: (c) => c.afterContactWorkSeconds,
    transfers: (c) => c.transfers, resolved: (c) => c.resolved, disposition: (c) => c.disposition,
  };
  const lines = [CSV_COLUMNS.join(','), ...contacts.map((c) => CSV_COLUMNS.map((column) => cell(fields[column](c))).join(','))];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return contacts.length;
}

runBench(async () => {
  const file = path.join(os.tmpdir(), `callpulse-import-bench-${process.pid}.csv`);
  const rows = writeCsv(file);
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  const loads = [load()];
  const whole: number[] = [];
  const checking: number[] = [];
  const writing: number[] = [];
  const copies: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      await withBenchDatabase('import', async ({ url, orm, organizationId }) => {
        const started = performance.now();
        let checked = started;
        const summary = await importContactsCsv(orm.em.fork(), organizationId, file, {
          batchSize,
          progress: (message) => {
            if (message.includes('no problems, writing')) checked = performance.now();
          },
        });
        const ended = performance.now();
        if (!summary.written || summary.created !== rows) throw new Error(`imported ${JSON.stringify(summary).slice(0, 300)}`);
        whole.push(ended - started);
        checking.push(checked - started);
        writing.push(ended - checked);
        copies.push(await withClient(url, async (c) => {
          await c.query(`create table csv_copy (${CSV_COLUMNS.map((column) => `${column} text`).join(', ')})`);
          const t = performance.now();
          await copyIn(c, 'copy csv_copy from stdin (format csv, header true)', readFileSync(file, 'utf8'));
          return performance.now() - t;
        }));
      });
      loads.push(load());
    }
  } finally {
    rmSync(file, { force: true });
  }
  const rate = (ms: number[]) => {
    const s = summarize(ms.map((m) => rows / (m / 1000)));
    return `${Math.round(s.min).toLocaleString('en')} / ${Math.round(s.median).toLocaleString('en')} / ${Math.round(s.max).toLocaleString('en')} rows/s`;
  };
  const time = (ms: number[]) => {
    const s = summarize(ms);
    return `${(s.min / 1000).toFixed(1)} / ${(s.median / 1000).toFixed(1)} / ${(s.max / 1000).toFixed(1)} s`;
  };
  console.log(machine());
  console.log(`data: ${rows.toLocaleString('en')} demo contacts (${days} days) in one CSV file, batches of ${batchSize.toLocaleString('en')}, ${runs} runs each into a fresh database; load average ${loads.join(' → ')}`);
  console.log('| step | time (min / median / max) | rate (min / median / max) |\n|---|---|---|');
  console.log(`| whole import (check, then write) | ${time(whole)} | ${rate(whole)} |`);
  console.log(`| checking pass (parse and validate every row) | ${time(checking)} | ${rate(checking)} |`);
  console.log(`| writing pass (parse, validate, write every batch with its upkeep) | ${time(writing)} | ${rate(writing)} |`);
  console.log(`| PostgreSQL COPY of the same file into a table of text columns | ${time(copies)} | ${rate(copies)} |`);
});
