import type { EntityManager } from '@mikro-orm/postgresql';
import { binned, fixedBuckets, rederiveBuckets, refreshBuckets, timeRangeOf, type Bucket } from '../analytics/rollup-buckets';
import { ACTIVITY_AGGREGATES, ACTIVITY_DIMENSIONS, ACTIVITY_GRAINS, type ActivityGrain } from '../analytics/activity-sums';
import { NO_LOCAL_DAYS_ZONE, localDaysFromTo, localDaysHolding } from '../analytics/source-plan';
import { reportingZoneOf } from '../org/reporting-zone';

/**
 * Keeps what is derived from agent activity exact, inside the writing transaction
 * (writers of an organization are serialized by lockOrganizationWrites): the
 * hourly cost each record carries, and the hour and day rollups.
 */

/** Which activity records a cost change can touch. */
export type CostScope =
  | { agentId: number }
  | { teamId: number }
  | { records: Array<{ agentId: number; intervalStart: string }> }
  | 'ALL';

/**
 * Sets each record's hourly_cost to the cost that applies to it: the agent's latest
 * cost effective at the interval start, else its team's. Returns the interval
 * starts of the records whose cost changed.
 */
export async function resolveHourlyCosts(em: EntityManager, organizationId: number, scope: CostScope): Promise<string[]> {
  const [where, params] = costScopeWhere(scope);
  const latest = (subject: string) => `(select c.hourly_cost from hourly_cost c
      where c.organization_id = a.organization_id and ${subject} and c.effective_from <= a.interval_start
      order by c.effective_from desc limit 1)`;
  const changed: Array<{ interval_start: string | Date }> = await em.execute(
    `update agent_activity t set hourly_cost = r.cost, updated_at = now()
     from (select a.agent_id, a.interval_start,
             coalesce(${latest('c.agent_id = a.agent_id')}, ${latest('c.team_id = a.team_id and c.agent_id is null')}) as cost
           from agent_activity a where a.organization_id = ? and ${where}) r
     where t.organization_id = ? and t.agent_id = r.agent_id and t.interval_start = r.interval_start
       and t.hourly_cost is distinct from r.cost
     returning t.interval_start`,
    [organizationId, ...params, organizationId],
  );
  return changed.map((r) => new Date(r.interval_start).toISOString());
}

/** The records of a cost scope, as a condition on agent_activity `a` and its parameters. */
function costScopeWhere(scope: CostScope): [string, unknown[]] {
  if (scope === 'ALL') return ['true', []];
  if ('agentId' in scope) return ['a.agent_id = ?', [scope.agentId]];
  if ('teamId' in scope) return ['a.team_id = ?', [scope.teamId]];
  const keys = scope.records.map((r) => ({ agent_id: r.agentId, interval_start: r.intervalStart }));
  return [
    `(a.agent_id, a.interval_start) in (select x.agent_id, x.interval_start
       from jsonb_to_recordset(?::jsonb) as x(agent_id int, interval_start timestamptz))`,
    [JSON.stringify(keys)],
  ];
}

const COLUMNS = Object.keys(ACTIVITY_AGGREGATES);
const DIMS = ACTIVITY_DIMENSIONS.join(', ');

/** Re-sums every rollup bucket (hour, then day) containing one of the changed interval starts. */
export async function refreshActivityRollups(em: EntityManager, organizationId: number, intervalStarts: readonly string[]): Promise<void> {
  if (intervalStarts.length === 0) return;
  const changed = intervalStarts.map((t) => Date.parse(t));
  const zone = await reportingZoneOf(em, organizationId);
  for (const grain of [...ACTIVITY_GRAINS].reverse()) {
    if (grain.local) {
      if (zone !== NO_LOCAL_DAYS_ZONE) await rederiveLocalDays(em, organizationId, grain, localDaysHolding(changed, zone));
      continue;
    }
    await refreshBuckets(em, organizationId, { tables: [grain.table], bucketsHolding: fixedBuckets(grain.ms) }, changed, finerOf(grain.finer), (from, bucket, params) =>
      insertGrain(em, grain, grain.finer, from, bucket, params),
    );
  }
}

/** Rebuilds the activity rollups of a whole organization (after a bulk load). */
export async function rebuildActivityRollups(em: EntityManager, organizationId: number): Promise<void> {
  for (const grain of [...ACTIVITY_GRAINS].reverse().filter((g) => !g.local)) {
    await em.execute(`delete from ${grain.table} where organization_id = ?`, [organizationId]);
    const { table, time } = finerOf(grain.finer);
    await insertGrain(em, grain, grain.finer, `(select * from ${table} where organization_id = ?) a`, binned(`a.${time}`, grain.interval), [organizationId]);
  }
  await rebuildLocalDayActivity(em, organizationId);
}

/** Rebuilds an organization's local-day activity rollup for its reporting zone (none for UTC). */
export async function rebuildLocalDayActivity(em: EntityManager, organizationId: number): Promise<void> {
  const zone = await reportingZoneOf(em, organizationId);
  for (const grain of ACTIVITY_GRAINS.filter((g) => g.local)) {
    await em.execute(`delete from ${grain.table} where organization_id = ?`, [organizationId]);
    const range = zone === NO_LOCAL_DAYS_ZONE ? null : await timeRangeOf(em, organizationId, 'agent_activity', 'interval_start');
    if (range) await rederiveLocalDays(em, organizationId, grain, localDaysFromTo(...range, zone));
  }
}

/** Re-sums local days: from the hour grain when every one starts and ends on the hour, else from the 15-minute records. */
async function rederiveLocalDays(em: EntityManager, organizationId: number, grain: ActivityGrain, days: Bucket[]): Promise<void> {
  const hours = grain.finer!;
  const source = days.every(([start, end]) => start % hours.ms === 0 && end % hours.ms === 0) ? hours : undefined;
  await rederiveBuckets(em, organizationId, [grain.table], days, finerOf(source), (from, bucket, params) =>
    insertGrain(em, grain, source, from, bucket, params),
  );
}

/** Rows come from a finer grain, or from the 15-minute records. */
const finerOf = (finer: ActivityGrain | undefined) =>
  finer ? { table: finer.table, alias: 'a', time: 'bucket' } : { table: 'agent_activity', alias: 'a', time: 'interval_start' };

/** Inserts a grain's rows from `source` `a`: the sums of a finer grain's columns, or (none) the records' aggregates. */
async function insertGrain(em: EntityManager, grain: ActivityGrain, finer: ActivityGrain | undefined, source: string, bucket: string, params: unknown[]): Promise<void> {
  const aggregates = finer ? COLUMNS.map((c) => `sum(a.${c})`) : Object.values(ACTIVITY_AGGREGATES);
  await em.execute(
    `insert into ${grain.table} (organization_id, bucket, ${DIMS}, ${COLUMNS.join(', ')})
     select a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}, ${aggregates.join(', ')}
     from ${source}
     group by a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}
     order by 2 -- by bucket, so a range of buckets reads few pages`,
    params,
  );
}
