import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Re-deriving whole buckets of a rollup from the finer rows they cover, for the
 * rebuild of the reporting zone's days (its buckets are those days, not a fixed
 * length) and the operator's rebuild.
 */

/** Bucket spans [start, end) in epoch milliseconds. */
export type Bucket = [number, number];

/** Where a bucket's rows come from: a table, the alias its rows get, and the column that times them. */
export interface FinerSource {
  table: string;
  alias: string;
  time: string;
}

/**
 * Deletes the `buckets` of `tables`, then has `insert` re-derive them from `source`
 * (its rows under `source.alias`, the bucket as `k.b`). One index range scan per
 * bucket ("offset 0" keeps the planner from flattening the lateral into a scan of
 * the whole organization when statistics are stale), so the cost follows the
 * affected buckets only.
 */
export async function rederiveBuckets(
  em: EntityManager,
  organizationId: number,
  tables: readonly string[],
  buckets: readonly Bucket[],
  source: FinerSource,
  insert: (from: string, bucket: string, params: unknown[]) => Promise<void>,
): Promise<void> {
  if (buckets.length === 0) return;
  const sorted = [...buckets].sort((x, y) => x[0] - y[0]);
  const instants = (i: 0 | 1) => `{${sorted.map((b) => new Date(b[i]).toISOString()).join(',')}}`;
  for (const table of tables) {
    await em.execute(
      `delete from ${table} r using unnest(?::timestamptz[]) as k(b) where r.organization_id = ? and r.bucket = k.b`,
      [instants(0), organizationId],
    );
  }
  const { table, alias, time } = source;
  const from = `unnest(?::timestamptz[], ?::timestamptz[]) as k(b, e) cross join lateral (
      select * from ${table} ${alias}
      where ${alias}.organization_id = ? and ${alias}.${time} >= k.b and ${alias}.${time} < k.e offset 0) ${alias}`;
  await insert(from, 'k.b', [instants(0), instants(1), organizationId]);
}

/** The first and last `column` instants of an organization's rows in `table`; null without rows. */
export async function timeRangeOf(em: EntityManager, organizationId: number, table: string, column: string): Promise<[number, number] | null> {
  const [range] = await em.execute<Array<{ first: Date | null; last: Date | null }>>(
    `select min(${column}) as first, max(${column}) as last from ${table} where organization_id = ?`,
    [organizationId],
  );
  return range?.first && range.last ? [new Date(range.first).getTime(), new Date(range.last).getTime()] : null;
}
