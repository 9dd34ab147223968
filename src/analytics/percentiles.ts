import type { Channel } from '../warehouse/channels';
import { HANDLE_SECONDS } from '../warehouse/facts';
import { HANDLE_GRAINS, WAIT_GRAINS, type DistributionGrain } from '../warehouse/contact-grains';
import { countedRanges, spanCondition, timestamps } from './kpi.compiler';
import { DIMENSION_COLUMN, type KpiRequest, type PercentileMeasure, type ReportGroup } from './kpi.request';
import { grainsKeeping, planRanges, type TimeSpan } from './source-plan';
import { scopeColumns, scopeWhere } from './scope.sql';
import { Sql, raw, sql } from './sql';

/**
 * Exact percentiles (DOMAIN.md "Percentiles"): for the contacts of each row that a
 * measure covers, the value at nearest rank ⌈p × n⌉. Not additive, so not a sum:
 * each measure's distribution per row is counted (its rollup grains keep every
 * whole second per bucket × dimension: whole days and quarter hours from them, the
 * rest of the range from raw contacts), the total's distribution is summed from the
 * rows', and each p is read off its running count in the same statement. p is bound as text and
 * multiplied as numeric, so ⌈0.7 × 10⌉ is 7 (in float8 it would be 8).
 */

export interface PercentileRow extends ReportGroup {
  /** One value per asked p, in order; null without contacts in the measure. */
  values: Array<number | null>;
}

/** Where a measure's distribution is kept and what it counts. */
export interface Distribution {
  /** The KpiRow field that asks for its percentiles. */
  field: string;
  /** Its rollup grains (alias `w`), coarsest first: rows per bucket × dimensions × value, each with a count of contacts. */
  grains: readonly DistributionGrain[];
  value: string;
  /** Which of the rollup's rows count. */
  rollupWhere: string;
  /** The same over raw contacts (alias `c`). */
  rawValue: string;
  rawWhere: string;
}

export const DISTRIBUTIONS: Readonly<Record<PercentileMeasure, Distribution>> = {
  // Answered inbound contacts, those behind ASA.
  wait: {
    field: 'waitTimePercentile',
    grains: WAIT_GRAINS,
    value: 'wait_seconds',
    rollupWhere: 'w.answered',
    rawValue: 'c.wait_seconds',
    rawWhere: `c.direction = 'INBOUND' and c.answered_at is not null`,
  },
  // Handled contacts (answered, either direction), those behind AHT: talk + hold + ACW.
  handle: {
    field: 'handleTimePercentile',
    grains: HANDLE_GRAINS,
    value: 'handle_seconds',
    rollupWhere: 'true',
    rawValue: HANDLE_SECONDS,
    rawWhere: 'c.answered_at is not null',
  },
};

export function compilePercentiles(request: KpiRequest, boundaries: readonly Date[], measure: Distribution, ps: readonly number[]): Sql {
  const dims = request.groupBy.map((d) => DIMENSION_COLUMN[d]);
  // Only grains keeping every dimension the query groups or filters by (days without agents for a report by queue).
  const grains = grainsKeeping(measure.grains, [...dims, ...scopeColumns(request.filter)]);
  const plan = planRanges(countedRanges(request), boundaries, grains);
  const bounds = timestamps(boundaries);
  const select = (table: string, alias: 'w' | 'c', time: string, value: string, count: string, spans: readonly TimeSpan[], where: string) =>
    sql`select width_bucket(${raw(time)}, ${bounds}) as p${raw(dims.map((d) => `, ${alias}.${d}`).join(''))}, ${raw(value)} as v, ${raw(count)} as n
      from ${raw(table)} ${raw(alias)}
      where ${raw(alias)}.organization_id = ${request.organizationId} and ${spanCondition(time, spans)} and ${raw(where)}${scopeWhere(request.filter, `${alias}.`)}`;
  const branches = plan.rollups.map(({ grain, spans }) => select(grain.table, 'w', 'w.bucket', `w.${measure.value}`, 'w.contacts', spans, measure.rollupWhere));
  const rawSpans = plan.raw.length || !branches.length ? plan.raw.length ? plan.raw : [{ from: request.from, to: request.from }] : [];
  if (rawSpans.length) branches.push(select('contact', 'c', 'c.offered_at', measure.rawValue, '1', rawSpans, measure.rawWhere));
  const keys = ['p', ...dims];
  const partition = ['t', ...keys].join(', ');
  const quantiles = ps.map((p, i) => sql`min(v) filter (where cum >= ceil(${String(p)}::numeric * total)) as ${raw(`q${i}`)}`);
  // One row per group and value (hashed: a month's 150,000 rollup rows fold into a few
  // thousand), then per value for the total, summed from those: grouping sets sorted
  // every rollup row instead, spilling to disk.
  return sql`with d as (${Sql.join(branches, ' union all ')}),
    r as (select ${raw(keys.join(', '))}, v, sum(n) as n from d group by ${raw(keys.join(', '))}, v),
    g as (select 0 as t, ${raw(keys.join(', '))}, v, n from r
          union all select 1, ${raw(keys.map(() => 'null').join(', '))}, v, sum(n) from r group by v),
    c as (select *, sum(n) over (partition by ${raw(partition)} order by v) as cum, sum(n) over (partition by ${raw(partition)}) as total from g)
    select t, ${raw(keys.join(', '))}, ${Sql.join(quantiles)} from c group by ${raw(partition)}`;
}

interface RawPercentileRow {
  t: number;
  p: number | null;
  channel?: Channel | null;
  queue_id?: number | null;
  team_id?: number | null;
  agent_id?: number | null;
  [q: string]: unknown;
}

export function decodePercentileRows(rows: readonly RawPercentileRow[], ps: readonly number[]): PercentileRow[] {
  return rows.map((r) => ({
    period: r.t ? null : r.p,
    channel: r.channel ?? null,
    queueId: r.queue_id ?? null,
    teamId: r.team_id ?? null,
    agentId: r.agent_id ?? null,
    isTotal: r.t === 1,
    values: ps.map((_, i) => (r[`q${i}`] == null ? null : Number(r[`q${i}`]))),
  }));
}

/** The key that matches a percentile row to its sum row. */
export const percentileKey = (r: Pick<PercentileRow, 'period' | 'channel' | 'queueId' | 'teamId' | 'agentId' | 'isTotal'>) =>
  r.isTotal ? 'total' : `${r.period}|${r.channel}|${r.queueId}|${r.teamId}|${r.agentId}`;
