import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
import { AgentView, QueueView, TeamView } from '../org/org.types';
import { Permission, requirePrincipal } from '../platform/auth';
import type { Context } from '../platform/context';
import { selectedFields } from '../platform/selection';
import { KpiService, type KpiRowResult } from './kpi.service';
import { KpiQuery, KpiReportView, KpiRowView } from './kpi.types';
import { parseContactFilter } from './query.inputs';

@Resolver()
export class KpiResolver {
  @Authorized(Permission.READ)
  @Query(() => KpiReportView, { description: 'KPIs for a range, grouped by dimensions and periods; see KpiRow for the formulas.' })
  async kpis(@Ctx() ctx: Context, @Arg('query', () => KpiQuery) query: KpiQuery, @Info() info: GraphQLResolveInfo) {
    const principal = await requirePrincipal(ctx);
    const fields = new Set([...selectedFields(info, ['rows']), ...selectedFields(info, ['total'])]);
    const report = await new KpiService(ctx.em, ctx.loaders).report({
      organizationId: principal.organizationId,
      from: query.range.from,
      to: query.range.to,
      timeZone: query.timeZone,
      filter: parseContactFilter(query.filter, 'query.filter'),
      groupBy: query.groupBy,
      granularity: query.granularity,
      serviceLevelThresholdSeconds: query.serviceLevelThresholdSeconds,
      shortAbandonSeconds: query.shortAbandonSeconds,
      fields,
    });
    return { rows: report.rows.map(toRowView), total: toRowView(report.total) };
  }
}

function toRowView(row: KpiRowResult): KpiRowView {
  return {
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    channel: row.channel,
    queueId: row.queueId,
    teamId: row.teamId,
    agentId: row.agentId,
    ...row.metrics,
  };
}

/** Dimension members of a row, batched per request: a 500-row drill-down costs one query per type. */
@Resolver(() => KpiRowView)
export class KpiRowResolver {
  @FieldResolver(() => QueueView, { nullable: true, description: 'Set when grouped by QUEUE.' })
  async queue(@Root() row: KpiRowView, @Ctx() ctx: Context): Promise<QueueView | null> {
    if (row.queueId === null) return null;
    const queue = await ctx.loaders.queue.load(row.queueId);
    return queue && toQueueView(queue);
  }

  @FieldResolver(() => TeamView, { nullable: true, description: 'Set when grouped by TEAM; null for contacts without a team.' })
  async team(@Root() row: KpiRowView, @Ctx() ctx: Context): Promise<TeamView | null> {
    if (row.teamId === null) return null;
    const team = await ctx.loaders.team.load(row.teamId);
    return team && toTeamView(team);
  }

  @FieldResolver(() => AgentView, { nullable: true, description: 'Set when grouped by AGENT; null for unanswered contacts.' })
  async agent(@Root() row: KpiRowView, @Ctx() ctx: Context): Promise<AgentView | null> {
    if (row.agentId === null) return null;
    const agent = await ctx.loaders.agent.load(row.agentId);
    return agent && toAgentView(agent);
  }
}
