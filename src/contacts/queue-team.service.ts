import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueueRecord } from '../org/directory.loaders';
import type { DomainEventBus } from '../org/events';
import { badUserInput, type FieldProblem } from '../platform/errors';
import { writeFacts } from '../warehouse/fact-writes';
import { CONTACT_FACT } from '../warehouse/facts';
import { setQueueOwner } from '../warehouse/queue-owners';

/** What setQueueTeam did: the queue as it is now, and how many contacts moved to its new owner. */
export interface QueueTeamResult {
  queue: QueueRecord;
  moved: number;
}

/**
 * Names the team that owns a queue (setQueueTeam). The queue's contacts without a
 * team of their own (DOMAIN.md "Team of an unanswered contact") move to the new owner,
 * rollups included, in one transaction under the organization's write lock, so no
 * contact batch writes the queue's contacts with the old owner meanwhile; contacts
 * written later take the owner at ingest (ContactsService). An unknown queue or team
 * is refused, naming the argument, and nothing is written.
 */
export class QueueTeamService {
  constructor(
    private readonly em: EntityManager,
    private readonly events?: DomainEventBus,
  ) {}

  async set(organizationId: number, queueId: number, teamId: number | null): Promise<QueueTeamResult> {
    const { result, change } = await writeFacts(this.em, organizationId, CONTACT_FACT, async (em) => {
      const [queue] = await em.execute<Array<QueueRecord>>(
        `select id, organization_id as "organizationId", key, name, team_id as "teamId" from queue
         where organization_id = ? and id = ?`,
        [organizationId, queueId],
      );
      const team = teamId === null ? [] : await em.execute(`select 1 from team where organization_id = ? and id = ?`, [organizationId, teamId]);
      const problems: FieldProblem[] = [];
      if (!queue) problems.push({ field: 'queueId', rule: 'UNKNOWN_QUEUE', message: `no queue with id ${queueId} in this organization` });
      if (teamId !== null && team.length === 0) {
        problems.push({ field: 'teamId', rule: 'UNKNOWN_TEAM', message: `no team with id ${teamId} in this organization` });
      }
      if (problems.length > 0) throw badUserInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
      const moved = await setQueueOwner(em, organizationId, queueId, teamId);
      return { queue: { ...queue!, teamId }, previousTeamId: queue!.teamId, moved };
    });
    if (change) {
      await this.events?.emit('queue.teamChanged', {
        ...change, queueId, previousTeamId: result.previousTeamId, teamId, moved: result.moved,
      });
    }
    return { queue: result.queue, moved: result.moved };
  }
}
