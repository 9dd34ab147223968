import type { EntityManager } from '@mikro-orm/postgresql';
import { writeTransaction } from '../platform/write-transaction';
import { resolveHourlyCosts } from './activity-facts';
import { rederiveBuckets, timeRangeOf, type Bucket } from './buckets';
import { NO_LOCAL_DAYS_ZONE, localDaysFromTo } from '../analytics/source-plan';
import { reportingZoneOf } from '../org/reporting-zone';
import { FCR_WINDOW } from './contact-facts';
import { QA_CONTACT_TALLIES, SURVEY_CONTACT_TALLIES, refreshContactTallies } from './contact-tallies';
import { binned, rowsSum, withoutJit } from './deltas';
import { ACTIVITY_FACT, CONTACT_FACT, finestStored, type FactSpec, type RollupTable } from './facts';
import { lockOrganizationWrites } from './write-lock';
import { noticeFactsChanged } from './fact-notices';

/**
 * Rollups derived afresh, for bulk loads, for operators after restoring or
 * repairing data, and for the reporting zone's days when the zone changes. Each
 * rollup with a finer one is summed from it; the others from the facts.
 */

/** Finest first: every rollup after the one it is summed from. */
function finestFirst(rollups: readonly RollupTable[]): RollupTable[] {
  const ordered: RollupTable[] = [];
  const visit = (r: RollupTable) => {
    if (ordered.includes(r)) return;
    if (r.finer) visit(r.finer);
    ordered.push(r);
  };
  rollups.forEach(visit);
  return ordered;
}

/**
 * Inserts a rollup's rows from `source` (rows aliased `f`, the bucket as `bucket`):
 * sums of the finer rollup's columns, or the aggregates over facts. Ordered by
 * bucket: a bulk rebuild inserting in hash order scattered each day's rows over the
 * whole table, so a month by day × agent read 2,170 pages instead of 195.
 */
async function insertRollup(em: EntityManager, rollup: RollupTable, fromFacts: boolean, source: string, bucket: string, params: unknown[]): Promise<void> {
  const keys = rollup.keys.map((k) => k.column);
  const keyExprs = fromFacts ? rollup.keys.map((k) => k.expr) : keys.map((k) => `f.${k}`);
  const sums = Object.entries(rollup.sums).map(([column, aggregate]) => (fromFacts ? aggregate : rowsSum(`f.${column}`)));
  await em.execute(
    `insert into ${rollup.table} (${['organization_id', 'bucket', ...keys, ...Object.keys(rollup.sums)].join(', ')})
     select ${['?', bucket, ...keyExprs, ...sums].join(', ')}
     from ${source}
     ${fromFacts && rollup.where ? `where ${rollup.where}` : ''}
     group by ${[bucket, ...keyExprs].join(', ')}
     order by 2`,
    params,
  );
}

/**
 * Re-derives days of a local-day rollup: from its finer (hour) rollup when each day
 * starts and ends on its buckets, else from the fact's finest rollup when it is
 * stored and they do (quarter hours), else from the facts themselves.
 */
async function rederiveLocalDays(em: EntityManager, organizationId: number, fact: FactSpec, rollup: RollupTable, days: Bucket[]): Promise<void> {
  const onBuckets = (r: RollupTable) => days.every(([start, end]) => start % r.ms === 0 && end % r.ms === 0);
  const source = [rollup.finer!, ...(finestStored(fact) ? [fact.finest] : [])].find(onBuckets);
  const from = source ? { table: source.table, alias: 'f', time: 'bucket' } : { table: fact.table, alias: fact.alias, time: fact.time };
  await rederiveBuckets(em, organizationId, [rollup.table], days, from, (rows, bucket, params) =>
    insertRollup(em, rollup, !source, rows, bucket, [organizationId, ...params]),
  );
}

/** Rebuilds an organization's local-day rollups of a fact for its reporting zone (none for UTC). */
export async function rebuildLocalDays(em: EntityManager, organizationId: number, fact: FactSpec): Promise<void> {
  const zone = await reportingZoneOf(em, organizationId);
  const range = zone === NO_LOCAL_DAYS_ZONE ? null : await timeRangeOf(em, organizationId, fact.table, fact.time);
  const days = range ? localDaysFromTo(...range, zone) : [];
  for (const rollup of fact.rollups.filter((r) => r.local)) {
    await em.execute(`delete from ${rollup.table} where organization_id = ?`, [organizationId]);
    await rederiveLocalDays(em, organizationId, fact, rollup, days);
  }
}

/** Rebuilds every rollup of a fact for a whole organization: each from its finer rollup, or from the facts when it has none. */
async function rebuildRollups(em: EntityManager, organizationId: number, fact: FactSpec): Promise<void> {
  const all = finestFirst(fact.rollups);
  for (const rollup of all) await em.execute(`delete from ${rollup.table} where organization_id = ?`, [organizationId]);
  for (const rollup of all.filter((r) => !r.local)) {
    const fromFacts = !rollup.finer;
    const source = fromFacts
      ? `(select * from ${fact.table} where organization_id = ?) ${fact.alias}`
      : `(select * from ${rollup.finer!.table} where organization_id = ?) f`;
    const bucket = binned(`${fromFacts ? fact.alias : 'f'}.${fromFacts ? fact.time : 'bucket'}`, rollup.interval);
    await insertRollup(em, rollup, fromFacts, source, bucket, [organizationId, organizationId]);
  }
  await rebuildLocalDays(em, organizationId, fact);
}

/** Memory for each sort or hash of the rebuild's statements (one session, one statement at a time). */
const REBUILD_WORK_MEM = '256MB';

/**
 * Recomputes every FCR flag, survey and QA tally and rollup of an organization from its contacts,
 * and the cost and rollups of its agent activity: for bulk loads and for operators after
 * restoring or repairing data.
 */
export async function rebuildOrganizationFacts(em: EntityManager, organizationId: number): Promise<void> {
  await writeTransaction(em, async (tx) => {
    await lockOrganizationWrites(tx, organizationId);
    await withoutJit(tx);
    // Each rollup groups every fact of the organization: with the default 4 MB a sort or hash spills to disk.
    await tx.execute(`set local work_mem = '${REBUILD_WORK_MEM}'`);
    // The next strictly later inbound contact of the same customer decides FCR.
    await tx.execute(
      `with next as (
         select id, answered_at is not null as answered, offered_at,
           min(offered_at) over (partition by customer_ref order by offered_at
                                 range between '1 second' following and unbounded following) as next_at
         from contact where organization_id = ? and direction = 'INBOUND' and customer_ref is not null),
       flags as (
         select id, case when answered then next_at is null or next_at > offered_at + ${FCR_WINDOW} end as fcr from next)
       update contact c set first_contact_resolved = flags.fcr
       from flags where c.id = flags.id and c.first_contact_resolved is distinct from flags.fcr`,
      [organizationId],
    );
    await refreshContactTallies(tx, organizationId, null, SURVEY_CONTACT_TALLIES);
    await refreshContactTallies(tx, organizationId, null, QA_CONTACT_TALLIES);
    await rebuildRollups(tx, organizationId, CONTACT_FACT);
    await resolveHourlyCosts(tx, organizationId, 'ALL');
    await rebuildRollups(tx, organizationId, ACTIVITY_FACT);
    await noticeRebuilt(tx, organizationId);
  });
}

/** Tells every server's live reports (once the rebuild commits) that any of the organization's facts may have changed. */
async function noticeRebuilt(em: EntityManager, organizationId: number): Promise<void> {
  const known: Array<[number, number]> = [];
  for (const fact of [CONTACT_FACT, ACTIVITY_FACT]) {
    const span = await timeRangeOf(em, organizationId, fact.table, fact.time);
    if (span) known.push(span);
  }
  if (known.length === 0) return;
  const from = Math.min(...known.map(([first]) => first));
  const to = Math.max(...known.map(([, last]) => last)) + 1;
  await noticeFactsChanged(em, { organizationId, from: new Date(from), to: new Date(to), members: null });
}
