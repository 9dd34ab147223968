import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { COMPARATORS, MAX_LIMIT, SORT_DIRECTIONS } from './kpi-ranking';
import { Channel } from '../warehouse/channels';
import { Granularity } from '../platform/calendar';
import { Dimension, type PercentileMeasure } from './kpi.request';
import { METRICS, type MetricDefinition } from './metric-catalog';
import { AgentView, QueueView, TeamView } from '../org/org.types';
import { ContactFilter, DateRange, TimeRange } from './query.inputs';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const ComparatorEnum = enumOf(COMPARATORS);
export const SortDirectionEnum = enumOf(SORT_DIRECTIONS);
registerEnumType(ComparatorEnum, { name: 'Comparator', description: 'AT_LEAST: the target is a floor (value ≥ bound); AT_MOST: a ceiling (value ≤ bound).' });
registerEnumType(SortDirectionEnum, { name: 'SortDirection', description: 'ASC: lowest first; DESC: highest first. Nulls come last either way.' });

@InputType('KpiOrder', { description: 'Sort rows by a metric: any numeric KpiRow field, read with its default arguments (the query\'s T).' })
export class KpiOrderInput {
  @Field(() => String, { description: 'A numeric KpiRow field, e.g. "csatScore".' }) metric!: string;
  @Field(() => SortDirectionEnum, { nullable: true, description: 'Default ASC; nulls last.' }) direction?: keyof typeof SortDirectionEnum | null;
}

@InputType('KpiCondition', { description: 'Keep the rows whose metric meets the bound (a null metric never does).' })
export class KpiConditionInput {
  @Field(() => String, { description: 'A numeric KpiRow field, e.g. "handled".' }) metric!: string;
  @Field(() => ComparatorEnum) comparator!: keyof typeof ComparatorEnum;
  @Field(() => Float) value!: number;
}

registerEnumType(Dimension, { name: 'Dimension', description: 'What a KPI report can be grouped by.' });
registerEnumType(Granularity, {
  name: 'Granularity',
  description: 'Calendar periods, cut in the query time zone; WEEK is the ISO week (Monday start).',
});

@InputType({ description: 'A KPI drill-down: range, zone, filter, grouping, periods and thresholds.' })
export class KpiQuery {
  @Field(() => TimeRange, { nullable: true, description: 'Contacts offered in [from, to). Exactly one of range and dates.' })
  range?: TimeRange | null;

  @Field(() => DateRange, { nullable: true, description: 'Instead of range: local dates in timeZone, both included.' })
  dates?: DateRange | null;

  @Field(() => String, { nullable: true, description: 'IANA name; default "UTC". Periods are cut in it.' })
  timeZone?: string | null;

  @Field(() => ContactFilter, { nullable: true })
  filter?: ContactFilter | null;

  @Field(() => [Dimension], { nullable: true, description: 'Default: no grouping.' })
  groupBy?: Dimension[] | null;

  @Field(() => Granularity, { nullable: true, description: 'Default: one period spanning the range.' })
  granularity?: Granularity | null;

  @Field(() => Int, { nullable: true, description: 'T for service level: answered with wait ≤ T. Default 20.' })
  serviceLevelThresholdSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: 'S: unanswered with wait < S are short abandons. Default 0 (none).' })
  shortAbandonSeconds?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Fill KpiRow.previous: each row\'s group over the whole preceding period of the same granularity; without ' +
      'granularity (and for total), over the preceding range of equal length. Default false.',
  })
  compareWithPrevious?: boolean | null;

  @Field(() => [KpiOrderInput], {
    nullable: true,
    description: 'Rows sorted by these metrics (first one first), then in the default order. `total` is not affected.',
  })
  orderBy?: KpiOrderInput[] | null;

  @Field(() => [KpiConditionInput], { nullable: true, description: 'Keep only the rows meeting every condition. `total` is not affected.' })
  having?: KpiConditionInput[] | null;

  @Field(() => Int, { nullable: true, description: `At most this many rows, after having and orderBy (1..${MAX_LIMIT}). \`total\` is not affected.` })
  limit?: number | null;
}

/**
 * One group of a report. Its metric fields are declared from the metric catalog
 * below, so the schema's descriptions are the catalog's. Its fields (and the
 * report's) are plain properties with no middleware or authorization of their own:
 * `simpleResolvers` leaves out type-graphql's per-field resolver wrapper, so a
 * 6,000-row report is read as plain objects (graphql-jit inlines the reads).
 */
@ObjectType('KpiRow', {
  description: 'KPIs of one period × group; ratios are fractions, durations seconds, null without data.',
  simpleResolvers: true,
})
export class KpiRowView {
  @Field(() => Date, { nullable: true, description: 'Start of the whole calendar period; null without granularity.' })
  periodStart!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End (exclusive) of the whole calendar period; null without granularity.' })
  periodEnd!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The period as named in the query\'s zone: YEAR "2026", QUARTER "2026-Q4", MONTH "2026-10", WEEK "2026-W44" (ISO week-year), ' +
      'DAY "2026-10-27", HOUR "2026-10-27T09", FIFTEEN_MINUTES and THIRTY_MINUTES "2026-10-27T09:15"; null without granularity.',
  })
  periodLabel!: string | null;

  @Field(() => Boolean, { description: "The row's calendar period is not wholly inside the range (false on total and without granularity)." })
  partial!: boolean;

  @Field(() => Channel, { nullable: true, description: 'Set when grouped by CHANNEL.' })
  channel!: Channel | null;

  @Field(() => QueueView, { nullable: true, description: 'Set when grouped by QUEUE.' })
  queue!: QueueView | null;

  @Field(() => TeamView, { nullable: true, description: 'Set when grouped by TEAM; null for contacts without a team.' })
  team!: TeamView | null;

  @Field(() => AgentView, { nullable: true, description: 'Set when grouped by AGENT; null for unanswered contacts.' })
  agent!: AgentView | null;

  @Field(() => KpiRowView, {
    nullable: true,
    description:
      'With compareWithPrevious: the same group in the preceding period (zeros and nulls when it had no contacts); otherwise null.',
  })
  previous!: KpiRowView | null;

  /** Not fields: what serviceLevel(thresholdSeconds:) and answeredWithinThreshold(thresholdSeconds:) read (kpi.resolver.ts). */
  thresholds!: ReportThresholds;
  within!: number[] | null;
  qualifying!: number;
  percentiles!: Partial<Record<PercentileMeasure, Array<number | null>>> | null;

  [metric: string]: unknown;
}

/** A report's T and its other thresholds (shared by all its rows), each with its index in a row's `within`. */
export interface ReportThresholds {
  serviceLevelSeconds: number;
  index: ReadonlyMap<number, number>;
  /** Per measure, each asked p with its index in a row's `percentiles` of that measure. */
  percentileIndex: Readonly<Record<PercentileMeasure, ReadonlyMap<number, number>>>;
}

/** The metrics with a threshold argument: declared by their field resolvers (kpi.resolver.ts). */
export const THRESHOLD_METRICS = ['serviceLevel', 'answeredWithinThreshold'] as const;

for (const metric of METRICS) {
  if ((THRESHOLD_METRICS as readonly string[]).includes(metric.name)) continue;
  Field(() => (metric.kind === 'count' ? Int : Float), metricFieldOptions(metric))(KpiRowView.prototype, metric.name);
}

/** A metric field's nullability and description, from the catalog. */
export function metricFieldOptions(metric: MetricDefinition): { nullable: boolean; description: string } {
  // Additive totals are never null (0 without data); ratios and averages are null without a denominator.
  const additive = metric.kind === 'count' || metric.kind === 'seconds';
  const direction = metric.better ? ` ${metric.better === 'HIGHER' ? 'Higher' : 'Lower'} is better.` : '';
  return { nullable: !additive, description: `${metric.description} Formula: ${metric.formula}.${direction}` };
}

@ObjectType('KpiReport', {
  description: 'Rows by period then dimension keys, and the total of the whole range and filter.',
  simpleResolvers: true,
})
export class KpiReportView {
  @Field(() => [KpiRowView]) rows!: KpiRowView[];
  @Field(() => KpiRowView) total!: KpiRowView;
}
