import { BUCKET_MS, ROLLUP_COLUMN_OF, isPrecomputedS, isPrecomputedT, rawSum, shortColumn, withinColumn } from './contact-sums';
import { DIMENSION_COLUMN, type KpiRequest } from './kpi.request';
import { scopeWhere } from './scope.sql';
import type { SumName } from './metric-catalog';
import { Sql, raw, sql } from './sql';

/**
 * Compiles a KPI request into ONE parameterized statement. Whole 15-minute buckets
 * inside the range are read from the rollups; the partial buckets at its edges
 * (a range ending "now", or cut mid-bucket) from raw contacts; each source is
 * grouped by period and dimensions, and the union is summed again, with the
 * total as an extra grouping set. Periods come from `boundaries` (computed by the
 * calendar in the request's zone) through width_bucket, so SQL and JavaScript
 * agree on every DST day.
 */

export interface CompileOptions {
  /** Period boundaries: n periods → n + 1 instants. */
  boundaries: Date[];
  /** Read everything from raw contacts (the reference path). */
  rawOnly?: boolean;
}

export interface CompiledQuery {
  sql: Sql;
  /** Alias of each selected sum, in order. */
  sums: SumName[];
}

export function compileKpiQuery(request: KpiRequest, options: CompileOptions): CompiledQuery {
  const { from, to } = request;
  const sums = request.sums;
  const dims = request.groupBy.map((d) => DIMENSION_COLUMN[d]);
  const boundaries = sql`${`{${options.boundaries.map((b) => b.toISOString()).join(',')}}`}::timestamptz[]`;

  const middle = options.rawOnly ? null : rollupWindow(from, to, options.boundaries);
  const branches: Sql[] = [];
  if (middle) {
    branches.push(rollupBranch(request, middle, boundaries, dims));
    if (needsWaitRollup(request)) branches.push(waitBranch(request, middle, boundaries, dims));
    if (from < middle.from) branches.push(rawBranch(request, { from, to: middle.from }, boundaries, dims));
    if (middle.to < to) branches.push(rawBranch(request, { from: middle.to, to }, boundaries, dims));
  } else {
    branches.push(rawBranch(request, { from, to }, boundaries, dims));
  }

  const groupKeys = ['p', ...dims];
  const outerSums = sums.map((s, i) => `coalesce(sum(s${i}), 0) as s${i}`);
  const text = sql`select ${raw(groupKeys.join(', '))}, grouping(p) = 1 as is_total, ${raw(outerSums.join(', ') || '0 as none')}
    from (${Sql.join(branches, ' union all ')}) src
    group by grouping sets ((${raw(groupKeys.join(', '))}), ())`;
  return { sql: text, sums };
}

/** The whole 15-minute buckets inside [from, to), or null if the rollups cannot answer exactly. */
export function rollupWindow(from: Date, to: Date, boundaries: readonly Date[]): { from: Date; to: Date } | null {
  // Every period boundary inside the range must fall on a bucket edge, or a bucket would straddle two periods.
  if (boundaries.some((b) => b > from && b < to && b.getTime() % BUCKET_MS !== 0)) return null;
  const start = new Date(Math.ceil(from.getTime() / BUCKET_MS) * BUCKET_MS);
  const end = new Date(Math.floor(to.getTime() / BUCKET_MS) * BUCKET_MS);
  return start < end ? { from: start, to: end } : null;
}

/** Which threshold sums the sums rollup answers itself (precomputed T and S). */
function precomputed(request: KpiRequest) {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  return { t: isPrecomputedT(T), s: S === 0 || isPrecomputedS(S) };
}

function needsWaitRollup(request: KpiRequest): boolean {
  const s = new Set(request.sums);
  const from = precomputed(request);
  return (s.has('answeredWithinThreshold') && !from.t) || (!from.s && (s.has('shortAbandoned') || s.has('abandoned')));
}

function branch(
  table: string,
  alias: string,
  time: string,
  request: KpiRequest,
  window: { from: Date; to: Date },
  boundaries: Sql,
  dims: string[],
  sumExprs: Sql[],
): Sql {
  const selected = Sql.join([
    sql`width_bucket(${raw(time)}, ${boundaries}) as p`,
    ...dims.map((d) => raw(`${alias}.${d}`)),
    ...sumExprs.map((e, i) => sql`${e} as ${raw(`s${i}`)}`),
  ]);
  return sql`select ${selected}
    from ${raw(table)} ${raw(alias)}
    where ${raw(alias)}.organization_id = ${request.organizationId}
      and ${raw(time)} >= ${window.from.toISOString()}::timestamptz and ${raw(time)} < ${window.to.toISOString()}::timestamptz
      ${scopeWhere(request.filter, `${alias}.`)}
    group by ${raw(['p', ...dims.map((d) => `${alias}.${d}`)].join(', '))}`;
}

function rollupBranch(request: KpiRequest, window: { from: Date; to: Date }, boundaries: Sql, dims: string[]): Sql {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  const from = precomputed(request);
  // Column names come from the whitelist of precomputed thresholds, never from input text.
  const short = S > 0 && from.s ? `r.${shortColumn(S)}` : null;
  const exprs = request.sums.map((name): Sql => {
    const column = ROLLUP_COLUMN_OF[name];
    if (column) return raw(`sum(r.${column})`);
    switch (name) {
      case 'answeredWithinThreshold':
        return raw(from.t ? `sum(r.${withinColumn(T)})` : '0');
      case 'shortAbandoned':
        return raw(short ? `sum(${short})` : '0');
      case 'abandoned':
        // Unanswered inbound, less the short abandons (here, or from the wait branch).
        return raw(short ? `sum(r.offered - r.answered - ${short})` : 'sum(r.offered - r.answered)');
      default:
        return raw('0');
    }
  });
  return branch('contact_rollup', 'r', 'r.bucket', request, window, boundaries, dims, exprs);
}

/** The threshold sums the sums rollup could not answer, from the exact wait distribution. */
function waitBranch(request: KpiRequest, window: { from: Date; to: Date }, boundaries: Sql, dims: string[]): Sql {
  const { serviceLevelSeconds: T, shortAbandonSeconds: S } = request.thresholds;
  const from = precomputed(request);
  const short = sql`coalesce(sum(w.contacts) filter (where not w.answered and w.wait_seconds < ${S}), 0)`;
  const exprs = request.sums.map((name): Sql => {
    if (name === 'answeredWithinThreshold' && !from.t) {
      return sql`coalesce(sum(w.contacts) filter (where w.answered and w.wait_seconds <= ${T}), 0)`;
    }
    if (name === 'shortAbandoned' && !from.s) return short;
    if (name === 'abandoned' && !from.s) return sql`-${short}`;
    return raw('0');
  });
  return branch('contact_wait_rollup', 'w', 'w.bucket', request, window, boundaries, dims, exprs);
}

function rawBranch(request: KpiRequest, window: { from: Date; to: Date }, boundaries: Sql, dims: string[]): Sql {
  const exprs = request.sums.map((name) => rawSum(name, request.thresholds));
  return branch('contact', 'c', 'c.offered_at', request, window, boundaries, dims, exprs);
}
