import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Query, Resolver } from 'type-graphql';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
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
    const fields = new Set(
      [['rows'], ['total'], ['rows', 'previous'], ['total', 'previous']].flatMap((path) => [...selectedFields(info, path)]),
    );
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
      compareWithPrevious: query.compareWithPrevious ?? false,
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
    queue: row.queue && toQueueView(row.queue),
    team: row.team && toTeamView(row.team),
    agent: row.agent && toAgentView(row.agent),
    previous: row.previous ? toRowView(row.previous) : null,
    ...row.metrics,
  };
}
