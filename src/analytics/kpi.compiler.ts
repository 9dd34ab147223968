import { ACTIVITY_COLUMN_OF } from './activity-sums';
import { ACTIVITY_AGGREGATES, ACTIVITY_DIMENSIONS, ACTIVITY_GRAINS } from '../warehouse/activity-grains';
import { FRACTIONAL_SUMS, ROLLUP_COLUMN_OF, rawSum } from './contact-sums';
import { ROLLUP_GRAINS, WAIT_GRAINS, isPrecomputedS, isPrecomputedT, shortColumn, withinColumn } from '../warehouse/contact-grains';
import { DIMENSION_COLUMN, type DimensionColumn, type KpiRequest, type SumRow } from './kpi.request';
import type { Channel } from '../warehouse/channels';
import { scopeColumns, scopeWhere } from './scope.sql';
import { isActivitySum, isContactSum, type SumName, type Sums } from './metric-catalog';
import { grainsFor, grainsKeeping, planRanges, unionOf, type SourcePlan, type TimeSpan } from './source-plan';
import { Sql, raw, sql } from './sql';

/**
 * Compiles a KPI request into ONE parameterized statement per kind of fact: its
 * contact sums, and (when asked for) its agent activity sums. Each period of the
 * range is read from the coarsest rollup grain that answers it exactly (see
 * source-plan.ts): whole days, hours and quarter hours from the rollups, the
 * partial buckets at its edges (a range ending "now", or cut mid-bucket) from raw
 * facts. Each source is grouped by period and dimensions, and the union of
 * several is summed again. Periods come from `boundaries` (computed by the
 * calendar in the request's zone) through width_bucket, so SQL and JavaScript
 * agree on every DST day. The total is the sum of the rows (each fact is in
 * exactly one row), added up by the caller: a grouping set for it costs
 * PostgreSQL a second aggregation of every row.
 *
 * The answer is ONE text value, a JSON array of rows "[p, dim…, s0, s1, …]" (see
 * decodeSumRows): the pg driver spends about as much per field as per row, so a
 * 6,000-row report of 25 sums arrives in half the time, and JSON.parse reads it
 * faster than the driver converts each field. Beside it comes the organization's
 * reporting zone, read in the same snapshot as the rows: a plan that read local
 * days of another zone (it changed meanwhile) must be made again.
 */

export interface CompileOptions {
  /** Period boundaries: n periods → n + 1 instants. */
  boundaries: Date[];
  /** Read everything from raw contacts (the reference path). */
  rawOnly?: boolean;
  /** The organization's reporting zone as last known: a query cut in it reads its local days. */
  reportingZone?: string | null;
}

export interface CompiledQuery {
  sql: Sql;
  /** The sum behind each alias s0, s1, …, in order. */
  sums: SumName[];
  /** After the sums, one column per threshold: contacts answered within it (KpiRequest.withinThresholds). */
  within: readonly number[];
  /** The dimension columns each row carries after its period, in order. */
  dims: DimensionColumn[];
  /** The reporting zone whose local days the plan reads; null if it reads none. */
  localDaysOf: string | null;
}

/** The request's contact sums (those of the catalog's CONTACT_SUMS), by period and its grouping. */
export function compileKpiQuery(kpiRequest: KpiRequest, options: CompileOptions): CompiledQuery {
  const request = { ...kpiRequest, sums: kpiRequest.sums.filter(isContactSum) };
  const { from, to, sums } = request;
  const within = request.withinThresholds ?? [];
  const dims = request.groupBy.map((d) => DIMENSION_COLUMN[d]);
  const boundaries = timestamps(options.boundaries);
  const ranges = countedRanges(request);
  // Only grains keeping every dimension the query groups or filters by (e.g. days without agents when no agent is asked for).
  const grains = grainsKeeping(grainsFor(ROLLUP_GRAINS, options.reportingZone ?? null, request.timeZone), [...dims, ...scopeColumns(request.filter)]);
  const plan = options.rawOnly ? { rollups: [], raw: unionOf(ranges) } : planRanges(ranges, options.boundaries, grains);
  const branches: Sql[] = plan.rollups.map(({ grain, spans }) => rollupBranch(request, grain.table, spans, boundaries, dims));
  // The wait distribution's finest grain is the finest of all, so its grains answer every span any rollup does.
  const rolledUp = unionOf(plan.rollups.flatMap((r) => r.spans));
  if (rolledUp.length > 0 && needsWaitRollup(request)) {
    const waitGrains = grainsKeeping(WAIT_GRAINS, [...dims, ...scopeColumns(request.filter)]);
    const waits = planRanges(rolledUp, options.boundaries, waitGrains);
    if (waits.raw.length > 0) throw new Error('the wait distribution misses a span the rollups answer');
    for (const { grain, spans } of waits.rollups) branches.push(waitBranch(request, grain.table, spans, boundaries, dims));
  }
  // With nothing to read (no service hours in the range), one empty branch keeps the statement whole.
  if (plan.raw.length > 0 || branches.length === 0) branches.push(rawBranch(request, plan.raw.length ? plan.raw : [{ from, to: from }], boundaries, dims));
  // Contact sums are whole numbers (but the FRACTIONAL_SUMS): printed as int8 they are the same text, made faster than float8's.
  const casts = [...sums.map((s) => (FRACTIONAL_SUMS.has(s) ? '' : '::int8') as '' | '::int8'), ...within.map(() => '::int8' as const)];
  const sql = summed(request.organizationId, branches, dims, casts);
  return { sql, sums, within, dims, localDaysOf: localDaysOf(plan) };
}

const localDaysOf = (plan: SourcePlan<{ ms: number; zone?: string }>) => plan.rollups.find((r) => r.grain.zone)?.grain.zone ?? null;

/**
 * The request's agent activity sums (ACTIVITY_SUMS), by period and its grouping,
 * from the hour and day rollups and the 15-minute records (by interval start).
 * Activity has no channel or queue: the caller groups and filters it by team and
 * agent only.
 */
export function compileActivityQuery(request: KpiRequest, options: CompileOptions): CompiledQuery {
  const { from } = request;
  const sums = request.sums.filter(isActivitySum);
  const dims = request.groupBy.map((d) => DIMENSION_COLUMN[d]);
  const foreign = [...dims, ...scopeColumns(request.filter)].filter((d) => !(ACTIVITY_DIMENSIONS as readonly string[]).includes(d));
  if (foreign.length) throw new Error(`agent activity has no ${foreign.join(', ')}`);
  const boundaries = timestamps(options.boundaries);
  const ranges = countedRanges(request);
  const grains = grainsKeeping(grainsFor(ACTIVITY_GRAINS, options.reportingZone ?? null, request.timeZone), [...dims, ...scopeColumns(request.filter)]);
  const plan = options.rawOnly ? { rollups: [], raw: unionOf(ranges) } : planRanges(ranges, options.boundaries, grains);
  const branches = plan.rollups.map(({ grain, spans }) =>
    branch(grain.table, 'a', 'a.bucket', request, spans, boundaries, dims, sums.map((s) => raw(`sum(a.${ACTIVITY_COLUMN_OF[s]})`))),
  );
  if (plan.raw.length > 0 || branches.length === 0) {
    const spans = plan.raw.length ? plan.raw : [{ from, to: from }];
    const exprs = sums.map((s) => raw(ACTIVITY_AGGREGATES[ACTIVITY_COLUMN_OF[s]!]));
    branches.push(branch('agent_activity', 'a', 'a.interval_start', request, spans, boundaries, dims, exprs));
  }
  return { sql: summed(request.organizationId, branches, dims, sums.map(() => '')), sums, within: [], dims, localDaysOf: localDaysOf(plan) };
}

/** Only facts inside the windows count (an SLA's service hours), else the whole range. */
export function countedRanges(request: Pick<KpiRequest, 'from' | 'to' | 'windows'>): TimeSpan[] {
  const { from, to } = request;
  return request.windows ? clip(request.windows, from, to) : [{ from, to }];
}

/**
 * The branches' union summed again by period and dimensions (a single branch is summed already), as one JSON text; and
 * the reporting zone. `casts`: one per value column, how it is printed ('::int8' for whole numbers, '' as it is).
 */
function summed(organizationId: number, branches: Sql[], dims: string[], casts: ReadonlyArray<'::int8' | ''>): Sql {
  const groupKeys = ['p', ...dims];
  const aliases = casts.map((_, i) => `s${i}`);
  const union =
    branches.length === 1
      ? branches[0]!
      : sql`select ${raw([...groupKeys, ...aliases.map((a) => `sum(${a}) as ${a}`)].join(', '))}
          from (${Sql.join(branches, ' union all ')}) u
          group by ${raw(groupKeys.join(', '))}`;
  // Dimension values are ids and channel names (a JSON string, escaped by to_json); sums are numbers.
  const json = (k: string) => (k === 'channel' ? `coalesce(to_json(channel)::text, 'null')` : `coalesce(${k}::text, 'null')`);
  const fields = [...groupKeys.map(json), ...aliases.map((a, i) => `coalesce(${a}, 0)${casts[i]}`)];
  return sql`select coalesce('[' || string_agg('[' || concat_ws(',', ${raw(fields.join(', '))}) || ']', ',') || ']', '[]') as rows,
      (select o.reporting_time_zone from organization o where o.id = ${organizationId}) as reporting_zone
    from (${union}) src`;
}

export interface DecodedRows {
  rows: SumRow[];
  /** The sum of the rows, which partition the facts counted. */
  total: SumRow;
}

/**
 * The statement's answer ("[[p, dim…, s0, s1, …], …]") as SumRows, and their total.
 * Each row's sums carry `rowKeys` (the query's sums and any a merge will set later, at 0);
 * the columns after the sums are its answered-within counts (`within`), when the query has some.
 */
export function decodeSumRows(
  json: string,
  query: Pick<CompiledQuery, 'sums' | 'dims'> & { within?: readonly number[] },
  rowKeys: readonly SumName[] = query.sums,
): DecodedRows {
  const { sums, dims } = query;
  const thresholds = query.within?.length ?? 0;
  const withinTotals = new Array<number>(thresholds).fill(0);
  const firstWithin = 1 + dims.length + sums.length;
  const at = (column: DimensionColumn) => 1 + dims.indexOf(column);
  const [channel, queue, team, agent] = [at('channel'), at('queue_id'), at('team_id'), at('agent_id')];
  const first = 1 + dims.length;
  const totals = sums.map(() => 0);
  // Each row's sums start as a copy of one template with all their keys, the merged
  // ones included: every row then shares one fast-mode object shape. Adding keys to a
  // copy later (mergeActivity's) gives each object a shape of its own, or turns it
  // into a slow dictionary: merging and reading 6,000 such rows took several times longer.
  const template: Sums = Object.fromEntries([...sums, ...rowKeys].map((name) => [name, 0]));
  const rows = JSON.parse(json) as Array<Array<number | string | null>>;
  const decoded = rows.map((v): SumRow => {
    const values = Object.assign({}, template);
    for (let i = 0; i < sums.length; i++) {
      const x = v[first + i] as number;
      values[sums[i]!] = x;
      totals[i] += x;
    }
    const row: SumRow = {
      period: v[0] as number,
      channel: channel ? (v[channel] as Channel | null) : null,
      queueId: queue ? (v[queue] as number | null) : null,
      teamId: team ? (v[team] as number | null) : null,
      agentId: agent ? (v[agent] as number | null) : null,
      isTotal: false,
      sums: values,
    };
    if (thresholds > 0) {
      row.within = v.slice(firstWithin, firstWithin + thresholds) as number[];
      for (let i = 0; i < thresholds; i++) withinTotals[i] += row.within[i]!;
    }
    return row;
  });
  const total: SumRow = {
    period: null, channel: null, queueId: null, teamId: null, agentId: null, isTotal: true,
    sums: Object.fromEntries(sums.map((name, i) => [name, totals[i]!])) as Sums,
  };
  if (thresholds > 0) total.within = withinTotals;
  return { rows: decoded, total };
}

/** Which threshold sums the sums rollup answers itself (precomputed T and S). */
function precomputed(request: KpiRequest) {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  return { t: isPrecomputedT(T), s: S === 0 || isPrecomputedS(S) };
}

function needsWaitRollup(request: KpiRequest): boolean {
  const s = new Set(request.sums);
  const from = precomputed(request);
  const more = (request.withinThresholds ?? []).some((t) => !isPrecomputedT(t));
  return more || (s.has('answeredWithinThreshold') && !from.t) || (!from.s && (s.has('shortAbandoned') || s.has('abandoned')));
}

function branch(
  table: string,
  alias: string,
  time: string,
  request: KpiRequest,
  spans: readonly TimeSpan[],
  boundaries: Sql,
  dims: string[],
  sumExprs: Sql[],
  /** More group keys after the dimensions, selected as k0, k1, … */
  keys: Sql[] = [],
): Sql {
  const selected = Sql.join([
    sql`width_bucket(${raw(time)}, ${boundaries}) as p`,
    ...dims.map((d) => raw(`${alias}.${d}`)),
    ...keys.map((k, i) => sql`${k} as ${raw(`k${i}`)}`),
    ...sumExprs.map((e, i) => sql`${e} as ${raw(`s${i}`)}`),
  ]);
  return sql`select ${selected}
    from ${raw(table)} ${raw(alias)}
    where ${raw(alias)}.organization_id = ${request.organizationId}
      and ${spanCondition(time, spans)}
      ${scopeWhere(request.filter, `${alias}.`)}
    group by ${raw(['p', ...dims.map((d) => `${alias}.${d}`), ...keys.map((_, i) => `k${i}`)].join(', '))}`;
}

/**
 * `time` inside the (sorted, disjoint) spans: a range scan over their hull and, with
 * several spans (periods in a zone off the grain, or both edges of the range), each
 * row checked against the few spans.
 */
export function spanCondition(time: string, spans: readonly TimeSpan[]): Sql {
  const hull = sql`${raw(time)} >= ${spans[0]!.from.toISOString()}::timestamptz and ${raw(time)} < ${spans[spans.length - 1]!.to.toISOString()}::timestamptz`;
  if (spans.length === 1) return hull;
  return sql`${hull} and exists (select 1 from unnest(${timestamps(spans.map((s) => s.from))}, ${timestamps(spans.map((s) => s.to))}) k(lo, hi)
                    where ${raw(time)} >= k.lo and ${raw(time)} < k.hi)`;
}

export const timestamps = (dates: readonly Date[]) => sql`${`{${dates.map((d) => d.toISOString()).join(',')}}`}::timestamptz[]`;

function rollupBranch(request: KpiRequest, table: string, spans: readonly TimeSpan[], boundaries: Sql, dims: string[]): Sql {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  const from = precomputed(request);
  // Column names come from the whitelist of precomputed thresholds, never from input text.
  const short = S > 0 && from.s ? `r.${shortColumn(S)}` : null;
  // Summed as float8 (whole counts and seconds, exact far beyond any center's totals):
  // sum(bigint) would keep a numeric state per group and sum, several times slower.
  const sumOf = (expr: string) => raw(`sum((${expr})::float8)`);
  const none = raw('0::float8');
  const exprs = request.sums.map((name): Sql => {
    const column = ROLLUP_COLUMN_OF[name];
    // A fractional sum stays numeric: exact, and the same whichever rollups and raw spans a plan reads.
    if (column) return FRACTIONAL_SUMS.has(name) ? raw(`sum(r.${column})`) : sumOf(`r.${column}`);
    switch (name) {
      case 'answeredWithinThreshold':
        return from.t ? sumOf(`r.${withinColumn(T)}`) : none;
      case 'shortAbandoned':
        return short ? sumOf(short) : none;
      case 'abandoned':
        // Unanswered inbound, less the short abandons (here, or from the wait branch).
        return sumOf(short ? `r.offered - r.answered - ${short}` : 'r.offered - r.answered');
      default:
        return none;
    }
  });
  // Thresholds outside the precomputed ones come from the wait branch (0 here).
  const within = (request.withinThresholds ?? []).map((t) => (isPrecomputedT(t) ? sumOf(`r.${withinColumn(t)}`) : none));
  return branch(table, 'r', 'r.bucket', request, spans, boundaries, dims, [...exprs, ...within]);
}

/** A count of the wait distribution: its contacts answered (or not) with a wait below `below` seconds, times `sign`. */
interface WaitCount {
  answered: boolean;
  below: number;
  sign: 1 | -1;
}

/**
 * The threshold sums the sums rollup could not answer, from the exact wait
 * distribution. One count is a filtered sum over its rows. Several are read in
 * one pass that sorts each row into the band between the counts' bounds
 * (width_bucket) and sums the contacts per period, dimensions, answered and
 * band; each count then adds up the few bands below its bound. So ten thresholds
 * cost one aggregate per row, not ten (a month by day × queue of the 2 M bench, the
 * whole statement: ten thresholds 20-21 ms instead of 23-24 ms, one 14-15 ms).
 */
function waitBranch(request: KpiRequest, table: string, spans: readonly TimeSpan[], boundaries: Sql, dims: string[]): Sql {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  const from = precomputed(request);
  // Answered within t: a wait below t + 1 (whole seconds). Short abandons: unanswered with a wait below S.
  const within = (t: number): WaitCount => ({ answered: true, below: t + 1, sign: 1 });
  const short: WaitCount = { answered: false, below: S, sign: 1 };
  const counts = [
    ...request.sums.map((name): WaitCount | null => {
      if (name === 'answeredWithinThreshold' && !from.t) return within(T);
      if (name === 'shortAbandoned' && !from.s) return short;
      if (name === 'abandoned' && !from.s) return { ...short, sign: -1 };
      return null;
    }),
    ...(request.withinThresholds ?? []).map((t) => (isPrecomputedT(t) ? null : within(t))),
  ];
  // The other sums are 0 here, of their column's type in the union.
  const zero = (i: number) => raw(i < request.sums.length && FRACTIONAL_SUMS.has(request.sums[i]!) ? '0::numeric' : '0::float8');
  const bounds = [...new Set(counts.flatMap((c) => (c ? [c.below] : [])))].sort((a, b) => a - b);
  if (bounds.length <= 1) {
    const exprs = counts.map((c, i) =>
      c ? sql`${raw(c.sign < 0 ? '-' : '')}coalesce(sum(w.contacts) filter (where ${raw(c.answered ? '' : 'not ')}w.answered and w.wait_seconds < ${c.below}), 0)::float8` : zero(i),
    );
    return branch(table, 'w', 'w.bucket', request, spans, boundaries, dims, exprs);
  }
  // Band b holds the waits w with bounds[b - 1] <= w < bounds[b] (band 0: below the first bound).
  const bands = branch(table, 'w', 'w.bucket', request, spans, boundaries, dims, [raw('sum(w.contacts)')], [
    raw('w.answered'),
    sql`width_bucket(w.wait_seconds, ${`{${bounds.join(',')}}`}::int[])`,
  ]);
  const exprs = counts.map((c, i) => {
    if (!c) return zero(i);
    const band = bounds.indexOf(c.below) + 1; // below bounds[i] = in a band before i + 1
    return sql`${raw(c.sign < 0 ? '-' : '')}coalesce(sum(x.s0) filter (where ${raw(c.answered ? '' : 'not ')}x.k0 and x.k1 < ${band}), 0)::float8`;
  });
  const selected = Sql.join([raw('x.p'), ...dims.map((d) => raw(`x.${d}`)), ...exprs.map((e, i) => sql`${e} as ${raw(`s${i}`)}`)]);
  return sql`select ${selected} from (${bands}) x group by ${raw(['x.p', ...dims.map((d) => `x.${d}`)].join(', '))}`;
}

function rawBranch(request: KpiRequest, spans: readonly TimeSpan[], boundaries: Sql, dims: string[]): Sql {
  const exprs = request.sums.map((name) => (FRACTIONAL_SUMS.has(name) ? rawSum(name, request.thresholds) : sql`(${rawSum(name, request.thresholds)})::float8`));
  const within = (request.withinThresholds ?? []).map(
    (t) => sql`(${rawSum('answeredWithinThreshold', { ...request.thresholds, serviceLevelSeconds: t })})::float8`,
  );
  return branch('contact', 'c', 'c.offered_at', request, spans, boundaries, dims, [...exprs, ...within]);
}

const clip = (windows: readonly TimeSpan[], from: Date, to: Date): TimeSpan[] =>
  unionOf(
    windows
      .map((w) => ({ from: w.from > from ? w.from : from, to: w.to < to ? w.to : to }))
      .filter((w) => w.from < w.to),
  );
