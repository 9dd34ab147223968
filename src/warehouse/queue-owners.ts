import type { EntityManager } from '@mikro-orm/postgresql';
import { ensureDeltaTable } from './deltas';
import { CONTACT_FACT } from './facts';
import { FOLLOWS_QUEUE_OWNER } from './team-rule';

const STAGED = CONTACT_FACT.staged;
const DELTA = CONTACT_FACT.deltaTable;

/**
 * Makes `teamId` (null: none) the owner of a queue and moves every contact of the
 * queue that follows its owner (no team key, no agent's team: warehouse/team-rule.ts)
 * to it, staging each moved contact's old version (−1) and new one (+1) so that every
 * rollup of the contact fact (each grain, the local days, the wait and handle-time
 * distributions, and the survey tallies they carry) moves with it, exactly, when the
 * caller's fact write (writeFacts) applies the deltas. The caller has checked that the
 * queue and the team are the organization's. Returns how many contacts moved.
 */
export async function setQueueOwner(em: EntityManager, organizationId: number, queueId: number, teamId: number | null): Promise<number> {
  await em.execute(`update queue set team_id = ? where organization_id = ? and id = ?`, [teamId, organizationId, queueId]);
  await ensureDeltaTable(em, CONTACT_FACT);
  // `k`: each follower's version before the update, picked first by the partial index
  // contact_queue_owner_index. A self-join (`from contact k`, as refreshSurveyTallies
  // does) had the planner hash the organization's whole contact table: 630 of 1,460 ms
  // for 6,505 followers among 500,000 contacts, growing with the organization.
  const [{ moved }] = await em.execute<Array<{ moved: number }>>(
    `with followers as materialized (
       select id, team_id from contact c
       where c.organization_id = ? and c.queue_id = ? and ${FOLLOWS_QUEUE_OWNER('c')} and c.team_id is distinct from ?::int),
     updated as (
       update contact c set team_id = ?::int, team_from_queue = (?::int is not null), updated_at = now()
       from followers k
       where c.organization_id = ? and c.id = k.id
       returning k.team_id as was_team_id, ${STAGED.map((col) => `c.${col}`).join(', ')}),
     staged as (
       insert into ${DELTA} (sign, ${STAGED.join(', ')})
       select -1, ${STAGED.map((col) => (col === 'team_id' ? 'u.was_team_id' : `u.${col}`)).join(', ')} from updated u
       union all
       select 1, ${STAGED.map((col) => `u.${col}`).join(', ')} from updated u)
     select count(*)::int as moved from updated`,
    [organizationId, queueId, teamId, teamId, teamId, organizationId],
  );
  return moved!;
}
