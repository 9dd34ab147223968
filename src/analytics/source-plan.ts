import { NO_LOCAL_DAYS_ZONE, localDaysFromTo, type Grain } from '../warehouse/grain';

/**
 * Which source answers which part of a KPI query's range, exactly. Pure.
 *
 * The rollups come in grains (a day, an hour, 15 minutes, aligned on UTC; and the
 * days of the organization's reporting zone). A
 * rollup row can answer a query only if it lies wholly inside one period of the
 * query, or it would be counted in the wrong one. So each period (the range cut
 * at the period boundaries) is covered greedily: its whole days from a day
 * grain (local days when the query is cut in the reporting zone), the whole
 * hours left at its edges from the hour grain, the whole
 * quarter hours left from the 15-minute grain, and whatever is still left (a
 * range ending "now", or cut mid-bucket) from the raw contacts.
 */

export interface TimeSpan {
  from: Date;
  to: Date;
}

/** The whole days of `zone` inside [a, b) that are buckets, joined into runs of consecutive days. */
export function localDaysWithin(a: number, b: number, zone: string): Array<[number, number]> {
  return runsOfDaysWithin(localDaysFromTo(a, b - 1, zone), a, b);
}

/**
 * The whole buckets of `grain` inside [a, b), as runs of consecutive buckets.
 * `days` are the grain's local days over the whole plan, found once: asking the
 * calendar again for each of a week's 672 quarter hours made planning cost ~30 ms.
 */
function wholeBuckets(grain: Grain, a: number, b: number, days: ReadonlyArray<[number, number]>): Array<[number, number]> {
  if (grain.zone) return runsOfDaysWithin(days, a, b);
  const start = Math.ceil(a / grain.ms) * grain.ms;
  const end = Math.floor(b / grain.ms) * grain.ms;
  return start < end ? [[start, end]] : [];
}

/** The days (sorted bucket days) wholly inside [a, b), joined into runs of consecutive days. */
function runsOfDaysWithin(days: ReadonlyArray<[number, number]>, a: number, b: number): Array<[number, number]> {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]![0] < a) lo = mid + 1;
    else hi = mid;
  }
  const runs: Array<[number, number]> = [];
  for (let i = lo; i < days.length && days[i]![1] <= b; i++) {
    const last = runs[runs.length - 1];
    if (last?.[1] === days[i]![0]) last[1] = days[i]![1];
    else runs.push([...days[i]!]);
  }
  return runs;
}

export interface SourcePlan<G extends Grain> {
  /** Spans per grain, in the order the grains were given; only grains with spans. */
  rollups: Array<{ grain: G; spans: TimeSpan[] }>;
  /** Spans no grain can answer exactly: read from the raw contacts. */
  raw: TimeSpan[];
}

/**
 * Plans [from, to) over `grains` (coarsest first). `boundaries` are the query's
 * period boundaries; only those strictly inside the range matter.
 */
export function planSources<G extends Grain>(from: Date, to: Date, boundaries: readonly Date[], grains: readonly G[]): SourcePlan<G> {
  const lo = from.getTime();
  const hi = to.getTime();
  const cuts = [...new Set([lo, ...boundaries.map((b) => b.getTime()).filter((b) => b > lo && b < hi), hi])].sort((a, b) => a - b);
  const spans: Array<Array<[number, number]>> = grains.map(() => []);
  const days = grains.map((g) => (g.zone ? localDaysFromTo(lo, hi - 1, g.zone) : []));
  const raw: Array<[number, number]> = [];

  const cover = (a: number, b: number, level: number): void => {
    if (a >= b) return;
    if (level === grains.length) {
      raw.push([a, b]);
      return;
    }
    let at = a;
    for (const [start, end] of wholeBuckets(grains[level]!, a, b, days[level]!)) {
      spans[level]!.push([start, end]);
      cover(at, start, level + 1);
      at = end;
    }
    cover(at, b, level + 1);
  };
  for (let i = 0; i + 1 < cuts.length; i++) cover(cuts[i]!, cuts[i + 1]!, 0);

  return {
    rollups: grains.map((grain, i) => ({ grain, spans: merge(spans[i]!) })).filter((r) => r.spans.length > 0),
    raw: merge(raw),
  };
}

/** Plans several disjoint ranges (e.g. the service hours inside a period) as one plan. */
export function planRanges<G extends Grain>(ranges: readonly TimeSpan[], boundaries: readonly Date[], grains: readonly G[]): SourcePlan<G> {
  const plans = ranges.map((r) => planSources(r.from, r.to, boundaries, grains));
  return {
    rollups: grains
      .map((grain) => ({ grain, spans: unionOf(plans.flatMap((p) => p.rollups.filter((r) => r.grain === grain).flatMap((r) => r.spans))) }))
      .filter((r) => r.spans.length > 0),
    raw: unionOf(plans.flatMap((p) => p.raw)),
  };
}

/** Sorts spans and joins touching ones: rows never straddle a cut, whichever span they are read through. */
function merge(spans: ReadonlyArray<[number, number]>): TimeSpan[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && last[1] >= a) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged.map(([a, b]) => ({ from: new Date(a), to: new Date(b) }));
}

/** The union of spans, as few sorted spans as possible. */
export function unionOf(spans: readonly TimeSpan[]): TimeSpan[] {
  return merge(spans.map((s) => [s.from.getTime(), s.to.getTime()]));
}

/**
 * The grains a query cut in `queryZone` can read: the fixed ones, and the local-day
 * ones (`local`) as days of the organization's reporting zone when the query is cut
 * in that zone (and it is not UTC: then no local-day rows are kept).
 */
export function grainsFor<G extends Grain & { local?: boolean }>(grains: readonly G[], reportingZone: string | null, queryZone: string): G[] {
  const local = reportingZone !== null && reportingZone !== NO_LOCAL_DAYS_ZONE && reportingZone === queryZone;
  return grains.flatMap((g) => (!g.local ? [g] : local ? [{ ...g, zone: reportingZone }] : []));
}

/**
 * The grains that can answer a query needing `dimensions` (the columns it groups or
 * filters by): those keeping every one of them, and of several with the same buckets
 * only the first (list the smallest first). Keeps the grains' order.
 */
export function grainsKeeping<G extends Grain & { dimensions: readonly string[] }>(grains: readonly G[], dimensions: Iterable<string>): G[] {
  const needed = [...dimensions];
  const usable = grains.filter((g) => needed.every((d) => g.dimensions.includes(d)));
  return usable.filter((g, i) => usable.findIndex((h) => h.ms === g.ms && h.zone === g.zone) === i);
}
