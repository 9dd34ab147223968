import 'reflect-metadata';
/**
 * Live wallboards during ingest (issue 18, Speed): BENCH_SUBSCRIPTIONS (500)
 * `liveKpis` subscriptions, each on its own graphql-ws socket (a wallboard each:
 * one day by 15 minutes by queue, in one of three zones, all queues or one or two
 * of them, T = 20 or 30 s), open on a real server process while the demo
 * generator's contacts are posted through `recordContacts` in batches of
 * BENCH_BATCH as fast as the server takes them (the ingest bench's rate), every
 * contact moved onto the wallboards' day so that every batch changes most
 * wallboards. Measured:
 *
 * - per update, the time from the commit to a subscriber receiving the report
 *   that includes it (p50 / p99 / max over every subscription and every batch that
 *   changed its report). The commit's time is when the bench's own LISTEN on
 *   callpulse_facts hears the batch's notice (sent at commit), or the batch's HTTP
 *   answer if that comes first. "Includes it": each report carries total.offered,
 *   which the bench computes for every subscription after every batch; every
 *   pushed report must equal one of these prefixes (else it is counted as wrong);
 * - ingest throughput (contacts/s) with the subscriptions open and, on a fresh
 *   database with a fresh server, without any.
 *
 * Each run pairs a run without and one with subscriptions (fresh database and
 * server each). At the end of a run with subscriptions, every distinct report is
 * compared with `kpis` over HTTP.
 *
 *   npm run bench:live    # BENCH_RUNS=2 BENCH_DAYS=20 BENCH_BATCH=10000 BENCH_SUBSCRIPTIONS=500
 */
import os from 'node:os';
import pg from 'pg';
import { DateTime } from 'luxon';
import { DEMO_QUEUES, generateDemoContacts } from '../src/demo/demo-generator';
import { FACTS_CHANNEL } from '../src/warehouse/fact-notices';
import { freePort, runCommand, type CliProcess } from '../test/support/child-server';
import { openLiveClient, type LiveClient, type LiveSubscription } from '../test/support/live-client';
import { API_KEY, formatSummary, machine, runBench, summarize, withBenchDatabase, type Summary } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const DAYS = Number(process.env.BENCH_DAYS ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 500);
/** The wallboards' day: every contact is moved onto it (its time of day kept). */
const DAY = '2026-03-31';

const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }';
const FIELDS = 'rows { periodStart queue { key } offered answered abandoned serviceLevel averageSpeedOfAnswer } total { offered answered serviceLevel }';
const LIVE = `subscription($q: KpiQuery!) { liveKpis(query: $q) { ${FIELDS} } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { ${FIELDS} } }`;

interface Posted {
  externalId: string;
  queue: string;
  direction?: string | null;
  offeredAt: string;
  answeredAt?: string | null;
  endedAt: string;
  [field: string]: unknown;
}

/** A wallboard: its query, and the contacts it counts (by offeredAt in its zone's day, in its queues). */
interface Wallboard {
  query: Record<string, unknown>;
  shape: string;
  from: number;
  to: number;
  queues: ReadonlySet<string> | null;
}

/** A small deterministic generator (mulberry32): the same wallboards every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The wallboards, as a center would set them up: most on UTC, some on the sites'
 * zones; a fifth show every queue, half one queue (the big ones more often), the
 * rest a pair; most with the default T of 20 s. Many share their report.
 */
function wallboards(n: number): Wallboard[] {
  const rnd = random(18);
  const pickQueue = () => {
    const total = DEMO_QUEUES.reduce((s, q) => s + q.weight, 0);
    let x = rnd() * total;
    for (const q of DEMO_QUEUES) if ((x -= q.weight) < 0) return q.key;
    return DEMO_QUEUES[0]!.key;
  };
  return Array.from({ length: n }, () => {
    const z = rnd();
    const timeZone = z < 0.6 ? 'UTC' : z < 0.8 ? 'Europe/Berlin' : 'America/New_York';
    const f = rnd();
    const queues = f < 0.2 ? null : f < 0.7 ? [pickQueue()] : [...new Set([pickQueue(), pickQueue()])].sort();
    const threshold = rnd() < 0.7 ? 20 : 30;
    const query = {
      dates: { from: DAY, to: DAY },
      timeZone,
      granularity: 'FIFTEEN_MINUTES',
      groupBy: ['QUEUE'],
      serviceLevelThresholdSeconds: threshold,
      ...(queues && { filter: { queueKeys: queues } }),
    };
    const start = DateTime.fromISO(DAY, { zone: timeZone });
    return {
      query,
      shape: JSON.stringify(query),
      from: start.toMillis(),
      to: start.plus({ days: 1 }).toMillis(),
      queues: queues ? new Set(queues) : null,
    };
  });
}

/** The demo generator's contacts of DAYS days, each moved onto DAY (same time of day), in the generator's order. */
function contacts(): Posted[] {
  const byDay = [...generateDemoContacts({ endDate: DAY, days: DAYS, seed: 7 })];
  const dayMs = 86_400_000;
  const target = Date.parse(`${DAY}T00:00:00Z`);
  return byDay.flat().map((c) => {
    const shift = Math.round((target - Date.parse(c.offeredAt.toISOString().slice(0, 10) + 'T00:00:00Z')) / dayMs) * dayMs;
    const move = (d: Date | null | undefined) => (d ? new Date(d.getTime() + shift).toISOString() : null);
    return { ...c, offeredAt: move(c.offeredAt)!, answeredAt: move(c.answeredAt), endedAt: move(c.endedAt)! } as Posted;
  });
}

/** A real server process on the bench database, its URL once ready. */
async function startServer(databaseUrl: string): Promise<{ process: CliProcess; url: string }> {
  // BENCH_SERVER_ARGS: more Node options for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = runCommand(process.execPath, ['--max-semi-space-size=64', ...extra, '--import', 'tsx', 'src/main.ts', 'serve'], {
    DATABASE_URL: databaseUrl,
    PORT: String(await freePort()),
    BOOTSTRAP_API_KEY: API_KEY,
    DEMO_DATA: '0',
    // BENCH_SERVER_LOG=debug: the server logs each live read (its wait for a place and its time), summed up per run.
    LOG_LEVEL: process.env.BENCH_SERVER_LOG ?? 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
  });
  const match = await child.waitForStderr(/CallPulse is ready: (http:\/\/\S+)\n/, 120_000);
  return { process: child, url: match[1]! };
}

async function stopServer(server: { process: CliProcess }): Promise<void> {
  server.process.child.kill('SIGTERM');
  await server.process.exitWithin(30_000).catch(() => server.process.child.kill('SIGKILL'));
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data!;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

interface RunResult {
  rate: number;
  perBatch: Summary;
  latencies?: number[];
  wrong?: number;
  openMs?: number;
  mismatches?: number;
  shapes?: number;
}

/** One run: a fresh database and server, the contacts posted in batches, with or without the wallboards open. */
async function run(withSubscriptions: boolean, posted: readonly Posted[], boards: readonly Wallboard[]): Promise<RunResult> {
  return withBenchDatabase(withSubscriptions ? 'live_with' : 'live_without', async ({ url: databaseUrl }) => {
    const server = await startServer(databaseUrl);
    const clients: LiveClient[] = [];
    const listener = new pg.Client({ connectionString: databaseUrl });
    try {
      const batches: Posted[][] = [];
      for (let i = 0; i < posted.length; i += BATCH) batches.push(posted.slice(i, i + BATCH));
      // The directory first (queues, teams, agents), as a running center has it: one contact per queue and agent, on another day.
      const seen = new Set<string>();
      const warmup = posted.filter((c) => {
        const key = `${c.queue}/${c.agent ?? ''}`;
        return !seen.has(key) && seen.add(key);
      }).map((c) => ({ ...c, externalId: `warm-${c.externalId}`, offeredAt: '2026-01-05T10:00:00Z', answeredAt: c.answeredAt ? '2026-01-05T10:00:10Z' : null, endedAt: '2026-01-05T10:05:00Z' }));
      await gql(server.url, RECORD, { c: warmup });

      // Per wallboard, total.offered after each batch (inbound contacts of its day and queues).
      const expected = boards.map((b) => {
        let n = 0;
        return batches.map((batch) => {
          for (const c of batch) {
            const t = Date.parse(c.offeredAt);
            if (c.direction !== 'OUTBOUND' && t >= b.from && t < b.to && (!b.queues || b.queues.has(c.queue))) n++;
          }
          return n;
        });
      });

      let subscriptions: Array<LiveSubscription<any>> = [];
      let openMs: number | undefined;
      if (withSubscriptions) {
        const started = performance.now();
        subscriptions = boards.map((b) => {
          const client = openLiveClient(server.url, API_KEY);
          clients.push(client);
          return client.subscribe(LIVE, { q: b.query });
        });
        await Promise.all(subscriptions.map((s) => s.nth(1, 120_000)));
        openMs = performance.now() - started;
        const failed = subscriptions.filter((s) => s.messages[0]!.errors);
        if (failed.length) throw new Error(`${failed.length} subscriptions failed: ${JSON.stringify(failed[0]!.messages[0]!.errors)}`);
      }

      await listener.connect();
      const notices: number[] = [];
      listener.on('notification', () => notices.push(performance.now()));
      await listener.query(`listen ${FACTS_CHANNEL}`);

      const commits: number[] = [];
      const perBatch: number[] = [];
      const started = performance.now();
      for (const batch of batches) {
        const sent = performance.now();
        const seenBefore = notices.length;
        await gql(server.url, RECORD, { c: batch });
        const answered = performance.now();
        perBatch.push(answered - sent);
        const notice = notices.slice(seenBefore).find((t) => t >= sent);
        commits.push(Math.min(notice ?? answered, answered));
      }
      const ingestMs = performance.now() - started;
      const result: RunResult = { rate: posted.length / (ingestMs / 1000), perBatch: summarize(perBatch) };
      if (!withSubscriptions) return result;

      // Every wallboard's last report includes the last batch (or the bench says which do not).
      const final = (i: number) => expected[i]![batches.length - 1]!;
      const offeredOf = (m: any) => m.data?.liveKpis?.total?.offered ?? 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && subscriptions.some((s, i) => offeredOf(s.messages.at(-1)) !== final(i))) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const latencies: number[] = [];
      let wrong = 0;
      subscriptions.forEach((s, i) => {
        const values = s.messages.map(offeredOf);
        const prefixes = [offeredOf(s.messages[0]), ...expected[i]!];
        wrong += values.filter((v) => !prefixes.includes(v)).length;
        let previous = offeredOf(s.messages[0]);
        expected[i]!.forEach((value, k) => {
          if (value === previous) return; // this batch did not change this wallboard
          previous = value;
          const m = values.findIndex((v, j) => j > 0 && v >= value);
          latencies.push(m < 0 ? Infinity : s.receivedAt[m]! - commits[k]!);
        });
      });
      // Each distinct report, as last pushed, against kpis.
      let mismatches = 0;
      const shapes = new Map<string, number>();
      boards.forEach((b, i) => shapes.set(b.shape, shapes.has(b.shape) ? shapes.get(b.shape)! : i));
      const kpisMs: number[] = [];
      for (const [, i] of shapes) {
        const t = performance.now();
        const { kpis } = await gql<{ kpis: unknown }>(server.url, KPIS, { q: boards[i]!.query });
        kpisMs.push(performance.now() - t);
        if (JSON.stringify(kpis) !== JSON.stringify(subscriptions[i]!.messages.at(-1)!.data!.liveKpis)) mismatches++;
      }
      console.log(`  after ingest, each distinct report once by kpis over HTTP: ${formatSummary(summarize(kpisMs))}`);
      const liveReads = server.process.stdout().split('\n').filter((l) => l.includes('"live report read"')).map((l) => JSON.parse(l) as { waitedMs: number; readMs: number });
      if (liveReads.length) {
        console.log(`  server: ${liveReads.length} live reads; waited for a place ${formatSummary(summarize(liveReads.map((r) => r.waitedMs)))}, read ${formatSummary(summarize(liveReads.map((r) => r.readMs)))}`);
      }
      return { ...result, latencies, wrong, openMs, mismatches, shapes: shapes.size };
    } finally {
      await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
      await listener.end().catch(() => undefined);
      await stopServer(server);
    }
  });
}

runBench(async () => {
  const posted = contacts();
  const boards = wallboards(SUBSCRIPTIONS);
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(machine());
  console.log(`data: ${posted.length.toLocaleString('en')} demo contacts (${DAYS} days moved onto ${DAY}) in batches of ${BATCH.toLocaleString('en')} into an empty database; ` +
    `${SUBSCRIPTIONS} wallboards, ${new Set(boards.map((b) => b.shape)).size} distinct reports; ${RUNS} pairs of runs; load average at start ${load()}\n`);
  const without: RunResult[] = [];
  const withSubs: RunResult[] = [];
  // BENCH_ONLY=with: skip the runs without subscriptions (profiling).
  for (let r = 0; r < RUNS; r++) {
    if (process.env.BENCH_ONLY === 'with') without.push({ rate: NaN, perBatch: { min: NaN, median: NaN, max: NaN } });
    else without.push(await run(false, posted, boards));
    console.log(`run ${r + 1} without: ${Math.round(without.at(-1)!.rate)} contacts/s, per batch ${formatSummary(without.at(-1)!.perBatch)} (load ${load()})`);
    const w = await run(true, posted, boards);
    withSubs.push(w);
    const sorted = [...w.latencies!].sort((a, b) => a - b);
    console.log(`run ${r + 1} with ${SUBSCRIPTIONS}: ${Math.round(w.rate)} contacts/s, per batch ${formatSummary(w.perBatch)}; all open and first report in ${Math.round(w.openMs!)} ms; ` +
      `${sorted.length} updates: p50 ${Math.round(percentile(sorted, 50))} / p99 ${Math.round(percentile(sorted, 99))} / max ${Math.round(sorted.at(-1)!)} ms; ` +
      `${w.wrong} reports that matched no prefix; ${w.mismatches} of ${w.shapes} final reports differ from kpis (load ${load()})`);
  }
  const rates = (rs: RunResult[]) => summarize(rs.map((r) => r.rate));
  const all = withSubs.flatMap((w) => w.latencies!).sort((a, b) => a - b);
  const a = rates(without);
  const b = rates(withSubs);
  console.log('\n| | min / median / max |\n|---|---|');
  console.log(`| ingest without subscriptions (contacts/s) | ${a.min} / ${a.median} / ${a.max} |`);
  console.log(`| ingest with ${SUBSCRIPTIONS} subscriptions (contacts/s) | ${b.min} / ${b.median} / ${b.max} |`);
  console.log(`| slowdown (median) | ${(100 * (1 - b.median / a.median)).toFixed(1)} % |`);
  console.log(`| commit → subscriber, every run's updates (${all.length}) | p50 ${Math.round(percentile(all, 50))} ms, p99 ${Math.round(percentile(all, 99))} ms, max ${Math.round(all.at(-1)!)} ms |`);
});
