import { requiredAgents, requiredStaff } from './erlang-c';

/**
 * The staffing figures of one interval from its volume, pure: traffic, Erlang C
 * requirement, staff after shrinkage, and the gap to who was logged in.
 */

export interface StaffingParameters {
  /** Share of contacts to answer within thresholdSeconds, in (0, 1). */
  targetServiceLevel: number;
  thresholdSeconds: number;
  /** Share of paid time not available for contacts, in [0, 1). */
  shrinkage: number;
  /** Agents are raised until occupancy ≤ this, in (0, 1]. */
  maxOccupancy: number;
}

/** What an interval offers: the actual volume, or a forecast. */
export interface IntervalVolume {
  offered: number;
  /** Seconds; null without handled contacts. */
  averageHandleTime: number | null;
}

export interface StaffingFigures extends IntervalVolume {
  trafficErlangs: number;
  requiredAgents: number;
  requiredStaff: number;
  expectedServiceLevel: number | null;
  expectedAverageSpeedOfAnswer: number | null;
  expectedOccupancy: number | null;
  staffedAgents: number | null;
  gap: number | null;
}

/**
 * Staffing of one interval of `intervalSeconds`. An interval with contacts offered
 * but none handled (all abandoned) has no AHT of its own: it takes `fallbackAht`
 * (the range's), so its traffic is not taken for zero.
 */
export function staffInterval(
  volume: IntervalVolume,
  intervalSeconds: number,
  parameters: StaffingParameters,
  staffedAgents: number | null,
  fallbackAht: number | null,
): StaffingFigures {
  const averageHandleTime = volume.averageHandleTime ?? (volume.offered > 0 ? fallbackAht : null);
  const trafficErlangs = averageHandleTime === null ? 0 : (volume.offered * averageHandleTime) / intervalSeconds;
  const need = requiredAgents({
    trafficErlangs,
    ahtSeconds: averageHandleTime ?? 0,
    thresholdSeconds: parameters.thresholdSeconds,
    targetServiceLevel: parameters.targetServiceLevel,
    maxOccupancy: parameters.maxOccupancy,
  });
  const staff = requiredStaff(need.agents, parameters.shrinkage);
  return {
    offered: volume.offered,
    averageHandleTime,
    trafficErlangs,
    requiredAgents: need.agents,
    requiredStaff: staff,
    expectedServiceLevel: need.serviceLevel,
    expectedAverageSpeedOfAnswer: need.averageSpeedOfAnswer,
    expectedOccupancy: need.occupancy,
    staffedAgents,
    gap: staffedAgents === null ? null : staffedAgents - staff,
  };
}

/** One past interval's volume, with the sums a pooled AHT needs. */
export interface PastVolume {
  offered: number;
  handled: number;
  /** Seconds; null without handled contacts. */
  averageHandleTime: number | null;
}

/**
 * A forecast from the same weekday and interval of previous weeks: the mean offered
 * over all `weeks` (a week without contacts counts as 0), and the AHT of all their
 * handled contacts together (total handle time / handled: not a mean of means).
 */
export function forecastVolume(past: ReadonlyArray<PastVolume | undefined>, weeks: number): IntervalVolume {
  const offered = past.reduce((n, p) => n + (p?.offered ?? 0), 0);
  return { offered: offered / weeks, averageHandleTime: pooledAverageHandleTime(past) };
}

/** The AHT of several intervals' handled contacts together: total handle time / handled; null without any. */
export function pooledAverageHandleTime(past: ReadonlyArray<PastVolume | undefined>): number | null {
  let handled = 0;
  let handleSeconds = 0;
  for (const p of past) {
    if (!p) continue;
    handled += p.handled;
    handleSeconds += (p.averageHandleTime ?? 0) * p.handled;
  }
  return handled === 0 ? null : handleSeconds / handled;
}
