import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from './auth';
import { Agent, Queue, Team } from './directory.entities';

/** Reads the organization's teams, queues and agents, ordered by key. */
export class DirectoryService {
  constructor(private readonly em: EntityManager) {}

  teams(principal: Principal): Promise<Team[]> {
    return this.em.find(Team, { organizationId: principal.organizationId }, { orderBy: { key: 'asc' } });
  }

  queues(principal: Principal): Promise<Queue[]> {
    return this.em.find(Queue, { organizationId: principal.organizationId }, { orderBy: { key: 'asc' } });
  }

  agents(principal: Principal, teamId?: number): Promise<Agent[]> {
    return this.em.find(
      Agent,
      { organizationId: principal.organizationId, ...(teamId !== undefined ? { teamId } : {}) },
      { orderBy: { key: 'asc' } },
    );
  }
}
