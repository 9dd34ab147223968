import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { freePort } from '../src/platform/net';
import { machine, runBench, summarize, withBenchDatabase } from './support';

/**
 * `npm run bench:export`: the server's memory while it streams contacts.csv of
 * EXPORT_CONTACTS (default 2,000,000) contacts. The server runs as `npm start`
 * does (its own process, DATABASE_URL), so its RSS is read from /proc alone,
 * every 50 ms: idle after a first small export, then the peak during each
 * download. Three full CSV downloads read as fast as the client can, one NDJSON,
 * and one slow client (1 MB/s for 10 s, then it leaves) whose export must wait on
 * the socket (back-pressure) and close its cursor when it goes.
 */

const CONTACTS = Number(process.env.EXPORT_CONTACTS ?? 2_000_000);
const RANGE = { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
const MB = 2 ** 20;

runBench(async () => {
  await withBenchDatabase('export', async (db) => {
    const connection = db.orm.em.getConnection();
    if (!db.reused) {
      const started = Date.now();
      const org = db.organizationId;
      await connection.execute(`insert into queue (organization_id, key, name) select ?, 'queue-' || g, 'Queue ' || g from generate_series(1, 20) g`, [org]);
      await connection.execute(`insert into team (organization_id, key, name) select ?, 'team-' || g, 'Team ' || g from generate_series(1, 10) g`, [org]);
      await connection.execute(
        `insert into agent (organization_id, key, name, team_id) select ?, 'agent-' || g, 'Agent ' || g, (select min(id) from team where organization_id = ?) + g % 10 from generate_series(1, 200) g`,
        [org, org],
      );
      // Spread over 11 months, a third unanswered, every column filled as ingestion would.
      await connection.execute(
        `insert into contact (organization_id, external_id, channel, direction, queue_id, team_id, agent_id, customer_ref,
           offered_at, answered_at, ended_at, wait_seconds, talk_seconds, hold_seconds, after_contact_work_seconds, transfers,
           resolved, disposition)
         select ?, 'ext-' || g, (array['VOICE','CHAT','EMAIL','MESSAGING'])[1 + g % 4], 'INBOUND',
           q.min + g % 20, case when g % 3 = 0 then null else t.min + g % 10 end, case when g % 3 = 0 then null else a.min + g % 200 end,
           'cust-' || (g % 50000), o.at, case when g % 3 = 0 then null else o.at + (g % 60) * interval '1 second' end,
           o.at + (g % 60 + 300) * interval '1 second', g % 60, case when g % 3 = 0 then 0 else 240 end, g % 7, 30, g % 5 / 4,
           case when g % 3 = 0 then null else g % 2 = 0 end, case when g % 11 = 0 then 'callback, "urgent"' else 'ok' end
         from generate_series(1, ?) g
         cross join (select min(id) from queue where organization_id = ?) q
         cross join (select min(id) from team where organization_id = ?) t
         cross join (select min(id) from agent where organization_id = ?) a
         cross join lateral (select timestamptz '2026-01-01 00:00Z' + (g::bigint * 28857 / 2000) * interval '1 second' as at) o`,
        [org, CONTACTS, org, org, org],
      );
      await connection.execute('analyze contact');
      console.log(`loaded ${CONTACTS.toLocaleString('en')} contacts in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }

    const port = await freePort();
    const server = spawn(process.execPath, [...(process.env.EXPORT_NODE_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean), '--import', 'tsx', 'src/main.ts', 'serve'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: db.url, BOOTSTRAP_API_KEY: 'bench-key', LOG_LEVEL: 'warn', DEMO_DATA: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      await waitForHealth(port);
      const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) * 1024;
      const url = (format: string, range = RANGE) => `http://127.0.0.1:${port}/export/contacts.${format}?query=${encodeURIComponent(JSON.stringify({ range }))}`;
      // Warm-up: the first export loads its code paths; idle is measured after it.
      await download(url('csv', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }));
      await new Promise((r) => setTimeout(r, 2_000));
      const idle = rss();
      console.log(machine());
      console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; server idle RSS ${(idle / MB).toFixed(0)} MB`);

      const runs: Array<{ label: string; ms: number; bytes: number; rows: number; peak: number }> = [];
      for (const [label, format, slow] of [
        ['csv', 'csv', false], ['csv', 'csv', false], ['csv', 'csv', false], ['ndjson', 'ndjson', false], ['slow client, leaves after 10 s', 'csv', true],
      ] as const) {
        let peak = rss();
        const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
        const started = Date.now();
        const { bytes, rows } = await download(url(format), slow ? { bytesPerSecond: MB, stopAfterMs: 10_000 } : undefined);
        clearInterval(sampler);
        runs.push({ label, ms: Date.now() - started, bytes, rows, peak });
        console.log(`${label}: ${rows.toLocaleString('en')} lines, ${(bytes / MB).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s; peak RSS ${(peak / MB).toFixed(0)} MB (+${((peak - idle) / MB).toFixed(0)} MB over idle)`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      const full = runs.filter((r) => r.label === 'csv');
      const seconds = summarize(full.map((r) => r.ms / 1000));
      const over = summarize(runs.map((r) => (r.peak - idle) / MB));
      console.log(`csv of ${CONTACTS.toLocaleString('en')}: ${seconds.min} / ${seconds.median} / ${seconds.max} s; peak RSS over idle (all runs) ${over.min} / ${over.median} / ${over.max} MB`);
      const open = await connection.execute(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`);
      console.log(`sessions left idle in a transaction after the runs: ${open[0].n}`);
      console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    } finally {
      await stop(server);
    }
  });
});

/** Reads a download to its end (or, slow, at a set pace until it leaves); counts bytes and lines. */
async function download(url: string, slow?: { bytesPerSecond: number; stopAfterMs: number }): Promise<{ bytes: number; rows: number }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: 'Bearer bench-key' }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  const started = Date.now();
  let bytes = 0;
  let rows = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) rows++;
    if (slow) {
      const due = (bytes / slow.bytesPerSecond) * 1000 - (Date.now() - started);
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      if (Date.now() - started > slow.stopAfterMs) {
        controller.abort();
        break;
      }
    }
  }
  return { bytes, rows };
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
