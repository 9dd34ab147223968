import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Agent, Queue, Team } from './directory.entities';

/**
 * Per-request batch loaders for the directory: a drill-down of hundreds of rows
 * resolves its teams, queues and agents with one query per member type.
 * Rows are always read within the request's organization.
 *
 * They read plain records, not managed entities: nothing loaded here is changed,
 * and hydrating 200 agents into MikroORM's identity map cost about 15–25 ms per
 * report, against 2–5 ms for the query alone.
 */
export type TeamRecord = Pick<Team, 'id' | 'organizationId' | 'key' | 'name'>;
export type QueueRecord = Pick<Queue, 'id' | 'organizationId' | 'key' | 'name' | 'teamId'>;
export type AgentRecord = Pick<Agent, 'id' | 'organizationId' | 'key' | 'name' | 'teamId'>;

export interface DirectoryLoaders {
  team: DataLoader<number, TeamRecord | null>;
  queue: DataLoader<number, QueueRecord | null>;
  agent: DataLoader<number, AgentRecord | null>;
}

const MEMBER_COLUMNS = 'id, organization_id as "organizationId", key, name';

export function createDirectoryLoaders(em: EntityManager, organizationId: () => Promise<number | null>): DirectoryLoaders {
  // Table and column names are constants of this module, never input.
  function loader<T extends { id: number }>(table: 'team' | 'queue' | 'agent', columns: string) {
    return new DataLoader<number, T | null>(async (ids) => {
      const org = await organizationId();
      if (org === null) return ids.map(() => null);
      const rows: T[] = await em
        .getConnection()
        .execute(`select ${columns} from ${table} where organization_id = ? and id = any(?::int[])`, [org, `{${ids.join(',')}}`]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }
  return {
    team: loader<TeamRecord>('team', MEMBER_COLUMNS),
    queue: loader<QueueRecord>('queue', `${MEMBER_COLUMNS}, team_id as "teamId"`),
    agent: loader<AgentRecord>('agent', `${MEMBER_COLUMNS}, team_id as "teamId"`),
  };
}
