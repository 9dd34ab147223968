import 'reflect-metadata';
/**
 * Bytes per contact: a generated center year (bench/generate.ts) of BENCH_CONTACTS
 * contacts (default 500,000), FCR and rollups rebuilt, vacuumed; then each table's
 * heap (with TOAST) and index sizes, its rows, bytes and rows per contact, the
 * contact indexes one by one, the contact heap packed (a copy without the free
 * space the rebuild's FCR update leaves), and the contact columns' widths.
 *
 *   BENCH_CONTACTS=500000 npx tsx bench/storage.bench.ts
 */
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { CONTACT_FACT, ACTIVITY_FACT } from '../src/warehouse/facts';
import { generateCenterYear } from './generate';
import { machine, runBench, withBenchDatabase, withClient } from './support';
import os from 'node:os';

const contacts = Number(process.env.BENCH_CONTACTS ?? 500_000);

runBench(() =>
  withBenchDatabase('storage', async ({ url, orm, organizationId }) => {
    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
    const loads = [load()];
    let t = performance.now();
    await withClient(url, (c) => generateCenterYear(c, organizationId, contacts, '2025-01-01T00:00:00Z'));
    const generated = performance.now() - t;
    t = performance.now();
    await rebuildOrganizationFacts(orm.em.fork(), organizationId);
    const rebuilt = performance.now() - t;
    loads.push(load());
    await withClient(url, async (c) => {
      await c.query('vacuum analyze');
      const tables = ['contact', ...CONTACT_FACT.rollups.map((r) => r.table), 'agent_activity', ...ACTIVITY_FACT.rollups.map((r) => r.table)];
      const { rows: [{ n }] } = await c.query<{ n: number }>('select count(*)::int as n from contact');
      console.log(machine());
      console.log(`${n.toLocaleString('en')} contacts generated in ${(generated / 1000).toFixed(1)} s, FCR + rollups rebuilt in ${(rebuilt / 1000).toFixed(1)} s; load ${loads.join(' → ')}`);
      console.log('| table | rows | rows per contact | heap | indexes | total | bytes per contact |\n|---|---|---|---|---|---|---|');
      let contactTotal = 0;
      for (const table of tables) {
        const { rows: [r] } = await c.query(
          `select (select count(*) from ${table})::bigint as rows, pg_table_size('${table}') as heap, pg_indexes_size('${table}') as idx, pg_total_relation_size('${table}') as total`,
        );
        if (!table.startsWith('agent_')) contactTotal += Number(r.total);
        const mb = (b: number) => `${(Number(b) / 2 ** 20).toFixed(1)} MB`;
        console.log(`| ${table} | ${Number(r.rows).toLocaleString('en')} | ${(Number(r.rows) / n).toFixed(2)} | ${mb(r.heap)} | ${mb(r.idx)} | ${mb(r.total)} | ${Math.round(Number(r.total) / n)} |`);
      }
      console.log(`contact table + contact rollups: ${(contactTotal / 2 ** 20).toFixed(0)} MB, ${Math.round(contactTotal / n)} bytes per contact`);
      const { rows: idx } = await c.query(
        `select indexrelname as name, relname as table, pg_relation_size(indexrelid) as bytes from pg_stat_user_indexes where relname = 'contact' order by 3 desc`,
      );
      for (const i of idx) console.log(`index ${i.name}: ${(Number(i.bytes) / 2 ** 20).toFixed(1)} MB, ${Math.round(Number(i.bytes) / n)} bytes per contact`);
      await c.query('create temp table contact_packed as select * from contact');
      const { rows: [packed] } = await c.query(`select pg_table_size('contact_packed') as heap`);
      console.log(`contact heap packed (a fresh copy, no free space): ${(Number(packed.heap) / 2 ** 20).toFixed(1)} MB, ${Math.round(Number(packed.heap) / n)} bytes per contact`);
      const { rows: cols } = await c.query(
        `select attname, avg_width from pg_stats where tablename = 'contact' and schemaname = 'public' order by avg_width desc limit 40`,
      );
      console.log('contact columns by average width:', cols.map((x: { attname: string; avg_width: number }) => `${x.attname} ${x.avg_width}`).join(', '));
    });
  }),
);
