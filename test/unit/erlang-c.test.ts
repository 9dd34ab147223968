import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averageSpeedOfAnswer,
  erlangB,
  erlangC,
  requiredAgents,
  requiredStaff,
  serviceLevel,
} from '../../src/staffing/erlang-c';

/**
 * Independent references: the textbook sums of Poisson terms A^k / k!, taken in
 * log space (log-sum-exp) so they too stay finite at hundreds of Erlangs. They
 * share nothing with the module's recursion.
 */
function logPoissonTerms(agents: number, traffic: number): number[] {
  const terms: number[] = [];
  let logFactorial = 0;
  for (let k = 0; k <= agents; k++) {
    if (k > 0) logFactorial += Math.log(k);
    terms.push(k * Math.log(traffic) - logFactorial);
  }
  return terms;
}

function logSumExp(xs: number[]): number {
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((sum, x) => sum + Math.exp(x - max), 0));
}

/** B = (A^N/N!) / Σ_{k≤N} A^k/k! */
function referenceErlangB(agents: number, traffic: number): number {
  const terms = logPoissonTerms(agents, traffic);
  return Math.exp(terms[agents] - logSumExp(terms));
}

/** C = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)), for N > A. */
function referenceErlangC(agents: number, traffic: number): number {
  const terms = logPoissonTerms(agents, traffic);
  const top = terms[agents] + Math.log(agents / (agents - traffic));
  return Math.exp(top - logSumExp([...terms.slice(0, agents), top]));
}

// The published worked check: 100 contacts in 30 min at AHT 180 s → A = 100·180/1800 = 10 Erlangs.
const WORKED_TRAFFIC = (100 * 180) / (30 * 60);
const TRAFFIC_GRID = [0.1, 0.5, 1, 2.5, 5, 10, 17.3, 40, 99.9];

describe(erlangB.name, () => {
  it('gives the textbook values B(N=10, A=5) ≈ 0.01838 and B(N=5, A=2) = 4/109', () => {
    expect(erlangB(10, 5)).toBeCloseTo(0.018385, 6);
    // 2^5/5! / (1 + 2 + 2 + 4/3 + 2/3 + 4/15) = (4/15) / (109/15)
    expect(erlangB(5, 2)).toBeCloseTo(4 / 109, 12);
  });

  it('is 1 with no agents and 0 with agents but no traffic', () => {
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(0, 0)).toBe(1);
    expect(erlangB(4, 0)).toBe(0);
  });

  it('matches the factorial-sum formula over a grid of agents and traffic', () => {
    for (const traffic of TRAFFIC_GRID) {
      for (let agents = 1; agents <= 120; agents += 7) {
        expect(erlangB(agents, traffic)).toBeCloseTo(referenceErlangB(agents, traffic), 10);
      }
    }
  });

  it('falls as agents are added and rises with traffic', () => {
    for (const traffic of TRAFFIC_GRID) {
      for (let agents = 1; agents <= 60; agents++) {
        expect(erlangB(agents, traffic)).toBeLessThan(erlangB(agents - 1, traffic));
        expect(erlangB(agents, traffic * 1.1)).toBeGreaterThan(erlangB(agents, traffic));
      }
    }
  });

  it('rejects fractional or negative agents and negative or non-finite traffic', () => {
    expect(() => erlangB(2.5, 1)).toThrow(RangeError);
    expect(() => erlangB(-1, 1)).toThrow(/agents must be a whole number/);
    expect(() => erlangB(3, -1)).toThrow(/traffic must be a finite number ≥ 0/);
    expect(() => erlangB(3, Number.NaN)).toThrow(RangeError);
    expect(() => erlangB(3, Infinity)).toThrow(RangeError);
  });
});

describe(erlangC.name, () => {
  it('gives C(N=2, A=1) = 1/3 and, for one agent, C = A (M/M/1: P(wait) = ρ)', () => {
    // (1²/2! · 2/1) / (1 + 1 + 1) = 1/3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    for (const rho of [0.05, 0.3, 0.5, 0.9, 0.999]) expect(erlangC(1, rho)).toBeCloseTo(rho, 12);
  });

  it('is 0.1741 for the worked example at 14 agents', () => {
    expect(erlangC(14, WORKED_TRAFFIC)).toBeCloseTo(0.17413, 5);
  });

  it('matches the textbook formula and is at least Erlang B, within [0, 1], over a grid', () => {
    for (const traffic of TRAFFIC_GRID) {
      for (let agents = Math.floor(traffic) + 1; agents <= traffic + 40; agents += 3) {
        const c = erlangC(agents, traffic);
        expect(c).toBeCloseTo(referenceErlangC(agents, traffic), 10);
        expect(c).toBeGreaterThanOrEqual(erlangB(agents, traffic));
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is 1 when agents do not exceed traffic: the queue never empties', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(9, 10)).toBe(1);
    expect(erlangC(3, 3.5)).toBe(1);
    expect(erlangC(0, 0)).toBe(1);
  });

  it('is 0 with agents and no traffic', () => {
    expect(erlangC(3, 0)).toBe(0);
  });

  it('stays finite and correct at 800 Erlangs and 830 agents, where A^N/N! overflows', () => {
    expect(800 ** 830).toBe(Infinity); // the naive formula's numerator
    const b = erlangB(830, 800);
    const c = erlangC(830, 800);
    for (const p of [b, c]) {
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    expect(c).toBeGreaterThan(b);
    expect(b).toBeCloseTo(referenceErlangB(830, 800), 10);
    expect(c).toBeCloseTo(referenceErlangC(830, 800), 10);
    expect(c).toBeCloseTo(0.20517, 5);
    for (let agents = 801; agents <= 900; agents++) {
      const p = erlangC(agents, 800);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });
});

describe(serviceLevel.name, () => {
  it('gives 0.888 for the worked example at 14 agents and misses 80 % at 13', () => {
    expect(serviceLevel(14, WORKED_TRAFFIC, 180, 20)).toBeCloseTo(0.888, 3);
    expect(serviceLevel(13, WORKED_TRAFFIC, 180, 20)).toBeCloseTo(0.7956, 4);
  });

  it('follows the M/M/1 closed form 1 − ρ·e^{−(1−ρ)·T/AHT} for one agent', () => {
    const rho = 0.6;
    expect(serviceLevel(1, rho, 300, 45)).toBeCloseTo(1 - rho * Math.exp((-(1 - rho) * 45) / 300), 12);
  });

  it('is 1 − C at a zero threshold', () => {
    expect(serviceLevel(14, 10, 180, 0)).toBeCloseTo(1 - erlangC(14, 10), 12);
  });

  it('is 0 when agents do not exceed traffic', () => {
    expect(serviceLevel(10, 10, 180, 20)).toBe(0);
    expect(serviceLevel(4, 10, 180, 20)).toBe(0);
  });

  it('rises with agents and with the threshold, staying within [0, 1], over a grid', () => {
    for (const traffic of TRAFFIC_GRID) {
      for (const threshold of [0, 10, 20, 60, 300]) {
        let previous = -1;
        for (let agents = Math.floor(traffic) + 1; agents <= traffic + 30; agents++) {
          const sl = serviceLevel(agents, traffic, 180, threshold);
          expect(sl).toBeGreaterThanOrEqual(0);
          expect(sl).toBeLessThanOrEqual(1);
          expect(sl).toBeGreaterThanOrEqual(previous);
          expect(serviceLevel(agents, traffic, 180, threshold + 5)).toBeGreaterThanOrEqual(sl);
          previous = sl;
        }
      }
    }
  });

  it('never falls as agents are added, for random traffic, AHT and thresholds (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 500, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 1, max: 3600, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (traffic, extra, aht, threshold) => {
          const agents = Math.floor(traffic) + extra;
          const here = serviceLevel(agents, traffic, aht, threshold);
          const next = serviceLevel(agents + 1, traffic, aht, threshold);
          return here >= 0 && next <= 1 && next >= here;
        },
      ),
    );
  });

  it('rejects a non-positive AHT and a negative threshold', () => {
    expect(() => serviceLevel(14, 10, 0, 20)).toThrow(/ahtSeconds must be a finite number > 0/);
    expect(() => serviceLevel(14, 10, 180, -1)).toThrow(/thresholdSeconds/);
  });
});

describe(averageSpeedOfAnswer.name, () => {
  it('gives 7.84 s for the worked example at 14 agents', () => {
    // C(14, 10)·180 / (14 − 10) = 0.174132 · 45 = 7.8359 s
    expect(averageSpeedOfAnswer(14, WORKED_TRAFFIC, 180)).toBeCloseTo(7.84, 2);
  });

  it('follows the M/M/1 closed form ρ/(1−ρ)·AHT for one agent', () => {
    expect(averageSpeedOfAnswer(1, 0.75, 200)).toBeCloseTo((0.75 / 0.25) * 200, 10);
  });

  it('is Infinity when agents do not exceed traffic', () => {
    expect(averageSpeedOfAnswer(10, 10, 180)).toBe(Infinity);
    expect(averageSpeedOfAnswer(3, 10, 180)).toBe(Infinity);
  });

  it('falls as agents are added, over a grid', () => {
    for (const traffic of TRAFFIC_GRID) {
      for (let agents = Math.floor(traffic) + 1; agents <= traffic + 30; agents++) {
        expect(averageSpeedOfAnswer(agents + 1, traffic, 180)).toBeLessThanOrEqual(averageSpeedOfAnswer(agents, traffic, 180));
      }
    }
  });

  it('rejects a non-positive AHT', () => {
    expect(() => averageSpeedOfAnswer(14, 10, 0)).toThrow(RangeError);
  });
});

describe(requiredAgents.name, () => {
  const worked = { trafficErlangs: WORKED_TRAFFIC, ahtSeconds: 180, thresholdSeconds: 20 };

  it('finds 14 agents for the worked example at 80/20, with SL 0.888, ASA 7.84 s, occupancy 0.714', () => {
    expect(WORKED_TRAFFIC).toBe(10);
    const result = requiredAgents({ ...worked, targetServiceLevel: 0.8 });
    expect(result.agents).toBe(14);
    expect(result.serviceLevel).toBeCloseTo(0.888, 3);
    expect(result.averageSpeedOfAnswer).toBeCloseTo(7.84, 2);
    expect(result.occupancy).toBeCloseTo(0.714, 3);
  });

  it('finds 15 agents for the same traffic at 90/20', () => {
    const result = requiredAgents({ ...worked, targetServiceLevel: 0.9 });
    expect(result.agents).toBe(15);
    expect(result.serviceLevel).toBeCloseTo(0.9415, 4);
  });

  it('finds 13 agents for 200 contacts an hour at AHT 180 s (A = 10) at 80/60', () => {
    const trafficErlangs = (200 * 180) / 3600;
    expect(trafficErlangs).toBe(10);
    const result = requiredAgents({ trafficErlangs, ahtSeconds: 180, thresholdSeconds: 60, targetServiceLevel: 0.8 });
    expect(result.agents).toBe(13);
    expect(result.serviceLevel).toBeCloseTo(0.895, 3);
  });

  it('raises agents to respect maxOccupancy: A = 10 at most 70 % busy needs 15, not 14', () => {
    const result = requiredAgents({ ...worked, targetServiceLevel: 0.8, maxOccupancy: 0.7 });
    expect(result.agents).toBe(15);
    expect(result.occupancy).toBeLessThanOrEqual(0.7);
  });

  it('accepts an occupancy exactly at the cap despite float noise (7 / 0.7 = 10.000000000000002)', () => {
    const lenient = { trafficErlangs: 7, ahtSeconds: 180, thresholdSeconds: 20, targetServiceLevel: 0.5 };
    expect(requiredAgents(lenient).agents).toBe(9);
    const capped = requiredAgents({ ...lenient, maxOccupancy: 0.7 });
    expect(capped.agents).toBe(10);
    expect(capped.occupancy).toBe(0.7);
  });

  it('treats the default maxOccupancy as no cap', () => {
    expect(requiredAgents({ ...worked, targetServiceLevel: 0.8, maxOccupancy: 1 })).toEqual(
      requiredAgents({ ...worked, targetServiceLevel: 0.8 }),
    );
  });

  it('always needs more agents than traffic, even for a tiny target or fractional traffic', () => {
    expect(requiredAgents({ ...worked, targetServiceLevel: 0.01 }).agents).toBe(11);
    expect(requiredAgents({ ...worked, trafficErlangs: 0.5, targetServiceLevel: 0.01 }).agents).toBe(1);
    // One agent at ρ = 0.5: SL = 1 − 0.5·e^{−0.5·20/180} = 0.527 < 0.8, so two.
    expect(requiredAgents({ ...worked, trafficErlangs: 0.5, targetServiceLevel: 0.8 }).agents).toBe(2);
  });

  it('returns the least agent count meeting the target and the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        fc.double({ min: 10, max: 1200, noNaN: true }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (trafficErlangs, ahtSeconds, thresholdSeconds, targetServiceLevel, maxOccupancy) => {
          const { agents, serviceLevel: sl, averageSpeedOfAnswer: asa, occupancy } = requiredAgents({
            trafficErlangs,
            ahtSeconds,
            thresholdSeconds,
            targetServiceLevel,
            maxOccupancy,
          });
          expect(agents).toBeGreaterThan(trafficErlangs);
          expect(sl).toBeCloseTo(serviceLevel(agents, trafficErlangs, ahtSeconds, thresholdSeconds), 12);
          expect(asa).toBeCloseTo(averageSpeedOfAnswer(agents, trafficErlangs, ahtSeconds), 9);
          expect(occupancy).toBe(trafficErlangs / agents);
          expect(sl!).toBeGreaterThanOrEqual(targetServiceLevel - 1e-9);
          expect(occupancy!).toBeLessThanOrEqual(maxOccupancy + 1e-9);
          const fewer = agents - 1;
          const fewerFails =
            fewer <= trafficErlangs ||
            trafficErlangs / fewer > maxOccupancy + 1e-9 ||
            serviceLevel(fewer, trafficErlangs, ahtSeconds, thresholdSeconds) < targetServiceLevel - 1e-9;
          expect(fewerFails).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('needs more agents for a higher target, a shorter threshold or more traffic (grid)', () => {
    for (const trafficErlangs of TRAFFIC_GRID) {
      const base = { trafficErlangs, ahtSeconds: 240, thresholdSeconds: 30, targetServiceLevel: 0.8 };
      const n = requiredAgents(base).agents;
      expect(requiredAgents({ ...base, targetServiceLevel: 0.95 }).agents).toBeGreaterThanOrEqual(n);
      expect(requiredAgents({ ...base, thresholdSeconds: 5 }).agents).toBeGreaterThanOrEqual(n);
      expect(requiredAgents({ ...base, trafficErlangs: trafficErlangs * 2 }).agents).toBeGreaterThanOrEqual(n);
    }
  });

  it('handles 1000 Erlangs quickly with an answer just above the traffic', () => {
    const started = performance.now();
    const result = requiredAgents({ trafficErlangs: 1000, ahtSeconds: 180, thresholdSeconds: 20, targetServiceLevel: 0.8 });
    const elapsedMs = performance.now() - started;
    expect(result.agents).toBeGreaterThan(1000);
    expect(result.agents).toBeLessThan(1050);
    expect(result.agents).toBe(1011);
    expect(result.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(1010, 1000, 180, 20)).toBeLessThan(0.8);
    expect(Number.isFinite(result.averageSpeedOfAnswer)).toBe(true);
    expect(elapsedMs).toBeLessThan(1000); // takes well under 10 ms; a generous bound against a naive O(N²) or runaway search
  });

  it('needs no agents and reports nulls without traffic (no contacts, or AHT 0)', () => {
    const none = { agents: 0, serviceLevel: null, averageSpeedOfAnswer: null, occupancy: null };
    expect(requiredAgents({ trafficErlangs: 0, ahtSeconds: 180, thresholdSeconds: 20, targetServiceLevel: 0.8 })).toEqual(none);
    expect(requiredAgents({ trafficErlangs: 0, ahtSeconds: 0, thresholdSeconds: 20, targetServiceLevel: 0.8 })).toEqual(none);
  });

  it('rejects invalid input with a RangeError naming the field', () => {
    const valid = { ...worked, targetServiceLevel: 0.8 };
    expect(() => requiredAgents({ ...valid, targetServiceLevel: 1 })).toThrow(/targetServiceLevel.*unreachable/);
    for (const targetServiceLevel of [0, -0.1, 1.2, Number.NaN]) {
      expect(() => requiredAgents({ ...valid, targetServiceLevel })).toThrow(/targetServiceLevel must be > 0 and < 1/);
    }
    for (const maxOccupancy of [0, -0.5, 1.01, Number.NaN]) {
      expect(() => requiredAgents({ ...valid, maxOccupancy })).toThrow(/maxOccupancy must be > 0 and ≤ 1/);
    }
    expect(() => requiredAgents({ ...valid, trafficErlangs: -1 })).toThrow(/trafficErlangs/);
    expect(() => requiredAgents({ ...valid, trafficErlangs: Infinity })).toThrow(/trafficErlangs/);
    expect(() => requiredAgents({ ...valid, ahtSeconds: -180 })).toThrow(/ahtSeconds/);
    expect(() => requiredAgents({ ...valid, ahtSeconds: 0 })).toThrow(/ahtSeconds must be > 0 when trafficErlangs is positive/);
    expect(() => requiredAgents({ ...valid, thresholdSeconds: -20 })).toThrow(/thresholdSeconds/);
    expect(() => requiredAgents({ ...valid, thresholdSeconds: Number.NaN })).toThrow(RangeError);
  });
});

describe(requiredStaff.name, () => {
  it('turns the worked example’s 14 agents at 30 % shrinkage into 20 staff', () => {
    expect(requiredStaff(14, 0.3)).toBe(20);
  });

  it('does not round float noise up: 21 agents at 30 % is 30 staff, though 21 / 0.7 = 30.000000000000004', () => {
    expect(21 / (1 - 0.3)).toBeGreaterThan(30);
    expect(requiredStaff(21, 0.3)).toBe(30);
  });

  it('equals the exact ceiling for every whole-percent shrinkage and up to 200 agents', () => {
    for (let percent = 0; percent < 100; percent++) {
      const available = 100 - percent;
      for (let agents = 0; agents <= 200; agents++) {
        // ceil(agents·100 / available) in integers
        const exact = Math.floor((agents * 100 + available - 1) / available);
        expect(requiredStaff(agents, percent / 100)).toBe(exact);
      }
    }
  });

  it('still rounds a genuine fraction up and keeps agents without shrinkage', () => {
    expect(requiredStaff(15, 0.3)).toBe(22); // 21.43
    expect(requiredStaff(14, 0)).toBe(14);
    expect(requiredStaff(0, 0.3)).toBe(0);
  });

  it('rejects shrinkage outside [0, 1) and negative agents', () => {
    for (const shrinkage of [1, 1.5, -0.1, Number.NaN]) {
      expect(() => requiredStaff(14, shrinkage)).toThrow(/shrinkage must be ≥ 0 and < 1/);
    }
    expect(() => requiredStaff(-1, 0.3)).toThrow(/agents/);
  });
});
