import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Upkeep shared by every rollup (contact sums, waits, agent activity): a rollup
 * table's rows are bucketed by `bucket`, each bucket a fixed length aligned on UTC,
 * and each bucket is re-derived whole from the finer rows it covers, inside the
 * writing transaction.
 */

export interface BucketedTables {
  tables: readonly string[];
  ms: number;
  /** The bucket length as a PostgreSQL interval, in hours or less ('1 day' depends on the session's TimeZone). */
  interval: string;
}

/** Where a bucket's rows come from: a table, the alias its rows get, and the column that times them. */
export interface FinerSource {
  table: string;
  alias: string;
  time: string;
}

/**
 * Deletes the buckets of `target` holding any of the instants `changedMs`, then has
 * `insert` re-derive them from `source` (its rows under `source.alias`, the bucket as
 * `k.b`). One index range scan per bucket ("offset 0" keeps the planner from
 * flattening the lateral into a scan of the whole organization when statistics are
 * stale), so the cost follows the affected buckets only. Returns the bucket starts.
 */
export async function refreshBuckets(
  em: EntityManager,
  organizationId: number,
  target: BucketedTables,
  changedMs: readonly number[],
  source: FinerSource,
  insert: (from: string, bucket: string, params: unknown[]) => Promise<void>,
): Promise<number[]> {
  const starts = [...new Set(changedMs.map((ms) => Math.floor(ms / target.ms) * target.ms))].sort((a, b) => a - b);
  const buckets = `{${starts.map((ms) => new Date(ms).toISOString()).join(',')}}`;
  for (const table of target.tables) {
    await em.execute(
      `delete from ${table} r using unnest(?::timestamptz[]) as k(b) where r.organization_id = ? and r.bucket = k.b`,
      [buckets, organizationId],
    );
  }
  const { table, alias, time } = source;
  const from = `unnest(?::timestamptz[]) as k(b) cross join lateral (
      select * from ${table} ${alias}
      where ${alias}.organization_id = ? and ${alias}.${time} >= k.b and ${alias}.${time} < k.b + interval '${target.interval}' offset 0) ${alias}`;
  await insert(from, 'k.b', [buckets, organizationId]);
  return starts;
}

/** The UTC-aligned bucket of `time` (date_bin, unlike date_trunc, ignores the session's TimeZone). */
export const binned = (time: string, interval: string) => `date_bin('${interval}', ${time}, timestamptz '2000-01-01 00:00:00+00')`;
