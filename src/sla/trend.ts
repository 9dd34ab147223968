import type { Better } from '../analytics/metric-catalog';
import { slaStatus, targetDirection, type SlaStatus, type SlaTarget } from './evaluation';

/**
 * Trends of one KPI over N consecutive periods, pure. Values come oldest first;
 * null means the period has no data. Periods keep their true index: a gap does
 * not pull later periods closer to earlier ones.
 */

export type Series = readonly (number | null | undefined)[];

const hasValue = (x: number | null | undefined): x is number => x != null && !Number.isNaN(x);

/**
 * Trailing moving average: result[i] is the mean of the non-null values among
 * periods i − window + 1 … i (those that exist), null when there are none.
 */
export function movingAverage(values: Series, window = 3): (number | null)[] {
  if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
  return values.map((_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) {
      const x = values[j];
      if (hasValue(x)) {
        sum += x;
        n++;
      }
    }
    return n ? sum / n : null;
  });
}

/**
 * Least-squares slope of value against period index (0 … N − 1, the true index,
 * skipping periods without data): change per period. null with fewer than two
 * values. Computed as n·Σ dxᵢ(yᵢ − y₀) / Σ dxᵢ² with integer dxᵢ = n·xᵢ − Σx and
 * y₀ the first value, so a constant series has slope exactly 0 and a linear one
 * its exact step, without floating-point noise from the means.
 */
export function slope(values: Series): number | null {
  const xs: number[] = [];
  const ys: number[] = [];
  values.forEach((y, x) => {
    if (hasValue(y)) {
      xs.push(x);
      ys.push(y);
    }
  });
  const n = xs.length;
  if (n < 2) return null;
  const sumX = xs.reduce((a, b) => a + b, 0);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    const dx = n * xs[i] - sumX;
    numerator += dx * (ys[i] - ys[0]);
    denominator += dx * dx;
  }
  return (n * numerator) / denominator;
}

/**
 * Whether a slope is good news: > 0 when higher is better, < 0 when lower is
 * better. A slope of exactly 0 is not improving (false); no slope → null.
 */
export function isImproving(slopeValue: number | null, better: Better): boolean | null {
  if (slopeValue === null) return null;
  return better === 'HIGHER' ? slopeValue > 0 : slopeValue < 0;
}

/**
 * How many consecutive periods, ending with the last one, were BREACHED; 0 when
 * the last is not (a NO_DATA period ends a streak too).
 */
export function breachStreak(statuses: readonly SlaStatus[]): number {
  let streak = 0;
  for (let i = statuses.length - 1; i >= 0 && statuses[i] === 'BREACHED'; i--) streak++;
  return streak;
}

export interface TrendSummary {
  movingAverage: (number | null)[];
  slope: number | null;
  improving: boolean | null;
  breachStreak: number;
}

/** The trend of a KPI series whose statuses were already evaluated. */
export function summarizeTrend(values: Series, statuses: readonly SlaStatus[], better: Better): TrendSummary {
  const s = slope(values);
  return { movingAverage: movingAverage(values), slope: s, improving: isImproving(s, better), breachStreak: breachStreak(statuses) };
}

export interface TargetTrend extends TrendSummary {
  values: (number | null)[];
  statuses: SlaStatus[];
}

/** The trend of one target: each period's status against it, then the trend summary. */
export function targetTrend(target: SlaTarget, values: Series, better: Better = targetDirection(target)): TargetTrend {
  const statuses = values.map((v) => slaStatus(v, target));
  return {
    values: values.map((v) => (hasValue(v) ? v : null)),
    statuses,
    ...summarizeTrend(values, statuses, better),
  };
}
