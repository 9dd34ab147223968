export interface Summary {
  min: number;
  median: number;
  max: number;
}

/** min / median / max, rounded to 0.1. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { min: r(sorted[0]), median: r(median), max: r(sorted[sorted.length - 1]) };
}
