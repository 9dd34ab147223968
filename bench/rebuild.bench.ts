import 'reflect-metadata';
/**
 * The bulk rebuild: every FCR flag, survey and QA tally and rollup of an
 * organization derived afresh from its facts (`rebuildOrganizationFacts`, what a
 * bulk load or an operator's repair runs), timed BENCH_RUNS times over a generated
 * center year of BENCH_CONTACTS contacts (bench/generate.ts). Prints the tables'
 * rows and sizes after the last run.
 *
 *   BENCH_CONTACTS=2000000 npm run bench:rebuild     # default 2,000,000, BENCH_RUNS 3
 *   BENCH_REUSE=postgres://… npm run bench:rebuild   # a database kept by BENCH_KEEP=1 (bench:kpi's too)
 *   BENCH_STATEMENTS=1 npm run bench:rebuild         # and the wall time of each kind of statement
 */
import os from 'node:os';
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { ACTIVITY_FACT, CONTACT_FACT } from '../src/warehouse/facts';
import { generateCenterYear } from './generate';
import { drainStatementClock, startStatementClock } from './statement-clock';
import { formatSummary, machine, runBench, summarize, withBenchDatabase, withClient } from './support';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (process.env.BENCH_STATEMENTS === '1') startStatementClock();
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

runBench(() =>
  withBenchDatabase('rebuild', async ({ url, orm, organizationId, reused }) => {
    console.log(machine());
    if (!reused) {
      const t = performance.now();
      await withClient(url, (c) => generateCenterYear(c, organizationId, CONTACTS, '2025-01-01T00:00:00Z'));
      console.log(`${CONTACTS.toLocaleString('en')} contacts generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = load();
      const t = performance.now();
      await rebuildOrganizationFacts(orm.em.fork(), organizationId);
      ms.push(performance.now() - t);
      console.log(`rebuild ${i + 1}: ${(ms[i]! / 1000).toFixed(1)} s (load ${before} → ${load()})`);
      for (const line of drainStatementClock().slice(0, 15)) console.log(line);
      await withClient(url, (c) => c.query('vacuum analyze'));
    }
    const s = summarize(ms.map((m) => m / 1000));
    console.log(`rebuild of ${RUNS} runs: ${formatSummary(s).replaceAll('ms', 's')}`);
    await withClient(url, async (c) => {
      const { rows: [{ n }] } = await c.query<{ n: number }>('select count(*)::int as n from contact');
      for (const table of ['contact', ...CONTACT_FACT.rollups.map((r) => r.table), ...ACTIVITY_FACT.rollups.map((r) => r.table)]) {
        const { rows: [r] } = await c.query(`select count(*)::bigint as rows, pg_size_pretty(pg_total_relation_size('${table}')) as size from ${table}`);
        console.log(`  ${table}: ${Number(r.rows).toLocaleString('en')} rows (${(Number(r.rows) / n).toFixed(2)} a contact), ${r.size}`);
      }
    });
  }),
);
