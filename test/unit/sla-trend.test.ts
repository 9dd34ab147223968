import { describe, expect, it } from 'vitest';
import type { SlaStatus } from '../../src/sla/evaluation';
import { breachStreak, isImproving, movingAverage, slope, summarizeTrend, targetTrend } from '../../src/sla/trend';

describe(movingAverage.name, () => {
  it('averages the current and two previous periods, fewer at the start', () => {
    expect(movingAverage([1, 2, 3, 4, 5])).toEqual([1, 1.5, 2, 3, 4]);
  });

  it('averages only the non-null values of the window', () => {
    expect(movingAverage([3, null, 6, 9])).toEqual([3, 3, 4.5, 7.5]);
  });

  it('is null while the window holds no value: nulls at the start', () => {
    expect(movingAverage([null, null, 4, 8])).toEqual([null, null, 4, 6]);
  });

  it('is null when a gap in the middle is as wide as the window', () => {
    expect(movingAverage([2, null, null, null, 10])).toEqual([2, 2, 2, null, 10]);
  });

  it('handles an empty series, a single period and an all-null series', () => {
    expect(movingAverage([])).toEqual([]);
    expect(movingAverage([7])).toEqual([7]);
    expect(movingAverage([null, undefined, null])).toEqual([null, null, null]);
  });

  it('takes another window length, and refuses a non-positive one', () => {
    expect(movingAverage([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
    expect(() => movingAverage([1], 0)).toThrow(RangeError);
  });
});

describe(slope.name, () => {
  it('is the step of a linear series', () => {
    expect(slope([1, 2, 3])).toBe(1);
    expect(slope([10, 8, 6, 4])).toBe(-2);
    expect(slope([0.5, 0.6])).toBeCloseTo(0.1, 12);
  });

  it('is exactly 0 for a constant series, even of decimals', () => {
    expect(slope([0.1, 0.1, 0.1, 0.1, 0.1])).toBe(0);
    expect(slope([30, 30])).toBe(0);
  });

  it('uses the true period index across a gap', () => {
    expect(slope([1, null, 5])).toBe(2); // (0,1) and (2,5)
    expect(slope([null, 2, null, null, 8])).toBe(2); // (1,2) and (4,8)
    expect(slope([1, null, 4, 4])).toBeCloseTo(15 / 14, 12); // least squares over x = 0, 2, 3
  });

  it('is the least-squares fit of a noisy series', () => {
    // x = 0..3, y = 1, 3, 2, 5: Σ(x−1.5)(y−2.75) = 5.5, Σ(x−1.5)² = 5
    expect(slope([1, 3, 2, 5])).toBeCloseTo(1.1, 12);
  });

  it('is null with fewer than two values', () => {
    expect(slope([])).toBeNull();
    expect(slope([4])).toBeNull();
    expect(slope([null, 4, null])).toBeNull();
    expect(slope([null, null])).toBeNull();
  });
});

describe(isImproving.name, () => {
  it('reads the slope by direction', () => {
    expect(isImproving(0.5, 'HIGHER')).toBe(true);
    expect(isImproving(-0.5, 'HIGHER')).toBe(false);
    expect(isImproving(-0.5, 'LOWER')).toBe(true);
    expect(isImproving(0.5, 'LOWER')).toBe(false);
  });

  it('is false for a flat slope and null without a slope', () => {
    expect(isImproving(0, 'HIGHER')).toBe(false);
    expect(isImproving(0, 'LOWER')).toBe(false);
    expect(isImproving(null, 'HIGHER')).toBeNull();
    expect(isImproving(null, 'LOWER')).toBeNull();
  });
});

describe(breachStreak.name, () => {
  const s = (...statuses: SlaStatus[]) => statuses;

  it('counts consecutive breaches ending with the last period', () => {
    expect(breachStreak(s('BREACHED', 'MET', 'BREACHED', 'BREACHED'))).toBe(2);
    expect(breachStreak(s('BREACHED', 'BREACHED', 'BREACHED'))).toBe(3);
  });

  it('is 0 when the last period is not breached', () => {
    expect(breachStreak(s('BREACHED', 'BREACHED', 'MET'))).toBe(0);
    expect(breachStreak(s('BREACHED', 'AT_RISK'))).toBe(0);
    expect(breachStreak(s('BREACHED', 'NO_DATA'))).toBe(0);
    expect(breachStreak([])).toBe(0);
  });

  it('lets a NO_DATA period end a streak', () => {
    expect(breachStreak(s('BREACHED', 'NO_DATA', 'BREACHED'))).toBe(1);
  });
});

describe(summarizeTrend.name, () => {
  it('bundles moving average, slope, improving and breach streak', () => {
    expect(summarizeTrend([40, 35, 30], ['BREACHED', 'BREACHED', 'MET'], 'LOWER')).toEqual({
      movingAverage: [40, 37.5, 35],
      slope: -5,
      improving: true,
      breachStreak: 0,
    });
  });
});

describe(targetTrend.name, () => {
  it('evaluates each period against the target and reads the direction from the catalog', () => {
    const t = targetTrend({ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.85 }, [0.9, 0.84, null, 0.7, 0.6]);
    expect(t.values).toEqual([0.9, 0.84, null, 0.7, 0.6]);
    expect(t.statuses).toEqual(['MET', 'AT_RISK', 'NO_DATA', 'BREACHED', 'BREACHED']);
    expect(t.breachStreak).toBe(2);
    expect(t.slope).toBeLessThan(0);
    expect(t.improving).toBe(false);
    expect(t.movingAverage[2]).toBeCloseTo(0.87, 12);
    expect(t.movingAverage[4]).toBeCloseTo(0.65, 12);
  });

  it('reads a falling ASA as improving', () => {
    const t = targetTrend({ metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 30 }, [45, 38, 31, 24]);
    expect(t).toMatchObject({ slope: -7, improving: true, breachStreak: 0, statuses: ['BREACHED', 'BREACHED', 'BREACHED', 'MET'] });
  });

  it('has no slope nor improving with a single value', () => {
    const t = targetTrend({ metric: 'abandonRate', comparator: 'AT_MOST', target: 0.05 }, [null, null, 0.08]);
    expect(t).toMatchObject({ slope: null, improving: null, breachStreak: 1, movingAverage: [null, null, 0.08] });
  });
});
