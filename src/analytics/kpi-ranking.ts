import type { FieldProblem } from '../platform/errors';
import { METRICS } from './metric-catalog';

/**
 * Top-N over a report's rows, pure: `having` keeps the rows whose metric meets
 * every condition (null never does), `orderBy` sorts the rest by metrics (nulls
 * last, ties in the report's default order), `limit` keeps the first N. Run over
 * the rows' sums before any row is shaped, so a top 10 of 6,000 rows shapes 10.
 */

export const COMPARATORS = ['AT_LEAST', 'AT_MOST'] as const;
/** AT_LEAST: value ≥ bound (a floor, service level ≥ 0.8). AT_MOST: value ≤ bound (a ceiling, ASA ≤ 30 s). */
export type Comparator = (typeof COMPARATORS)[number];

export const SORT_DIRECTIONS = ['ASC', 'DESC'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export interface KpiOrder {
  metric: string;
  direction: SortDirection;
}

export interface KpiCondition {
  metric: string;
  comparator: Comparator;
  value: number;
}

export interface Ranking {
  orderBy: readonly KpiOrder[];
  having: readonly KpiCondition[];
  /** null: every row. */
  limit: number | null;
}

export const MAX_LIMIT = 10_000;

/** The KpiRow fields a ranking may name: every catalog metric (all numeric), read with its default arguments. */
const RANKABLE = new Set(METRICS.map((m) => m.name));

/** The problems of a ranking's metric names and limit, each naming its field (e.g. `orderBy[1].metric`). */
export function rankingProblems(ranking: Ranking): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (list: 'orderBy' | 'having', metrics: readonly { metric: string }[]) =>
    metrics.forEach(({ metric }, i) => {
      if (RANKABLE.has(metric)) return;
      problems.push({
        field: `${list}[${i}].metric`,
        rule: 'UNKNOWN_METRIC',
        message: `"${metric}" is not a numeric KpiRow field without required arguments`,
      });
    });
  check('orderBy', ranking.orderBy);
  check('having', ranking.having);
  ranking.having.forEach((c, i) => {
    if (!Number.isFinite(c.value)) problems.push({ field: `having[${i}].value`, rule: 'NOT_FINITE', message: 'must be a finite number' });
  });
  if (ranking.limit !== null && !(Number.isInteger(ranking.limit) && ranking.limit >= 1 && ranking.limit <= MAX_LIMIT)) {
    problems.push({ field: 'limit', rule: 'OUT_OF_RANGE', message: `must be a whole number from 1 to ${MAX_LIMIT}` });
  }
  return problems;
}

/** The metrics a ranking reads. */
export const rankingMetrics = (ranking: Ranking): string[] => [...new Set([...ranking.orderBy, ...ranking.having].map((x) => x.metric))];

export const isRanked = (ranking: Ranking | null | undefined): ranking is Ranking =>
  !!ranking && (ranking.orderBy.length > 0 || ranking.having.length > 0 || ranking.limit !== null);

const meets = (value: number | null | undefined, c: KpiCondition) =>
  value != null && (c.comparator === 'AT_LEAST' ? value >= c.value : value <= c.value);

/**
 * The rows kept, in their new order. `rows` come in the default order; `metricsOf`
 * gives a row's values of rankingMetrics(ranking). Array.prototype.sort is stable, so
 * rows equal on every orderBy metric keep the default order.
 */
export function rank<R>(rows: readonly R[], ranking: Ranking, metricsOf: (row: R) => Record<string, number | null>): R[] {
  const valued = rows.map((row) => ({ row, values: metricsOf(row) })).filter(({ values }) => ranking.having.every((c) => meets(values[c.metric], c)));
  if (ranking.orderBy.length > 0) {
    valued.sort((a, b) => {
      for (const { metric, direction } of ranking.orderBy) {
        const [x, y] = [a.values[metric] ?? null, b.values[metric] ?? null];
        if (x === y) continue;
        if (x === null) return 1; // nulls last, whichever the direction
        if (y === null) return -1;
        return direction === 'ASC' ? x - y : y - x;
      }
      return 0;
    });
  }
  const kept = ranking.limit === null ? valued : valued.slice(0, ranking.limit);
  return kept.map(({ row }) => row);
}
