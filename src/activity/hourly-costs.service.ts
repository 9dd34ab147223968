import type { EntityManager } from '@mikro-orm/postgresql';
import { DirectoryWriter } from '../org/directory.writer';
import { badUserInput, describeProblems, type FieldProblem } from '../platform/errors';
import { resolveHourlyCosts } from '../warehouse/activity-facts';
import { writeFacts } from '../warehouse/fact-writes';
import { ACTIVITY_FACT } from '../warehouse/facts';

/** An hourly cost as set: for an agent or a team, from an instant or for all time. */
export interface HourlyCostFields {
  agent?: string | null;
  team?: string | null;
  hourlyCost: number;
  /** From when the cost applies; absent: for all time, replacing the subject's earlier costs. */
  effectiveFrom?: Date | null;
}

export interface HourlyCostRow {
  agent: string | null;
  team: string | null;
  hourlyCost: number;
  /** Null: applies for all time before the subject's next cost. */
  effectiveFrom: Date | null;
}

const MAX_HOURLY_COST = 1_000_000;

/**
 * Hourly costs of agents and teams. The cost of a logged-in second is the agent's
 * latest cost effective at that moment, else its team's. Setting a cost re-prices
 * the stored activity it applies to, and its rollups, in the same transaction.
 */
export class HourlyCostsService {
  constructor(private readonly em: EntityManager) {}

  async set(organizationId: number, input: HourlyCostFields): Promise<void> {
    const { agent, team, effectiveFrom } = validateHourlyCost(input);
    await writeFacts(this.em, organizationId, ACTIVITY_FACT, async (em) => {
      const directory = new DirectoryWriter(em, organizationId);
      const subject = agent
        ? { column: 'agent_id', id: (await directory.ensureAgentIds([agent])).get(agent)! }
        : { column: 'team_id', id: (await directory.ensureTeams([team!])).get(team!)! };
      // Without effectiveFrom the cost replaces the subject's whole history ('-infinity': before any activity).
      if (!effectiveFrom) await em.execute(`delete from hourly_cost where organization_id = ? and ${subject.column} = ?`, [organizationId, subject.id]);
      await em.execute(
        `insert into hourly_cost (organization_id, ${subject.column}, effective_from, hourly_cost)
         values (?, ?, ?::timestamptz, ?)
         on conflict on constraint hourly_cost_key do update set hourly_cost = excluded.hourly_cost`,
        [organizationId, subject.id, effectiveFrom?.toISOString() ?? '-infinity', input.hourlyCost],
      );
      await resolveHourlyCosts(em, organizationId, agent ? { agentId: subject.id } : { teamId: subject.id });
    });
  }

  async list(organizationId: number): Promise<HourlyCostRow[]> {
    const rows: Array<{ agent_key: string | null; team_key: string | null; hourly_cost: string; effective_from: Date | string | null }> =
      await this.em.execute(
        `select a.key as agent_key, t.key as team_key, c.hourly_cost,
           case when c.effective_from = '-infinity' then null else c.effective_from end as effective_from
         from hourly_cost c left join agent a on a.organization_id = c.organization_id and a.id = c.agent_id
         left join team t on t.organization_id = c.organization_id and t.id = c.team_id
         where c.organization_id = ?
         order by a.key nulls last, t.key, c.effective_from`,
        [organizationId],
      );
    return rows.map((r) => ({
      agent: r.agent_key,
      team: r.team_key,
      hourlyCost: Number(r.hourly_cost),
      effectiveFrom: r.effective_from === null ? null : new Date(r.effective_from),
    }));
  }
}

/** Exactly one subject, a finite non-negative cost, a valid instant; every problem names its field. */
export function validateHourlyCost(input: HourlyCostFields, field = 'input') {
  const problems: FieldProblem[] = [];
  const fail = (name: string, rule: string, message: string) => problems.push({ field: `${field}.${name}`, rule, message });
  const agent = input.agent?.trim() || null;
  const team = input.team?.trim() || null;
  if ((agent === null) === (team === null)) fail(agent ? 'team' : 'agent', 'ONE_SUBJECT', 'give either agent or team (an agent\'s cost beats its team\'s)');
  for (const [name, key] of [['agent', agent], ['team', team]] as const) {
    if (key && key.length > 100) fail(name, 'TOO_LONG', 'must be at most 100 characters');
  }
  if (!Number.isFinite(input.hourlyCost) || input.hourlyCost < 0 || input.hourlyCost > MAX_HOURLY_COST) {
    fail('hourlyCost', 'OUT_OF_RANGE', `must be a number from 0 to ${MAX_HOURLY_COST}`);
  }
  const effectiveFrom = input.effectiveFrom ?? null;
  if (effectiveFrom && Number.isNaN(effectiveFrom.getTime())) fail('effectiveFrom', 'INVALID_DATE', 'must be an ISO-8601 date-time');
  if (problems.length) throw badUserInput(describeProblems('invalid hourly cost; nothing was written', problems), problems);
  return { agent, team, effectiveFrom };
}
