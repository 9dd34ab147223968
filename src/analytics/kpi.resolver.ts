import { getArgumentValues, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Float, Info, Int, Query, Resolver, Root } from 'type-graphql';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { selectedFieldNodes, selectedFields } from '../platform/selection';
import { KpiService, MAX_THRESHOLD_SECONDS, type KpiReportResult, type KpiRowResult } from './kpi.service';
import { KpiQuery, KpiReportView, KpiRowView, THRESHOLD_METRICS, metricFieldOptions, type ReportThresholds } from './kpi.types';
import { metric } from './metric-catalog';
import { resolveContactFilter, rangeOrDates } from './query.inputs';
import { PERCENTILE_MEASURES, type ContactScope, type PercentileMeasure } from './kpi.request';
import { DISTRIBUTIONS } from './percentiles';

@Resolver()
export class KpiResolver {
  @Authorized(Permission.READ)
  @Query(() => KpiReportView, { description: 'KPIs for a range, grouped by dimensions and periods; see KpiRow for the formulas.' })
  async kpis(@Ctx() ctx: Context, @Arg('query', () => KpiQuery) query: KpiQuery, @Info() info: GraphQLResolveInfo) {
    return (await answerKpis(ctx, query, info)).view;
  }
}

/**
 * A `kpis` answer for the fields `info` selects (also the live wallboards' each
 * time they read): the report as computed, and its view for GraphQL.
 */
export async function answerKpis(ctx: Context, query: KpiQuery, info: GraphQLResolveInfo): Promise<KpiAnswer> {
  const principal = await requirePrincipal(ctx);
  const rowPaths = [['rows'], ['total'], ['rows', 'previous'], ['total', 'previous']];
  const fields = new Set(rowPaths.flatMap((path) => [...selectedFields(info, path)]));
  const { from, to } = rangeOrDates(query);
  const filter = await resolveContactFilter(ctx.em, principal.organizationId, query.filter, 'query.filter');
  const report = await new KpiService(ctx.em, ctx.loaders, ctx.kpiResults).report({
    organizationId: principal.organizationId,
    from,
    to,
    timeZone: query.timeZone,
    filter,
    groupBy: query.groupBy,
    granularity: query.granularity,
    serviceLevelThresholdSeconds: query.serviceLevelThresholdSeconds,
    shortAbandonSeconds: query.shortAbandonSeconds,
    compareWithPrevious: query.compareWithPrevious ?? false,
    fields,
    withinThresholds: askedArguments(info, rowPaths, THRESHOLD_METRICS, 'thresholdSeconds'),
    percentiles: Object.fromEntries(PERCENTILE_MEASURES.map((m) => [m, askedArguments(info, rowPaths, [DISTRIBUTIONS[m].field], 'p')])),
    ranking: {
      orderBy: (query.orderBy ?? []).map((o) => ({ metric: o.metric, direction: o.direction ?? 'ASC' })),
      having: query.having ?? [],
      limit: query.limit ?? null,
    },
  });
  const toRowView = rowViews(Object.keys(report.total.metrics), report.thresholds);
  const view = { rows: report.rows.map(toRowView), total: toRowView(report.total) } as KpiReportView;
  return { report, view, asked: { organizationId: principal.organizationId, from, to, filter } };
}

export interface KpiAnswer {
  report: KpiReportResult;
  view: KpiReportView;
  /** The organization, the range (dates resolved) and the filter (keys resolved) the report read. */
  asked: { organizationId: number; from: Date; to: Date; filter: ContactScope };
}

/**
 * The values the selection gives `argument` of these KpiRow fields, literal or
 * variable: the thresholds of serviceLevel(thresholdSeconds:) and
 * answeredWithinThreshold(thresholdSeconds:), the p of waitTimePercentile(p:) or handleTimePercentile(p:). All are
 * computed with the report, and each aliased field then reads its own.
 */
export function askedArguments(info: GraphQLResolveInfo, paths: string[][], fields: readonly string[], argument: string): number[] {
  const row = info.schema.getType('KpiRow') as GraphQLObjectType;
  const values = new Set<number>();
  for (const node of paths.flatMap((path) => selectedFieldNodes(info, path))) {
    if (!fields.includes(node.name.value)) continue;
    const value = getArgumentValues(row.getFields()[node.name.value]!, node, info.variableValues)[argument];
    if (typeof value === 'number') values.add(value);
  }
  return [...values];
}

/** A row's answered-within count at threshold t (the report's T when null). */
function answeredWithin(row: KpiRowView, t: number | null | undefined): number {
  if (t == null || t === row.thresholds.serviceLevelSeconds) return row.answeredWithinThreshold as number;
  const i = row.thresholds.index.get(t);
  return i === undefined ? 0 : row.within?.[i] ?? 0;
}

const P_ARGUMENT = { description: '0 < p ≤ 1, e.g. 0.9.' };

/** A row's value of a measure at p, computed with the report (null when p was not asked or the row has no contact in the measure). */
function percentileOf(row: KpiRowView, measure: PercentileMeasure, p: number): number | null {
  const i = row.thresholds.percentileIndex[measure].get(p);
  return i === undefined ? null : row.percentiles?.[measure]?.[i] ?? null;
}

const THRESHOLD_ARGUMENT = {
  nullable: true,
  description: `T in whole seconds, 0 to ${MAX_THRESHOLD_SECONDS}; default: the query's serviceLevelThresholdSeconds. Aliases may ask several in one request.`,
};

/** The KpiRow fields that take a threshold: each alias reads the count of its own threshold, computed with the report. */
@Resolver(() => KpiRowView)
export class KpiRowThresholdResolver {
  @FieldResolver(() => Int, metricFieldOptions(metric('answeredWithinThreshold')!))
  answeredWithinThreshold(@Root() row: KpiRowView, @Arg('thresholdSeconds', () => Int, THRESHOLD_ARGUMENT) thresholdSeconds?: number | null): number {
    return answeredWithin(row, thresholdSeconds);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'Wait of answered inbound contacts at percentile p, nearest rank: the wait at rank ⌈p × n⌉ of the n answered inbound ' +
      'contacts sorted by wait (p = 1: the longest; p = 0.5 of 4 waits: the 2nd). Exact, in whole seconds; null when n = 0.',
  })
  waitTimePercentile(@Root() row: KpiRowView, @Arg('p', () => Float, P_ARGUMENT) p: number): number | null {
    return percentileOf(row, 'wait', p);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'Handle time (talk + hold + after-contact work) of handled contacts at percentile p, nearest rank: the value at rank ⌈p × n⌉ ' +
      'of the n handled contacts (answered, either direction) sorted by handle time. Exact, in whole seconds; null when n = 0.',
  })
  handleTimePercentile(@Root() row: KpiRowView, @Arg('p', () => Float, P_ARGUMENT) p: number): number | null {
    return percentileOf(row, 'handle', p);
  }

  @FieldResolver(() => Float, metricFieldOptions(metric('serviceLevel')!))
  serviceLevel(@Root() row: KpiRowView, @Arg('thresholdSeconds', () => Int, THRESHOLD_ARGUMENT) thresholdSeconds?: number | null): number | null {
    return serviceLevelAt(row, thresholdSeconds);
  }
}

function serviceLevelAt(row: KpiRowView, t: number | null | undefined): number | null {
  if (t == null || t === row.thresholds.serviceLevelSeconds) return row.serviceLevel as number | null;
  return row.qualifying === 0 ? null : answeredWithin(row, t) / row.qualifying;
}

/**
 * Resolves KpiRowThresholdResolver's fields with plain functions once the schema is
 * built. type-graphql's handler converts the root to a class instance and each
 * argument, and awaits a validation, on every call: a month by day × queue with ten
 * thresholds makes 2,400 calls, about 3 ms of a 25 ms request. The class still
 * declares the fields (types, arguments, descriptions); none has a guard or middleware.
 */
export function resolveRowArgumentFieldsDirectly(schema: GraphQLSchema): void {
  const fields = (schema.getType('KpiRow') as GraphQLObjectType<KpiRowView>).getFields();
  fields.answeredWithinThreshold!.resolve = (row: KpiRowView, args) => answeredWithin(row, args.thresholdSeconds as number | null | undefined);
  fields.serviceLevel!.resolve = (row: KpiRowView, args) => serviceLevelAt(row, args.thresholdSeconds as number | null | undefined);
  fields.waitTimePercentile!.resolve = (row: KpiRowView, args) => percentileOf(row, 'wait', args.p as number);
  fields.handleTimePercentile!.resolve = (row: KpiRowView, args) => percentileOf(row, 'handle', args.p as number);
}

/**
 * A report's rows as KpiRow views; each queue, team and agent becomes one view for the
 * whole report. Every view is a copy of one template with the report's metrics (those
 * selected; GraphQL reads no other), so all rows share one small fast-mode shape.
 */
export function rowViews(metrics: readonly string[], asked: KpiReportResult['thresholds']): (row: KpiRowResult) => KpiRowView {
  const thresholds: ReportThresholds = {
    serviceLevelSeconds: asked.serviceLevelSeconds,
    index: new Map(asked.within.map((t, i) => [t, i])),
    percentileIndex: { wait: indexOf(asked.percentiles.wait), handle: indexOf(asked.percentiles.handle) },
  };
  const template: KpiRowView = {
    periodStart: null,
    periodEnd: null,
    periodLabel: null,
    partial: false,
    channel: null,
    queue: null,
    team: null,
    agent: null,
    previous: null,
    thresholds,
    within: null,
    qualifying: 0,
    percentiles: null,
    ...Object.fromEntries(metrics.map((name) => [name, null])),
  };
  const queue = once(toQueueView);
  const team = once(toTeamView);
  const agent = once(toAgentView);
  const toRowView = (row: KpiRowResult): KpiRowView => {
    const view: KpiRowView = Object.assign({ ...template }, row.metrics);
    view.periodStart = row.periodStart;
    view.periodEnd = row.periodEnd;
    view.periodLabel = row.periodLabel;
    view.partial = row.partial;
    view.channel = row.channel;
    view.queue = row.queue && queue(row.queue);
    view.team = row.team && team(row.team);
    view.agent = row.agent && agent(row.agent);
    view.within = row.within ?? null;
    view.qualifying = row.qualifying ?? 0;
    view.percentiles = row.percentiles ?? null;
    view.previous = row.previous ? toRowView(row.previous) : null;
    return view;
  };
  return toRowView;
}

/** Each value with its index in the list. */
const indexOf = (values: readonly number[] = []) => new Map(values.map((v, i) => [v, i]));

/** `map` remembering its answer per object. */
function once<T extends object, V>(map: (t: T) => V): (t: T) => V {
  const seen = new Map<T, V>();
  return (t) => {
    let v = seen.get(t);
    if (v === undefined) seen.set(t, (v = map(t)));
    return v;
  };
}
