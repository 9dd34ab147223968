import 'reflect-metadata';
/**
 * KPI query speed: a year of a 200-agent center (~2 million contacts), timed over
 * HTTP for four dashboard queries, each beside its raw-contacts SQL equivalent
 * (the same compiled statement reading `contact` only).
 *
 *   npm run bench:kpi     # BENCH_CONTACTS (default 2,000,000), BENCH_RUNS (default 15)
 *   BENCH_CASES=dashboard # only issue 17's dashboard queries (top N, percentiles, thresholds)
 *   KPI_RESULT_CACHE_MB=32 # with the server's KPI result cache (default here: none, so the statements are timed)
 *
 * Contacts are generated in SQL (setseed, so every run loads the same data) and
 * then FCR flags and rollups are built with the same code that ingestion uses.
 */
import { METRICS } from '../src/analytics/metric-catalog';
import { periodBoundaries, type Granularity } from '../src/platform/calendar';
import { compileKpiQuery } from '../src/analytics/kpi.compiler';
import { KpiService, validateKpiAsk } from '../src/analytics/kpi.service';
import { createDirectoryLoaders } from '../src/org/directory.loaders';
import { setReportingZone } from '../src/analytics/reporting-zone';
import type { Dimension } from '../src/analytics/kpi.request';
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { generateCenterYear } from './generate';
import { API_KEY, formatSummary, machine, runBench, startBenchServer, summarize, withBenchDatabase, withClient, type BenchDatabase } from './support';
import { findPrincipal } from '../src/org/auth';
import { VERIFIED_KEY_TTL_MS, VerifiedKeys } from '../src/org/verified-keys';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const YEAR = '2025-01-01T00:00:00Z';

interface Case {
  name: string;
  from: string;
  to: string;
  groupBy: Dimension[];
  granularity: Granularity | null;
  /** The zone periods are cut in (default UTC, the rollups' own days). */
  timeZone?: string;
}

const CASES: Case[] = [
  { name: 'month total', from: '2025-06-01T00:00:00Z', to: '2025-07-01T00:00:00Z', groupBy: [], granularity: null },
  { name: 'month by DAY × AGENT', from: '2025-06-01T00:00:00Z', to: '2025-07-01T00:00:00Z', groupBy: ['AGENT' as Dimension], granularity: 'DAY' as Granularity },
  { name: 'quarter by WEEK × TEAM × CHANNEL', from: '2025-04-01T00:00:00Z', to: '2025-07-01T00:00:00Z', groupBy: ['TEAM', 'CHANNEL'] as Dimension[], granularity: 'WEEK' as Granularity },
  { name: 'day by FIFTEEN_MINUTES × QUEUE', from: '2025-06-11T00:00:00Z', to: '2025-06-12T00:00:00Z', groupBy: ['QUEUE' as Dimension], granularity: 'FIFTEEN_MINUTES' as Granularity },
  // The agent with another dimension below a day: read from the contacts (no rollup keeps every dimension by hour or 15 minutes).
  { name: 'day by HOUR × QUEUE × AGENT', from: '2025-06-11T00:00:00Z', to: '2025-06-12T00:00:00Z', groupBy: ['QUEUE', 'AGENT'] as Dimension[], granularity: 'HOUR' as Granularity },
  { name: 'week by DAY × QUEUE × AGENT, Monday 08:00 to Friday 20:00', from: '2025-06-09T08:00:00Z', to: '2025-06-13T20:00:00Z', groupBy: ['QUEUE', 'AGENT'] as Dimension[], granularity: 'DAY' as Granularity },
  // The days of the reporting zone (Europe/Berlin here) come from its local-day rollups, not from 24 UTC hours each.
  { name: 'month by DAY × AGENT in Europe/Berlin', from: '2025-05-31T22:00:00Z', to: '2025-06-30T22:00:00Z', groupBy: ['AGENT' as Dimension], granularity: 'DAY' as Granularity, timeZone: 'Europe/Berlin' },
];

const REPORTING_ZONE = 'Europe/Berlin';
const FIELDS = METRICS.map((m) => m.name);
/** What a wallboard or a per-agent dashboard typically shows: the same query with a handful of KPIs. */
const DASHBOARD_FIELDS = ['offered', 'answered', 'abandonRate', 'serviceLevel', 'averageSpeedOfAnswer', 'averageHandleTime', 'csatScore', 'occupancy'];

async function main({ url, orm, organizationId: org, reused }: BenchDatabase) {
  let started = performance.now();
  if (!reused) await withClient(url, (c) => generateCenterYear(c, org, CONTACTS, YEAR));
  const generated = performance.now() - started;
  started = performance.now();
  if (!reused) await rebuildOrganizationFacts(orm.em.fork(), org);
  const rebuilt = performance.now() - started;
  // Europe/Berlin as the organization's reporting zone: its local days are built (the UTC
  // queries keep reading UTC days).
  started = performance.now();
  await setReportingZone(orm.em.fork(), org, REPORTING_ZONE);
  const localDays = performance.now() - started;
  if (!reused) await withClient(url, (c) => c.query('vacuum analyze'));
  // Exact row counts (pg_stat's n_live_tup is an estimate, off by thousands here).
  const sizes = await withClient(url, async (c) => {
    const tables = await c.query(`select relname, pg_size_pretty(pg_total_relation_size(relid)) as size
             from pg_stat_user_tables where schemaname = 'public' and (relname like 'contact%' or relname like 'agent_activity%') order by relname`);
    for (const t of tables.rows) t.rows = Number((await c.query(`select count(*) from ${t.relname}`)).rows[0].count);
    return tables;
  });

  // The statements are what this bench times: the KPI result cache would answer every run after the first (KPI_RESULT_CACHE_MB turns it on).
  const kpiResultCacheMb = Number(process.env.KPI_RESULT_CACHE_MB ?? 0);
  const { server, post } = await startBenchServer(orm, { kpiResultCacheMb });
  const queryOf = (fields: readonly string[]) =>
    `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart channel queue { key } team { key } agent { key } ${fields.join(' ')} } total { ${fields.join(' ')} } } }`;
  const query = queryOf(FIELDS);
  const dashboardQuery = queryOf(DASHBOARD_FIELDS);

  console.log(machine());
  console.log(`KPI result cache: ${kpiResultCacheMb ? `${kpiResultCacheMb} MB` : 'none'}`);
  console.log(
    reused
      ? `data: reused ${url}`
      : `data: ${CONTACTS.toLocaleString('en')} contacts over 2025, 200 agents; generated in ${(generated / 1000).toFixed(1)} s, FCR + rollups built in ${(rebuilt / 1000).toFixed(1)} s`,
  );
  console.log(`reporting zone ${REPORTING_ZONE}: local days built in ${(localDays / 1000).toFixed(1)} s`);
  for (const row of sizes.rows) console.log(`  ${row.relname}: ${row.rows.toLocaleString('en')} rows, ${row.size}`);
  // What the exact distributions cost per contact stored (heap, indexes and TOAST).
  const distributions = await withClient(url, async (c) => {
    const contacts = Number((await c.query('select count(*) from contact')).rows[0].count);
    const lines: string[] = [];
    for (const table of ['contact_wait_rollup', 'contact_wait_rollup_day_team', 'contact_handle_rollup']) {
      const { rows: [r] } = await c.query(`select count(*) as n, pg_total_relation_size('${table}') as bytes from ${table}`);
      lines.push(`  ${table}: ${(Number(r.n) / contacts).toFixed(3)} rows and ${(Number(r.bytes) / contacts).toFixed(1)} bytes per contact`);
    }
    return lines;
  });
  console.log(`distributions:\n${distributions.join('\n')}`);
  console.log(
    `\n| query | rows | kpis over HTTP, all ${FIELDS.length} metrics (min / median / max) | kpis over HTTP, ${DASHBOARD_FIELDS.length} dashboard metrics | KpiService in-process, all | raw-contacts SQL | speed-up vs raw (median, HTTP all / dashboard) |\n|---|---|---|---|---|---|---|`,
  );

  const time = async (runs: number, fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return summarize(ms);
  };

  if (process.env.BENCH_CASES !== 'dashboard') await timeCases();
  await timeDashboardQueries();
  await timeKeyLookup();
  await server.close();

  /** What authenticating a request costs: the API key looked up in the database, or found among the keys verified a moment ago. */
  async function timeKeyLookup() {
    const lookedUp = await time(200, () => findPrincipal(orm.em.fork(), API_KEY));
    const verified = new VerifiedKeys(VERIFIED_KEY_TTL_MS);
    await findPrincipal(orm.em.fork(), API_KEY, verified);
    const remembered = await time(200, () => findPrincipal(orm.em.fork(), API_KEY, verified));
    console.log(`\n| API key of a request (200 runs) | min / median / max |\n|---|---|\n| looked up (one statement) | ${formatSummary(lookedUp)} |\n| verified a moment ago (VerifiedKeys) | ${formatSummary(remembered)} |`);
  }

  async function timeCases() {
  for (const c of CASES) {
    const variables = { q: { range: { from: c.from, to: c.to }, groupBy: c.groupBy, granularity: c.granularity, timeZone: c.timeZone } };
    const ask = { organizationId: org, from: new Date(c.from), to: new Date(c.to), groupBy: c.groupBy, granularity: c.granularity, timeZone: c.timeZone, fields: FIELDS };
    let rows = 0;
    await time(3, () => post(query, variables)); // warm-up
    const api = await time(RUNS, async () => {
      rows = (await post<{ kpis: { rows: unknown[] } }>(query, variables)).kpis.rows.length;
    });
    await time(3, () => post(dashboardQuery, variables)); // warm-up
    const dashboard = await time(RUNS, () => post(dashboardQuery, variables));
    const service = await time(RUNS, () => {
      const em = orm.em.fork();
      return new KpiService(em, createDirectoryLoaders(em, async () => org)).report(ask);
    });
    const request = validateKpiAsk(ask);
    const boundaries = c.granularity ? periodBoundaries(request.from, request.to, c.granularity, request.timeZone) : [request.from, request.to];
    const rawSql = compileKpiQuery(request, { boundaries, rawOnly: true }).sql;
    const rawQuery = await withClient(url, (client) =>
      time(Math.max(3, Math.ceil(RUNS / 3)), () => client.query(toPositional(rawSql.text), [...rawSql.values])),
    );
    if (process.env.BENCH_EXPLAIN) {
      // Where PostgreSQL spends the rollup statement's time (planning, execution, JIT).
      const rollupSql = compileKpiQuery(request, { boundaries, reportingZone: REPORTING_ZONE }).sql;
      const plan = await withClient(url, (client) => client.query(`explain (analyze) ${toPositional(rollupSql.text)}`, [...rollupSql.values]));
      const lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      console.error(`${c.name}: ${lines.filter((l) => /Planning Time|Execution Time|JIT|Timing|Functions|Options/.test(l)).join(' | ')}`);
    }
    console.log(
      `| ${c.name} | ${rows} | ${formatSummary(api)} | ${formatSummary(dashboard)} | ${formatSummary(service)} | ${formatSummary(rawQuery)} | ` +
        `${(rawQuery.median / api.median).toFixed(1)}× / ${(rawQuery.median / dashboard.median).toFixed(1)}× |`,
    );
  }
  }

  /** Issue 17's dashboard queries over HTTP: top N, percentiles, several thresholds. */
  async function timeDashboardQueries() {
    const month = { from: '2025-06-01T00:00:00Z', to: '2025-07-01T00:00:00Z' };
    const kpis = (rows: string, total = 'offered') => `query($q: KpiQuery!) { kpis(query: $q) { rows { ${rows} } total { ${total} } } }`;
    const thresholds = (ts: number[]) => ts.map((t) => `sl${t}: serviceLevel(thresholdSeconds: ${t})`).join(' ');
    const dashboardCases: Array<[string, string, Record<string, unknown>]> = [
      ['per-agent month, all 201 rows (no ranking)', kpis(`agent { key } ${DASHBOARD_FIELDS.join(' ')}`), { range: month, groupBy: ['AGENT'] }],
      [
        'per-agent month, orderBy serviceLevel + having handled ≥ 50 + limit 10',
        kpis(`agent { key } ${DASHBOARD_FIELDS.join(' ')}`),
        { range: month, groupBy: ['AGENT'], orderBy: [{ metric: 'serviceLevel' }], having: [{ metric: 'handled', comparator: 'AT_LEAST', value: 50 }], limit: 10 },
      ],
      ['month × QUEUE, waitTimePercentile p50, p90, p95', kpis('queue { key } p50: waitTimePercentile(p: 0.5) p90: waitTimePercentile(p: 0.9) p95: waitTimePercentile(p: 0.95)'), { range: month, groupBy: ['QUEUE'] }],
      ['month × QUEUE, handleTimePercentile p50, p90, p95', kpis('queue { key } p50: handleTimePercentile(p: 0.5) p90: handleTimePercentile(p: 0.9) p95: handleTimePercentile(p: 0.95)'), { range: month, groupBy: ['QUEUE'] }],
      ['month × AGENT, wait and handle p90', kpis('agent { key } w90: waitTimePercentile(p: 0.9) h90: handleTimePercentile(p: 0.9)'), { range: month, groupBy: ['AGENT'] }],
      ['month by DAY × QUEUE in Europe/Berlin, waitTimePercentile p90', kpis('periodStart queue { key } p90: waitTimePercentile(p: 0.9)'), { dates: { from: '2025-06-01', to: '2025-06-30' }, timeZone: 'Europe/Berlin', groupBy: ['QUEUE'], granularity: 'DAY' }],
      ['month by DAY × QUEUE, serviceLevel at T = 20 (precomputed)', kpis(`periodStart queue { key } ${thresholds([20])}`), { range: month, groupBy: ['QUEUE'], granularity: 'DAY' }],
      ['month by DAY × QUEUE, serviceLevel at 25 s (wait distribution)', kpis(`periodStart queue { key } ${thresholds([25])}`), { range: month, groupBy: ['QUEUE'], granularity: 'DAY' }],
      [
        'month by DAY × QUEUE, ten thresholds (5 … 300 s, 4 precomputed)',
        kpis(`periodStart queue { key } ${thresholds([5, 10, 15, 20, 25, 40, 60, 90, 150, 300])}`),
        { range: month, groupBy: ['QUEUE'], granularity: 'DAY' },
      ],
      [
        'month by DAY × QUEUE, ten thresholds, none precomputed',
        kpis(`periodStart queue { key } ${thresholds([5, 8, 12, 25, 35, 40, 50, 75, 100, 150])}`),
        { range: month, groupBy: ['QUEUE'], granularity: 'DAY' },
      ],
    ];
    console.log(`\n| dashboard query (issue 17) | rows | kpis over HTTP (min / median / max) |\n|---|---|---|`);
    for (const [name, document, q] of dashboardCases) {
      let rows = 0;
      await time(3, () => post(document, { q })); // warm-up
      const api = await time(RUNS, async () => {
        rows = (await post<{ kpis: { rows: unknown[] } }>(document, { q })).kpis.rows.length;
      });
      console.log(`| ${name} | ${rows} | ${formatSummary(api)} |`);
    }
  }
}

/** The compiler's `?` placeholders as pg's $1, $2, … */
function toPositional(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

runBench(() => withBenchDatabase('kpi_bench', main));
