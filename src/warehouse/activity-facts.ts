import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureDeltaTable } from './deltas';
import { ACTIVITY_FACT } from './facts';
import { arrayLiteral } from './contact-facts';
import { executeBound } from '../platform/bound-statements';

/**
 * The agent activity fact's writes, each staging the versions it replaced and
 * wrote for applyDeltas, like contacts: the upsert of a batch and the re-pricing
 * of records when a cost is set. The caller holds the organization's write lock.
 */

const STAGED = ACTIVITY_FACT.staged;
const DELTA = ACTIVITY_FACT.deltaTable;

/** An activity record to store, its agent and team resolved to ids. */
export interface ActivityRow {
  agent_id: number;
  team_id: number | null;
  interval_start: string;
  logged_in_seconds: number;
  available_seconds: number;
  handling_seconds: number;
  not_ready_seconds: number;
}

const COLUMNS = ['team_id', 'logged_in_seconds', 'available_seconds', 'handling_seconds', 'not_ready_seconds'] as const;
const INPUT = ['agent_id', 'interval_start', ...COLUMNS] as const;
const TYPES: Record<(typeof INPUT)[number], string> = {
  agent_id: 'int', interval_start: 'timestamptz', team_id: 'int', logged_in_seconds: 'int', available_seconds: 'int',
  handling_seconds: 'int', not_ready_seconds: 'int',
};

/** Stages the replaced (`u.was_*`, the rest as written) and the written versions of `updated` rows. */
const stageVersions = (updated: string, replaced: (column: string) => string) => `
  insert into ${DELTA} (sign, ${STAGED.join(', ')})
  select -1, ${STAGED.map(replaced).join(', ')} from ${updated} u
  union all
  select 1, ${STAGED.map((c) => `u.${c}`).join(', ')} from ${updated} u`;

/**
 * The upsert, staging in the same statement the stored version of every record it
 * changes and every version it writes. Rows are inserted in key order so concurrent
 * batches lock in the same order; an unchanged re-send returns no row. A changed
 * record keeps its hourly cost until resolveHourlyCosts re-prices it.
 */
const UPSERT_ACTIVITY = `
  with x as (
    select * from unnest(${INPUT.map((c) => `?::${TYPES[c]}[]`).join(', ')}) as x(${INPUT.join(', ')})),
  stored as (
    select ${STAGED.map((c) => `a.${c}`).join(', ')} from agent_activity a
    join x on a.organization_id = ? and a.agent_id = x.agent_id and a.interval_start = x.interval_start),
  written as (
    insert into agent_activity as a (organization_id, ${INPUT.join(', ')})
    select ?, ${INPUT.map((c) => `x.${c}`).join(', ')} from x
    order by x.agent_id, x.interval_start
    on conflict (organization_id, agent_id, interval_start) do update set
      ${COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
    where (${COLUMNS.map((c) => `a.${c}`).join(', ')}) is distinct from (${COLUMNS.map((c) => `excluded.${c}`).join(', ')})
    returning (xmax = 0) as inserted, ${STAGED.map((c) => `a.${c}`).join(', ')}),
  staged as (
    insert into ${DELTA} (sign, ${STAGED.join(', ')})
    select -1, ${STAGED.map((c) => `s.${c}`).join(', ')} from stored s join written w on w.agent_id = s.agent_id and w.interval_start = s.interval_start
    union all
    select 1, ${STAGED.map((c) => `w.${c}`).join(', ')} from written w)
  select inserted, agent_id, interval_start from written`;

/** Upserts activity rows (one organization, distinct keys), staging their deltas; returns those created or changed. */
export async function upsertActivity(
  em: EntityManager,
  organizationId: number,
  rows: readonly ActivityRow[],
): Promise<Array<{ inserted: boolean; agent_id: number; interval_start: string | Date }>> {
  await ensureDeltaTable(em, ACTIVITY_FACT);
  const arrays = INPUT.map((c) => arrayLiteral(rows.map((r) => r[c])));
  return executeBound(em, UPSERT_ACTIVITY, [...arrays, organizationId, organizationId]);
}

/** Which activity records a cost change can touch. */
export type CostScope =
  | { agentId: number }
  | { teamId: number }
  | { records: Array<{ agentId: number; intervalStart: string }> }
  | 'ALL';

/**
 * Sets each record's hourly_cost to the cost that applies to it: the agent's latest
 * cost effective at the interval start, else its team's, staging every re-priced
 * record's delta. 'ALL' (the rebuild, which derives the rollups afresh) stages nothing.
 */
export async function resolveHourlyCosts(em: EntityManager, organizationId: number, scope: CostScope): Promise<void> {
  const [records, params] = costScopeRecords(scope, organizationId);
  // Each cost with the start of the next one of its subject (an agent's or a team's):
  // a record's cost is the one whose span holds its interval start. Joined by subject
  // and span, not looked up per record (two correlated subqueries per record took
  // 11 s of a rebuild's 417,600 records).
  const spans = `select agent_id, team_id, hourly_cost, effective_from as since,
      lead(effective_from) over (partition by agent_id, team_id order by effective_from) as until
    from hourly_cost where organization_id = ?`;
  const holds = (c: string) => `a.interval_start >= ${c}.since and (${c}.until is null or a.interval_start < ${c}.until)`;
  const update = `
    update agent_activity t set hourly_cost = r.cost, updated_at = now()
    from (select a.agent_id, a.interval_start, a.hourly_cost as was, coalesce(ac.hourly_cost, tc.hourly_cost) as cost
          from (select a.* from ${records}) a
          left join (${spans}) ac on ac.agent_id = a.agent_id and ${holds('ac')}
          left join (${spans}) tc on tc.agent_id is null and tc.team_id = a.team_id and ${holds('tc')}) r
    where t.organization_id = ? and t.agent_id = r.agent_id and t.interval_start = r.interval_start
      and t.hourly_cost is distinct from r.cost
    returning r.was, ${STAGED.map((c) => `t.${c}`).join(', ')}`;
  const values = [...params, organizationId, organizationId, organizationId];
  if (scope === 'ALL') {
    await em.execute(update, values);
    return;
  }
  await ensureDeltaTable(em, ACTIVITY_FACT);
  await executeBound(
    em,
    `with updated as (${update}), staged as (${stageVersions('updated', (c) => (c === 'hourly_cost' ? 'u.was' : `u.${c}`))}) select 1`,
    values,
  );
}

/**
 * The records of a cost scope as a FROM clause over agent_activity `a`, and its
 * parameters. Listed records are looked up one by one by primary key, driven by
 * the batch's keys (sent as bind parameters, not inlined into the SQL text).
 */
function costScopeRecords(scope: CostScope, organizationId: number): [string, unknown[]] {
  if (scope === 'ALL') return ['agent_activity a where a.organization_id = ?', [organizationId]];
  if ('agentId' in scope) return ['agent_activity a where a.organization_id = ? and a.agent_id = ?', [organizationId, scope.agentId]];
  if ('teamId' in scope) return ['agent_activity a where a.organization_id = ? and a.team_id = ?', [organizationId, scope.teamId]];
  return [
    `unnest(?::int[], ?::timestamptz[]) as k(agent_id, interval_start)
     join agent_activity a on a.organization_id = ? and a.agent_id = k.agent_id and a.interval_start = k.interval_start`,
    [arrayLiteral(scope.records.map((r) => r.agentId)), arrayLiteral(scope.records.map((r) => r.intervalStart)), organizationId],
  ];
}
