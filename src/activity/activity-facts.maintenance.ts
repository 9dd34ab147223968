import type { EntityManager } from '@mikro-orm/postgresql';
import { binned, refreshBuckets } from '../analytics/rollup-buckets';
import { ACTIVITY_AGGREGATES, ACTIVITY_DIMENSIONS, ACTIVITY_GRAINS, type ActivityGrain } from '../analytics/activity-sums';

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
  for (const grain of [...ACTIVITY_GRAINS].reverse()) {
    await refreshBuckets(em, organizationId, { ...grain, tables: [grain.table] }, changed, finerOf(grain), (from, bucket, params) =>
      insertGrain(em, grain, from, bucket, params),
    );
  }
}

/** Rebuilds the activity rollups of a whole organization (after a bulk load). */
export async function rebuildActivityRollups(em: EntityManager, organizationId: number): Promise<void> {
  for (const grain of [...ACTIVITY_GRAINS].reverse()) {
    await em.execute(`delete from ${grain.table} where organization_id = ?`, [organizationId]);
    const { table, time } = finerOf(grain);
    await insertGrain(em, grain, `(select * from ${table} where organization_id = ?) a`, binned(`a.${time}`, grain.interval), [organizationId]);
  }
}

/** A grain's rows come from the next finer grain, the finest from the 15-minute records. */
const finerOf = (grain: ActivityGrain) =>
  grain.finer ? { table: grain.finer.table, alias: 'a', time: 'bucket' } : { table: 'agent_activity', alias: 'a', time: 'interval_start' };

/** Inserts a grain's rows from its finer source `a`: the raw records' aggregates, or the sums of the finer grain's columns. */
async function insertGrain(em: EntityManager, grain: ActivityGrain, source: string, bucket: string, params: unknown[]): Promise<void> {
  const aggregates = grain.finer ? COLUMNS.map((c) => `sum(a.${c})`) : Object.values(ACTIVITY_AGGREGATES);
  await em.execute(
    `insert into ${grain.table} (organization_id, bucket, ${DIMS}, ${COLUMNS.join(', ')})
     select a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}, ${aggregates.join(', ')}
     from ${source}
     group by a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}
     order by 2 -- by bucket, so a range of buckets reads few pages`,
    params,
  );
}
