import type { EntityManager } from '@mikro-orm/postgresql';
import { writeFacts } from '../warehouse/fact-writes';
import { DirectoryWriter } from '../org/directory.writer';
import { validBatch, type WriteTotals } from '../platform/batches';
import { resolveHourlyCosts, upsertActivity } from '../warehouse/activity-facts';
import { ACTIVITY_FACT } from '../warehouse/facts';
import { refreshStatistics, statisticsReady } from '../warehouse/statistics';
import { mapYielding } from '../platform/yielding';
import { MAX_ACTIVITY_PER_BATCH, validateActivity, type ActivityFields, type ValidActivity } from './activity.validation';
import type { DomainEventBus } from '../org/events';

/**
 * Writes agent activity batches: validated whole, then upserted in one transaction
 * by (agent, intervalStart), so a batch is all-or-nothing and re-sending it counts
 * nothing twice. A re-sent record with other figures replaces the stored one.
 */
export class ActivityService {
  /** `events`: told 'activity.recorded' after each committed batch that changed something (none for a bulk import). */
  constructor(
    private readonly em: EntityManager,
    private readonly events?: DomainEventBus,
  ) {}

  async record(organizationId: number, inputs: readonly ActivityFields[]): Promise<WriteTotals> {
    const records = await validBatch(inputs, { field: 'activity', noun: 'activity records', max: MAX_ACTIVITY_PER_BATCH }, (all) => {
      const { records: valid, problems } = validateActivity(all);
      return { valid, problems };
    });
    return this.write(organizationId, records);
  }

  /** Upserts already-validated records (the CSV import validates on its own). */
  async write(organizationId: number, records: readonly ValidActivity[]): Promise<WriteTotals> {
    if (records.length === 0) return { received: 0, created: 0, updated: 0, unchanged: 0 };
    await statisticsReady(this.em, ACTIVITY_FACT.table);
    const { result: written, change } = await writeFacts(this.em, organizationId, ACTIVITY_FACT, async (em) => {
      const directory = new DirectoryWriter(em, organizationId);
      const teams = await directory.ensureTeams(records.flatMap((r) => (r.team ? [r.team] : [])));
      const agents = await directory.ensureAgents(
        records.map((r) => ({ agent: r.agent, team: r.team, offeredAt: r.intervalStart })),
        teams,
      );
      const rows = await mapYielding(records, (r) => {
        const agent = agents.get(r.agent)!;
        return {
          agent_id: agent.id,
          // The record's own team, else the agent's current team.
          team_id: r.team ? teams.get(r.team)! : agent.teamId,
          interval_start: r.intervalStart.toISOString(),
          logged_in_seconds: r.loggedInSeconds,
          available_seconds: r.availableSeconds,
          handling_seconds: r.handlingSeconds,
          not_ready_seconds: r.notReadySeconds,
        };
      });
      const written = await upsertActivity(em, organizationId, rows);
      if (written.length > 0) {
        const changed = written.map((r) => ({ agentId: r.agent_id, intervalStart: new Date(r.interval_start).toISOString() }));
        await resolveHourlyCosts(em, organizationId, { records: changed });
      }
      return written;
    });
    if (change) await refreshStatistics(this.em, ACTIVITY_FACT.table);
    if (change) await this.events?.emit('activity.recorded', change);
    const created = written.filter((r) => r.inserted).length;
    return { received: records.length, created, updated: written.length - created, unchanged: records.length - written.length };
  }
}

