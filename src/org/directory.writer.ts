import type { EntityManager } from '@mikro-orm/postgresql';

export interface AgentRef {
  id: number;
  teamId: number | null;
}

/** A queue and the team that owns it (setQueueTeam), if any. */
export interface QueueRef {
  id: number;
  teamId: number | null;
}

/** Something that names an agent and maybe its team at a moment. */
interface AgentSighting {
  agent: string | null;
  team: string | null;
  offeredAt: Date;
}

/** Directory keys already known, by kind, with their ids (DirectoryWriter.lookup). */
export interface KnownIds {
  queue: Map<string, number>;
  team: Map<string, number>;
  agent: Map<string, number>;
}

/**
 * Creates teams, queues and agents on first sight (name = key) inside the
 * caller's transaction and maps keys to ids. An agent moves to the team of its
 * most recent contact that names one; older contacts never move it back.
 *
 * A key's id never changes once given (members are neither deleted nor re-keyed),
 * so a writer may look the known keys up before it takes the organization's write
 * lock (`lookup`, reading only) and pass them to the ensure methods, which then
 * create only the keys still missing. A queue's owner and an agent's team do
 * change: those are read under the lock.
 */
export class DirectoryWriter {
  constructor(
    private readonly em: EntityManager,
    private readonly organizationId: number,
  ) {}

  /** The ids of the keys that exist already, creating nothing: one statement. */
  async lookup(keys: { queues: readonly string[]; teams: readonly string[]; agents: readonly string[] }): Promise<KnownIds> {
    const known: KnownIds = { queue: new Map(), team: new Map(), agent: new Map() };
    const distinct = (k: readonly string[]) => JSON.stringify([...new Set(k)]);
    const rows: Array<{ kind: keyof KnownIds; id: number; key: string }> = await this.em.execute(
      `select 'queue' as kind, id, key from queue where organization_id = ? and key in (select jsonb_array_elements_text(?::jsonb))
       union all
       select 'team', id, key from team where organization_id = ? and key in (select jsonb_array_elements_text(?::jsonb))
       union all
       select 'agent', id, key from agent where organization_id = ? and key in (select jsonb_array_elements_text(?::jsonb))`,
      [this.organizationId, distinct(keys.queues), this.organizationId, distinct(keys.teams), this.organizationId, distinct(keys.agents)],
    );
    for (const r of rows) known[r.kind].set(r.key, r.id);
    return known;
  }

  ensureQueues(keys: readonly string[]): Promise<Map<string, number>> {
    return this.ensure('queue', keys);
  }

  /** Queues by key with their owning teams, created on first sight without one. */
  async ensureQueuesWithOwners(keys: readonly string[], known?: Map<string, number>): Promise<Map<string, QueueRef>> {
    const ids = await this.ensure('queue', keys, known);
    if (ids.size === 0) return new Map();
    const rows: Array<{ key: string; id: number; team_id: number | null }> = await this.em.execute(
      `select id, key, team_id from queue where organization_id = ? and id = any(?::int[])`,
      [this.organizationId, `{${[...ids.values()].join(',')}}`],
    );
    return new Map(rows.map((r) => [r.key, { id: r.id, teamId: r.team_id }]));
  }

  ensureTeams(keys: readonly string[], known?: Map<string, number>): Promise<Map<string, number>> {
    return this.ensure('team', keys, known);
  }

  /** Agents by key, created on first sight without a team; existing agents keep theirs. */
  ensureAgentIds(keys: readonly string[]): Promise<Map<string, number>> {
    return this.ensure('agent', keys);
  }

  async ensureAgents(sightings: readonly AgentSighting[], teams: Map<string, number>, known?: Map<string, number>): Promise<Map<string, AgentRef>> {
    const ids = await this.ensure('agent', sightings.flatMap((s) => (s.agent ? [s.agent] : [])), known);
    if (ids.size === 0) return new Map();

    const latest = new Map<string, { team: number; at: Date }>();
    for (const s of sightings) {
      if (!s.agent || !s.team) continue;
      const seen = latest.get(s.agent);
      if (!seen || seen.at <= s.offeredAt) latest.set(s.agent, { team: teams.get(s.team)!, at: s.offeredAt });
    }
    if (latest.size) {
      const moves = [...latest].map(([agent, { team, at }]) => ({ agent_id: ids.get(agent), team_id: team, at }));
      await this.em.execute(
        `update agent a set team_id = x.team_id, team_assigned_at = x.at
         from jsonb_to_recordset(?::jsonb) as x(agent_id int, team_id int, at timestamptz)
         where a.organization_id = ? and a.id = x.agent_id
           and (a.team_assigned_at is null or a.team_assigned_at <= x.at)
           and (a.team_id is distinct from x.team_id or a.team_assigned_at is distinct from x.at)`,
        [JSON.stringify(moves), this.organizationId],
      );
    }
    const rows: Array<{ id: number; key: string; team_id: number | null }> = await this.em.execute(
      `select id, key, team_id from agent where organization_id = ? and id in (select jsonb_array_elements_text(?::jsonb)::int)`,
      [this.organizationId, JSON.stringify([...ids.values()])],
    );
    return new Map(rows.map((r) => [r.key, { id: r.id, teamId: r.team_id }]));
  }

  /** Ids of `keys`, creating the missing ones; keys in `known` are taken from it as they are. */
  private async ensure(table: 'team' | 'queue' | 'agent', keys: readonly string[], known?: Map<string, number>): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const id = known?.get(key);
      if (id === undefined) missing.push(key);
      else ids.set(key, id);
    }
    if (missing.length === 0) return ids;
    const distinct = JSON.stringify(missing.sort());
    await this.em.execute(
      `insert into ${table} (organization_id, key, name)
       select ?, k, k from jsonb_array_elements_text(?::jsonb) as k order by k
       on conflict (organization_id, key) do nothing`,
      [this.organizationId, distinct],
    );
    const rows: Array<{ id: number; key: string }> = await this.em.execute(
      `select id, key from ${table} where organization_id = ? and key in (select jsonb_array_elements_text(?::jsonb))`,
      [this.organizationId, distinct],
    );
    for (const r of rows) ids.set(r.key, r.id);
    return ids;
  }
}
