/**
 * Which source answers which part of a KPI query's range, exactly. Pure.
 *
 * The rollups come in grains (a day, an hour, 15 minutes, all aligned on UTC). A
 * rollup row can answer a query only if it lies wholly inside one period of the
 * query, or it would be counted in the wrong one. So each period (the range cut
 * at the period boundaries) is covered greedily: its whole days from the day
 * grain, the whole hours left at its edges from the hour grain, the whole
 * quarter hours left from the 15-minute grain, and whatever is still left (a
 * range ending "now", or cut mid-bucket) from the raw contacts.
 */

export interface TimeSpan {
  from: Date;
  to: Date;
}

export interface Grain {
  /** Length of one row's bucket, in milliseconds; buckets are aligned on the Unix epoch (UTC). */
  ms: number;
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
  const raw: Array<[number, number]> = [];

  const cover = (a: number, b: number, level: number): void => {
    if (a >= b) return;
    if (level === grains.length) {
      raw.push([a, b]);
      return;
    }
    const step = grains[level]!.ms;
    const start = Math.ceil(a / step) * step;
    const end = Math.floor(b / step) * step;
    if (start >= end) return cover(a, b, level + 1);
    spans[level]!.push([start, end]);
    cover(a, start, level + 1);
    cover(end, b, level + 1);
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
 * The grains that can answer a query needing `dimensions` (the columns it groups or
 * filters by): those keeping every one of them, and of several with the same bucket
 * length only the first (list the smallest first). Keeps the grains' order.
 */
export function grainsKeeping<G extends Grain & { dimensions: readonly string[] }>(grains: readonly G[], dimensions: Iterable<string>): G[] {
  const needed = [...dimensions];
  const usable = grains.filter((g) => needed.every((d) => g.dimensions.includes(d)));
  return usable.filter((g, i) => usable.findIndex((h) => h.ms === g.ms) === i);
}
