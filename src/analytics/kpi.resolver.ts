import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Query, Resolver } from 'type-graphql';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
import { Permission, requirePrincipal } from '../platform/auth';
import type { Context } from '../platform/context';
import { selectedFields } from '../platform/selection';
import { METRICS } from './metric-catalog';
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

/**
 * Every KpiRow property, null until set. Copying the template keeps each view a
 * fast-mode object of one shape: a report's metrics are a dictionary-mode object
 * (keys chosen per request), and spreading 6,000 of them took longer than
 * executing the GraphQL of the whole report.
 */
const ROW_TEMPLATE: KpiRowView = {
  periodStart: null,
  periodEnd: null,
  channel: null,
  queue: null,
  team: null,
  agent: null,
  previous: null,
  ...Object.fromEntries(METRICS.map((m) => [m.name, null])),
};
const METRIC_NAMES = METRICS.map((m) => m.name);

function toRowView(row: KpiRowResult): KpiRowView {
  const view: KpiRowView = { ...ROW_TEMPLATE };
  view.periodStart = row.periodStart;
  view.periodEnd = row.periodEnd;
  view.channel = row.channel;
  view.queue = row.queue && toQueueView(row.queue);
  view.team = row.team && toTeamView(row.team);
  view.agent = row.agent && toAgentView(row.agent);
  view.previous = row.previous ? toRowView(row.previous) : null;
  // The metrics computed (those selected); the others stay null and are never read.
  for (const name of METRIC_NAMES) {
    const value = row.metrics[name];
    if (value !== undefined) view[name] = value;
  }
  return view;
}
