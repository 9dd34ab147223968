import 'reflect-metadata';
/**
 * Dashboard throughput: CLIENTS (default 8) dashboards at once against one real
 * server process (`node --import tsx src/main.ts serve`, as deployed; rate limit
 * off), each asking in turn for a month total and a day by 15 minutes × queue,
 * both with the 8 metrics a dashboard shows, back to back for DURATION_S seconds
 * (default 20, after 3 s of warm-up), BENCH_RUNS times (default 3). Reports
 * requests/s and each query's latency under that load; then one client alone.
 *
 *   npm run bench:dashboard-load   # BENCH_CONTACTS (default 2,000,000) or BENCH_REUSE=<kept kpi bench database>
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'  # the server's CPU profile
 *   KPI_RESULT_CACHE_MB=0        # the server without its KPI result cache (default: the server's default)
 */
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { freePort } from '../src/platform/net';
import { runCommand } from '../test/support/child-server';
import { generateCenterYear } from './generate';
import { API_KEY, machine, runBench, summarize, withBenchDatabase, withClient, type BenchDatabase } from './support';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2_000_000);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const DURATION_MS = Number(process.env.DURATION_S ?? 20) * 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FIELDS = 'offered answered abandonRate serviceLevel averageSpeedOfAnswer averageHandleTime csatScore occupancy';

const MONTH_TOTAL = `query($q: KpiQuery!) { kpis(query: $q) { total { ${FIELDS} } } }`;
const DAY_BY_QUARTER_HOUR = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart queue { key } ${FIELDS} } } }`;

/** The two dashboard questions, for the n-th request of a client: its month, or one of June's days. */
function question(client: number, n: number): { kind: 'month total' | 'day by 15 min × queue'; body: string } {
  if (n % 2 === 0) {
    const month = 1 + ((client + n / 2) % 11);
    const range = { from: `2025-${String(month).padStart(2, '0')}-01T00:00:00Z`, to: `2025-${String(month + 1).padStart(2, '0')}-01T00:00:00Z` };
    return { kind: 'month total', body: JSON.stringify({ query: MONTH_TOTAL, variables: { q: { range } } }) };
  }
  const day = 1 + ((client * 7 + n) % 30);
  const from = new Date(Date.UTC(2025, 5, day));
  const range = { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
  return { kind: 'day by 15 min × queue', body: JSON.stringify({ query: DAY_BY_QUARTER_HOUR, variables: { q: { range, groupBy: ['QUEUE'], granularity: 'FIFTEEN_MINUTES' } } }) };
}

async function main({ url, orm, organizationId, reused }: BenchDatabase) {
  if (!reused) {
    const started = performance.now();
    await withClient(url, (c) => generateCenterYear(c, organizationId, CONTACTS, '2025-01-01T00:00:00Z'));
    await rebuildOrganizationFacts(orm.em.fork(), organizationId);
    await withClient(url, (c) => c.query('vacuum analyze'));
    console.error(`loaded ${CONTACTS.toLocaleString('en')} contacts in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const contacts = await withClient(url, async (c) => Number((await c.query('select count(*) from contact')).rows[0].count));
  const port = await freePort();
  // BENCH_NODE_ARGS: more Node options for the server (`--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = runCommand(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', 'serve'], { DATABASE_URL: url, PORT: String(port), DEMO_DATA: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', KPI_RESULT_CACHE_MB: process.env.KPI_RESULT_CACHE_MB });
  const endpoint = `http://127.0.0.1:${port}/graphql`;
  try {
    await server.waitForStderr(/graphql|listening|http:\/\//i, 120_000).catch(() => undefined);
    for (let i = 0; ; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok) break;
      if (i > 600 || !server.isRunning()) throw new Error(`server did not start: ${server.stderr().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const ask = async (body: string) => {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body });
      const answer = (await response.json()) as { errors?: unknown };
      if (!response.ok || answer.errors) throw new Error(`${response.status} ${JSON.stringify(answer.errors ?? answer).slice(0, 400)}`);
    };

    /** `clients` loops for `ms`: the requests each kind answered and their latencies. */
    async function load(clients: number, ms: number) {
      const latencies = new Map<string, number[]>();
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: clients }, async (_, client) => {
          for (let n = 0; performance.now() < until; n++) {
            const { kind, body } = question(client, n);
            const started = performance.now();
            await ask(body);
            const list = latencies.get(kind) ?? [];
            list.push(performance.now() - started);
            latencies.set(kind, list);
          }
        }),
      );
      const requests = [...latencies.values()].reduce((n, l) => n + l.length, 0);
      return { perSecond: requests / (ms / 1000), latencies };
    }
    const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)]!;

    console.log(machine());
    console.log(`data: ${contacts.toLocaleString('en')} contacts (a year of a 200-agent center); ${CLIENTS} clients, ${DURATION_MS / 1000} s a run, one server process, KPI_RESULT_CACHE_MB=${process.env.KPI_RESULT_CACHE_MB ?? 'default'}`);
    console.log(`| clients | run | requests/s | month total p50 / p99 | day by 15 min × queue p50 / p99 |\n|---|---|---|---|---|`);
    for (const clients of [CLIENTS, 1]) {
      await load(clients, 3000); // warm-up: plans, pool, JIT of the server's own code
      const rates: number[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const { perSecond, latencies } = await load(clients, DURATION_MS);
        rates.push(perSecond);
        const of = (kind: string) => {
          const l = latencies.get(kind) ?? [];
          return `${percentile(l, 0.5).toFixed(1)} / ${percentile(l, 0.99).toFixed(1)} ms`;
        };
        console.log(`| ${clients} | ${run} | ${perSecond.toFixed(0)} | ${of('month total')} | ${of('day by 15 min × queue')} |`);
      }
      const s = summarize(rates);
      console.log(`| ${clients} | min / median / max | ${s.min.toFixed(0)} / ${s.median.toFixed(0)} / ${s.max.toFixed(0)} | | |`);
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.exitWithin(20_000).catch(() => server.child.kill('SIGKILL'));
  }
}

runBench(() => withBenchDatabase('dashboard_load', main));
