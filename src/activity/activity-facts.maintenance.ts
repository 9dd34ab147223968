import type { EntityManager } from '@mikro-orm/postgresql';
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
  for (const grain of [...ACTIVITY_GRAINS].reverse()) {
    const starts = [...new Set(intervalStarts.map((t) => Math.floor(Date.parse(t) / grain.ms) * grain.ms))];
    const buckets = `{${starts.map((ms) => new Date(ms).toISOString()).join(',')}}`;
    await em.execute(
      `delete from ${grain.table} r using unnest(?::timestamptz[]) as k(b) where r.organization_id = ? and r.bucket = k.b`,
      [buckets, organizationId],
    );
    // One index range scan per bucket over the finer source ("offset 0" keeps the lateral from being flattened).
    const source = `unnest(?::timestamptz[]) as k(b) cross join lateral (
        select * from ${finerTable(grain)} a
        where a.organization_id = ? and a.${finerTime(grain)} >= k.b and a.${finerTime(grain)} < k.b + interval '${grain.interval}' offset 0) a`;
    await insertGrain(em, grain, source, 'k.b', [buckets, organizationId]);
  }
}

/** Rebuilds the activity rollups of a whole organization (after a bulk load). */
export async function rebuildActivityRollups(em: EntityManager, organizationId: number): Promise<void> {
  for (const grain of [...ACTIVITY_GRAINS].reverse()) {
    await em.execute(`delete from ${grain.table} where organization_id = ?`, [organizationId]);
    const source = `(select * from ${finerTable(grain)} where organization_id = ?) a`;
    const bucket = `date_bin('${grain.interval}', a.${finerTime(grain)}, timestamptz '2000-01-01 00:00:00+00')`;
    await insertGrain(em, grain, source, bucket, [organizationId]);
  }
}

const finerTable = (grain: ActivityGrain) => grain.finer?.table ?? 'agent_activity';
const finerTime = (grain: ActivityGrain) => (grain.finer ? 'bucket' : 'interval_start');

/** Inserts a grain's rows from its finer source `a`: the raw records' aggregates, or the sums of the finer grain's columns. */
async function insertGrain(em: EntityManager, grain: ActivityGrain, source: string, bucket: string, params: unknown[]): Promise<void> {
  const aggregates = grain.finer ? COLUMNS.map((c) => `sum(a.${c})`) : Object.values(ACTIVITY_AGGREGATES);
  await em.execute(
    `insert into ${grain.table} (organization_id, bucket, ${DIMS}, ${COLUMNS.join(', ')})
     select a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}, ${aggregates.join(', ')}
     from ${source}
     group by a.organization_id, ${bucket}, ${ACTIVITY_DIMENSIONS.map((d) => `a.${d}`).join(', ')}`,
    params,
  );
}
