import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Agent, Queue, Team } from './directory.entities';

/**
 * Per-request batch loaders for the directory: a drill-down of hundreds of rows
 * resolves its teams, queues and agents with one query per entity type.
 * Rows are always read within the request's organization.
 */
export interface DirectoryLoaders {
  team: DataLoader<number, Team | null>;
  queue: DataLoader<number, Queue | null>;
  agent: DataLoader<number, Agent | null>;
}

type Dimension = typeof Team | typeof Queue | typeof Agent;

export function createDirectoryLoaders(em: EntityManager, organizationId: () => Promise<number | null>): DirectoryLoaders {
  function loader<T extends Team | Queue | Agent>(entity: Dimension) {
    return new DataLoader<number, T | null>(async (ids) => {
      const org = await organizationId();
      if (org === null) return ids.map(() => null);
      const rows = (await em.find(entity as never, { organizationId: org, id: { $in: [...ids] } } as never)) as T[];
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }
  return { team: loader<Team>(Team), queue: loader<Queue>(Queue), agent: loader<Agent>(Agent) };
}
