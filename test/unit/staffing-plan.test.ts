import { describe, expect, it } from 'vitest';
import { forecastVolume, staffInterval } from '../../src/staffing/staffing-plan';

const params = { targetServiceLevel: 0.8, thresholdSeconds: 20, shrinkage: 0.3, maxOccupancy: 1 };

describe(staffInterval.name, () => {
  it('staffs the worked example: 100 contacts in 30 minutes at AHT 180 s → 10 Erlangs, 14 agents, 20 staff', () => {
    const s = staffInterval({ offered: 100, averageHandleTime: 180 }, 1800, params, 17.5, null);
    expect(s).toMatchObject({ offered: 100, averageHandleTime: 180, trafficErlangs: 10, requiredAgents: 14, requiredStaff: 20, staffedAgents: 17.5, gap: -2.5 });
    expect(s.expectedServiceLevel).toBeCloseTo(0.888, 3);
    expect(s.expectedAverageSpeedOfAnswer).toBeCloseTo(7.84, 2);
    expect(s.expectedOccupancy).toBeCloseTo(0.714, 3);
  });

  it('needs nobody without contacts, and keeps a null gap when staffed agents are unknown', () => {
    expect(staffInterval({ offered: 0, averageHandleTime: null }, 1800, params, null, 200)).toEqual({
      offered: 0, averageHandleTime: null, trafficErlangs: 0, requiredAgents: 0, requiredStaff: 0,
      expectedServiceLevel: null, expectedAverageSpeedOfAnswer: null, expectedOccupancy: null, staffedAgents: null, gap: null,
    });
  });

  it("takes the fallback AHT for an interval whose contacts were all abandoned, so its traffic is not taken for zero", () => {
    const s = staffInterval({ offered: 10, averageHandleTime: null }, 900, params, 0, 180);
    expect(s).toMatchObject({ averageHandleTime: 180, trafficErlangs: 2 });
    expect(s.requiredAgents).toBeGreaterThan(2);
  });
});

describe(forecastVolume.name, () => {
  it('averages offered over every week (a missing week counts 0) and pools the AHT over all handled contacts', () => {
    const f = forecastVolume(
      [{ offered: 100, handled: 90, averageHandleTime: 180 }, undefined, { offered: 20, handled: 10, averageHandleTime: 380 }],
      3,
    );
    expect(f.offered).toBe(40);
    expect(f.averageHandleTime).toBeCloseTo((90 * 180 + 10 * 380) / 100, 12); // 200, not the mean of means 280
  });

  it('has no AHT without handled contacts', () => {
    expect(forecastVolume([undefined, { offered: 3, handled: 0, averageHandleTime: null }], 2)).toEqual({ offered: 1.5, averageHandleTime: null });
  });
});
