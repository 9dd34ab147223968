import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { DIMENSIONS } from '../../../src/warehouse/dimensions';
import { ACTIVITY_FACT, CONTACT_FACT, type FactSpec } from '../../../src/warehouse/facts';

/**
 * The fact tables keep planner statistics only for the columns plans depend on
 * (Migration20261206040000: ANALYZE after a batch is that much cheaper). Checked
 * over the migrated catalog, so a column that later becomes an index key, a
 * partial index's condition or a dimension without its statistics fails here.
 */

let db: TestDatabase;
const sql = <T>(text: string, params: unknown[] = []) => db.orm.em.getConnection().execute<T[]>(text, params);
beforeAll(async () => {
  db = await createTestDatabase();
  // Rows to analyze: ANALYZE of an empty table keeps no statistics at all.
  const [{ id: org }] = await sql<{ id: number }>(`insert into organization (slug, name) values ('stats', 'Stats') returning id`);
  const [{ id: queue }] = await sql<{ id: number }>(`insert into queue (organization_id, key, name) values (?, 'q', 'Q') returning id`, [org]);
  const [{ id: agent }] = await sql<{ id: number }>(`insert into agent (organization_id, key, name) values (?, 'a', 'A') returning id`, [org]);
  await sql(
    `insert into contact (organization_id, external_id, channel, direction, queue_id, agent_id, customer_ref, offered_at, answered_at, ended_at,
       wait_seconds, talk_seconds, hold_seconds, after_contact_work_seconds, transfers)
     select ?, 'c' || g, 'VOICE', 'INBOUND', ?, ?, 'cust-' || (g % 7), t, t + interval '10 seconds', t + interval '5 minutes', 10, 280, 5, 5, g % 2
     from generate_series(1, 200) g, lateral (select timestamptz '2026-01-05 08:00Z' + g * interval '15 minutes' as t) x`,
    [org, queue, agent],
  );
  await sql(
    `insert into agent_activity (organization_id, agent_id, interval_start, logged_in_seconds, available_seconds, handling_seconds, not_ready_seconds)
     select ?, ?, timestamptz '2026-01-05 08:00Z' + g * interval '15 minutes', 900, 300, 500, 100 from generate_series(1, 200) g`,
    [org, agent],
  );
});
afterAll(() => db?.drop());

/** The table's columns with statistics turned off (attstattarget 0). */
async function withoutStatistics(table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    `select attname::text as name from pg_attribute where attrelid = ?::regclass and attnum > 0 and not attisdropped and attstattarget = 0 order by 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

/** Every column an index of the table keys on or names in its condition. */
async function indexedColumns(table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    `select distinct a.attname::text as name
     from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum > 0
     where i.indrelid = ?::regclass
       and (a.attnum = any(i.indkey::int2[]) or pg_get_expr(i.indpred, i.indrelid) ~ ('\\m' || a.attname || '\\M'))
     order by 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

describe.each([
  [CONTACT_FACT, ['organization_id', 'id', 'external_id', 'customer_ref', 'answered_at', 'resolved', 'qa_evaluations', 'qa_fatal_errors']],
  [ACTIVITY_FACT, ['organization_id', 'hourly_cost']],
] as Array<[FactSpec, string[]]>)('planner statistics of $table', (fact, filtered) => {
  it('keeps them for the time, every dimension, every indexed column and the columns statements filter on', async () => {
    const dimensions = DIMENSIONS.filter((d) => fact === CONTACT_FACT || d.activity).map((d) => d.column);
    const needed = new Set([fact.time, ...dimensions, ...(await indexedColumns(fact.table)), ...filtered]);
    const off = await withoutStatistics(fact.table);
    expect(off.filter((column) => needed.has(column))).toEqual([]);
    expect(off.length).toBeGreaterThan(0);
  });

  it('leaves the others out of ANALYZE', async () => {
    const off = await withoutStatistics(fact.table);
    await sql(`analyze ${fact.table}`);
    const analyzed = await sql<{ name: string }>(`select attname::text as name from pg_stats where schemaname = 'public' and tablename = ?`, [fact.table]);
    expect(analyzed.map((r) => r.name).filter((name) => off.includes(name))).toEqual([]);
    expect(analyzed.map((r) => r.name)).toContain(fact.time);
  });
});
