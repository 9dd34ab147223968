import { describe, expect, it } from 'vitest';
import { METRICS, computeMetrics, metric, metricsComputer, sumsFor } from '../../../src/analytics/metric-catalog';

describe('metric catalog', () => {
  it('declares each metric once, with a description, and only known sums', () => {
    const names = METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRICS) {
      expect(m.description.length).toBeGreaterThan(10);
      expect(m.sums.length).toBeGreaterThan(0);
    }
  });

  describe(computeMetrics.name, () => {
    // 10 offered: 7 answered (5 within T, waits total 70 s), 2 abandoned, 1 short abandon.
    // 8 handled (one outbound): talk 1600, hold 80, ACW 320; 2 transferred.
    // FCR: 6 answered inbound with a customer ref, 4 without a repeat within 7 days.
    const sums = {
      offered: 10, answered: 7, abandoned: 2, shortAbandoned: 1, answeredWithinThreshold: 5, answeredWaitSeconds: 70,
      handled: 8, talkSeconds: 1600, holdSeconds: 80, afterContactWorkSeconds: 320, transferred: 2,
      fcrEligible: 6, fcrResolved: 4,
    };

    it('forms ratios from sums over the qualifying offered (answered + abandoned)', () => {
      const m = computeMetrics(sums);
      expect(m.answerRate).toBeCloseTo(7 / 9, 12);
      expect(m.abandonRate).toBeCloseTo(2 / 9, 12);
      expect(m.serviceLevel).toBeCloseTo(5 / 9, 12);
      expect(m.averageSpeedOfAnswer).toBe(10);
      expect(m.averageHandleTime).toBe(250);
      expect(m.averageTalkTime).toBe(200);
      expect(m.averageHoldTime).toBe(10);
      expect(m.averageAfterContactWork).toBe(40);
      expect(m.transferRate).toBe(0.25);
      expect(m.firstContactResolutionRate).toBeCloseTo(4 / 6, 12);
      expect(m.offered).toBe(10);
    });

    it('gives null, not 0 or NaN, for every ratio without a denominator, and 0 for counts and totals', () => {
      const m = computeMetrics({});
      for (const def of METRICS) expect(m[def.name], def.name).toBe(def.kind === 'count' || def.kind === 'seconds' ? 0 : null);
    });

    it('forms the activity KPIs from their sums: cost per hour, null cost without a costed second', () => {
      const m = computeMetrics({
        loggedInSeconds: 7200, availableSeconds: 1800, handlingSeconds: 5400, notReadySeconds: 0,
        costedSeconds: 3600, costSeconds: 3600 * 30, elapsedSeconds: 3600, handled: 20,
      });
      expect(m).toMatchObject({ occupancy: 0.75, utilization: 0.75, averageAgentsStaffed: 2, staffedCost: 30, costCoverage: 0.5, costPerContact: 1.5 });
      expect(computeMetrics({ loggedInSeconds: 900, handled: 3 })).toMatchObject({ staffedCost: null, costPerContact: null, costCoverage: 0, averageAgentsStaffed: null });
      // A cost of 0 is a known cost: staffedCost 0, not null.
      expect(computeMetrics({ loggedInSeconds: 900, costedSeconds: 900, costSeconds: 0, handled: 3 })).toMatchObject({ staffedCost: 0, costPerContact: 0 });
    });

    it('gives a service level of null when every contact was a short abandon', () => {
      expect(computeMetrics({ offered: 3, shortAbandoned: 3 }).serviceLevel).toBeNull();
    });
  });

  describe(metricsComputer.name, () => {
    const sums = { offered: 10, answered: 7, abandoned: 2, answeredWithinThreshold: 5, handled: 8, talkSeconds: 1600 };

    it('gives exactly the named metrics, in the order asked, ignoring names outside the catalog', () => {
      const m = metricsComputer(['serviceLevel', 'nope', 'offered', 'averageTalkTime', 'offered'])(sums);
      expect(Object.keys(m)).toEqual(['serviceLevel', 'offered', 'averageTalkTime']);
      expect(m).toEqual({ serviceLevel: 5 / 9, offered: 10, averageTalkTime: 200 });
    });

    it('gives every metric the value computeMetrics gives, for rows of any shape', () => {
      const compute = metricsComputer(METRICS.map((m) => m.name));
      for (const row of [sums, {}, { ...sums, elapsedSeconds: 900, loggedInSeconds: 1800 }, { handled: 0, offered: 3 }]) {
        const all = computeMetrics(row);
        expect(compute(row)).toEqual(all);
        for (const def of METRICS) expect(all[def.name], def.name).toBe(def.compute(row));
      }
    });

    it('stays right past its cache of generated builders', () => {
      const names = METRICS.map((m) => m.name);
      // More distinct sets than the cache holds (pairs of metrics, in both orders).
      for (const a of names) for (const b of names) {
        if (a === b) continue;
        const m = metricsComputer([a, b])(sums);
        expect(Object.keys(m)).toEqual([a, b]);
        expect(m[a]).toBe(metric(a)!.compute(sums));
      }
    });
  });

  describe(sumsFor.name, () => {
    it('selects only the sums the requested metrics need', () => {
      expect(sumsFor(['averageSpeedOfAnswer']).sort()).toEqual(['answered', 'answeredWaitSeconds']);
      expect(sumsFor(['serviceLevel', 'answerRate']).sort()).toEqual(['abandoned', 'answered', 'answeredWithinThreshold']);
      expect(sumsFor(['nope'])).toEqual([]);
    });
  });

  it('knows each metric direction', () => {
    expect(metric('serviceLevel')?.better).toBe('HIGHER');
    expect(metric('abandonRate')?.better).toBe('LOWER');
    expect(metric('offered')?.better).toBeNull();
  });
});
