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
    const toRowView = rowViews(Object.keys(report.total.metrics));
    return { rows: report.rows.map(toRowView), total: toRowView(report.total) };
  }
}

/**
 * A report's rows as KpiRow views; each queue, team and agent becomes one view for the
 * whole report. Every view is a copy of one template with the report's metrics (those
 * selected; GraphQL reads no other), so all rows share one small fast-mode shape.
 */
function rowViews(metrics: readonly string[]): (row: KpiRowResult) => KpiRowView {
  const template: KpiRowView = {
    periodStart: null,
    periodEnd: null,
    channel: null,
    queue: null,
    team: null,
    agent: null,
    previous: null,
    ...Object.fromEntries(metrics.map((name) => [name, null])),
  };
  const queue = once(toQueueView);
  const team = once(toTeamView);
  const agent = once(toAgentView);
  const toRowView = (row: KpiRowResult): KpiRowView => {
    const view: KpiRowView = Object.assign({ ...template }, row.metrics);
    view.periodStart = row.periodStart;
    view.periodEnd = row.periodEnd;
    view.channel = row.channel;
    view.queue = row.queue && queue(row.queue);
    view.team = row.team && team(row.team);
    view.agent = row.agent && agent(row.agent);
    view.previous = row.previous ? toRowView(row.previous) : null;
    return view;
  };
  return toRowView;
}

/** `map` remembering its answer per object. */
function once<T extends object, V>(map: (t: T) => V): (t: T) => V {
  const seen = new Map<T, V>();
  return (t) => {
    let v = seen.get(t);
    if (v === undefined) seen.set(t, (v = map(t)));
    return v;
  };
}
