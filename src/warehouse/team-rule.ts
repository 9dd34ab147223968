/**
 * The team a contact is credited to (DOMAIN.md "Team of an unanswered contact"):
 * its `team` key; else its agent's team; else its queue's owning team
 * (setQueueTeam); else none. A contact credited to its queue's owner is stored
 * with `team_from_queue`, so that a later change of owner moves it and only it.
 */

/** A contact's stored team: the id (null: none) and whether it came from the queue's owner. */
export interface CreditedTeam {
  teamId: number | null;
  fromQueue: boolean;
}

export function creditedTeam(ownTeamId: number | null, agentTeamId: number | null, queueOwnerId: number | null): CreditedTeam {
  const own = ownTeamId ?? agentTeamId;
  if (own !== null) return { teamId: own, fromQueue: false };
  return { teamId: queueOwnerId, fromQueue: queueOwnerId !== null };
}

/**
 * Over a stored contact row `c`: it has no team of its own, so it follows its
 * queue's owner. team_id null means no owner when it was written (a team of its
 * own is never null). The same predicate as the partial index contact_queue_owner_index.
 */
export const FOLLOWS_QUEUE_OWNER = (alias: string) => `(${alias}.team_id is null or ${alias}.team_from_queue)`;
