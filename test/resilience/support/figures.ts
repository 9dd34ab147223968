/** Pure summaries of what the resilience suite measures (unit-tested in test/unit/resilience/). */

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentile (p in 0..100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarize(values: readonly number[]): LatencySummary {
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : NaN };
}

/** min / median / max of repeated measurements, as bench/README.md quotes them. */
export function minMedianMax(values: readonly number[]): { min: number; median: number; max: number } {
  if (values.length === 0) return { min: NaN, median: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** One attack's figures: the refusal seen, and how the server fared meanwhile. */
export interface AttackFigures {
  attack: string;
  /** What the attacker got, e.g. "400 QUERY_TOO_COMPLEX (aliases 1000 > 200)". */
  outcome: string;
  /** Time to the answer or refusal, ms (min/median/max when repeated). */
  responseMs: number[];
  healthz: LatencySummary;
  /** /healthz probes that failed or did not answer 200. */
  healthzFailures: number;
  maxRssMb: number;
}

const ms = (value: number) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : Math.round(value).toString()) : '–');

/** A markdown table of the run, as pasted into bench/README.md. */
export function figuresTable(rows: readonly AttackFigures[]): string {
  const lines = [
    '| attack | outcome | response ms (min / median / max) | /healthz p50 / p99 / max ms (probes) | max RSS MB |',
    '|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const r = minMedianMax(row.responseMs);
    const response = row.responseMs.length > 1 ? `${ms(r.min)} / ${ms(r.median)} / ${ms(r.max)}` : ms(r.median);
    const failures = row.healthzFailures ? `, ${row.healthzFailures} failed` : '';
    lines.push(
      `| ${row.attack} | ${row.outcome} | ${response} | ${ms(row.healthz.p50)} / ${ms(row.healthz.p99)} / ${ms(row.healthz.max)} (${row.healthz.count}${failures}) | ${Number.isFinite(row.maxRssMb) ? Math.round(row.maxRssMb) : '–'} |`,
    );
  }
  return lines.join('\n');
}
