/**
 * Erlang C staffing: how many agents a queue needs for a service-level target.
 * Pure and numerically stable: Erlang B comes from its recursion, never from
 * factorials or powers of the traffic, so 1000+ Erlangs and thousands of agents
 * stay finite. Traffic A is in Erlangs (arrival rate × AHT); agents N are whole.
 * With N ≤ A the queue grows without bound: every contact waits (C = 1), the
 * service level is 0 and the average speed of answer is Infinity.
 */

/** What an interval needs, and what it gets at exactly that many agents. */
export interface StaffingRequirement {
  /** Least agents meeting the service-level target and the occupancy cap; 0 without traffic. */
  agents: number;
  /** Share of contacts answered within the threshold at `agents`; null without traffic. */
  serviceLevel: number | null;
  /** Mean wait in seconds at `agents`, over all contacts (those not waiting count 0); null without traffic. */
  averageSpeedOfAnswer: number | null;
  /** Traffic / agents; null without traffic. */
  occupancy: number | null;
}

export interface StaffingInput {
  /** Offered traffic in Erlangs: contacts × AHT / interval seconds. */
  trafficErlangs: number;
  /** Average handle time in seconds; positive whenever there is traffic. */
  ahtSeconds: number;
  /** Answer within this many seconds to count as "in service level". */
  thresholdSeconds: number;
  /** Share of contacts to answer within the threshold, strictly between 0 and 1. */
  targetServiceLevel: number;
  /** Highest acceptable occupancy, in (0, 1]; default 1 = no cap. */
  maxOccupancy?: number;
}

/**
 * Slack for results that are whole numbers in exact arithmetic but land a hair
 * above or below in floating point (21 / 0.7 = 30.000000000000004), relative to
 * the value's size. Far below any difference that matters in staffing.
 */
const EPSILON = 1e-9;

/** ceil that ignores floating-point noise just above a whole number. */
function ceilTolerant(x: number): number {
  const result = Math.ceil(x - EPSILON * Math.max(1, Math.abs(x)));
  return result === 0 ? 0 : result; // ceil(0 − ε) is −0, which would leak out as "-0"
}

function assertNonNegativeFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number ≥ 0 (got ${value})`);
  }
}

function assertAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 0) {
    throw new RangeError(`agents must be a whole number ≥ 0 (got ${agents})`);
  }
}

function assertPositiveFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0 (got ${value})`);
  }
}

/** One step of the Erlang B recursion: B(n) from B(n − 1). Stays in [0, 1], so it cannot overflow. */
function nextErlangB(previous: number, n: number, traffic: number): number {
  const x = traffic * previous;
  return x / (n + x);
}

/** Erlang C from Erlang B at the same N (N > A), without recomputing B. */
function erlangCFromB(agents: number, traffic: number, b: number): number {
  return (agents * b) / (agents - traffic * (1 - b));
}

function serviceLevelFromC(c: number, agents: number, traffic: number, ahtSeconds: number, thresholdSeconds: number): number {
  return 1 - c * Math.exp((-(agents - traffic) * thresholdSeconds) / ahtSeconds);
}

/**
 * Erlang B: probability that a contact is blocked when `agents` servers carry
 * `traffic` Erlangs and there is no queue. B(0) = 1; B(n) = A·B(n−1) / (n + A·B(n−1)).
 */
export function erlangB(agents: number, traffic: number): number {
  assertAgents(agents);
  assertNonNegativeFinite('traffic', traffic);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = nextErlangB(b, n, traffic);
  return b;
}

/**
 * Erlang C: probability that a contact has to wait, C = N·B / (N − A·(1 − B)).
 * 1 when agents ≤ traffic: the queue never empties, so everyone waits.
 */
export function erlangC(agents: number, traffic: number): number {
  const b = erlangB(agents, traffic); // validates both
  if (agents <= traffic) return 1;
  return erlangCFromB(agents, traffic, b);
}

/**
 * Share of contacts answered within `thresholdSeconds`: 1 − C·e^{−(N−A)·T/AHT}.
 * 0 when agents ≤ traffic (the wait grows without bound).
 */
export function serviceLevel(agents: number, traffic: number, ahtSeconds: number, thresholdSeconds: number): number {
  assertPositiveFinite('ahtSeconds', ahtSeconds);
  assertNonNegativeFinite('thresholdSeconds', thresholdSeconds);
  const c = erlangC(agents, traffic);
  if (agents <= traffic) return 0;
  return serviceLevelFromC(c, agents, traffic, ahtSeconds, thresholdSeconds);
}

/**
 * Average speed of answer in seconds over all contacts: C·AHT / (N − A).
 * Infinity (not an error) when agents ≤ traffic, so a caller scanning agent
 * counts gets a value for every N; requiredAgents never returns such an N.
 */
export function averageSpeedOfAnswer(agents: number, traffic: number, ahtSeconds: number): number {
  assertPositiveFinite('ahtSeconds', ahtSeconds);
  const c = erlangC(agents, traffic);
  if (agents <= traffic) return Infinity;
  return (c * ahtSeconds) / (agents - traffic);
}

/**
 * The least whole N > A whose service level reaches the target and whose
 * occupancy A/N is at most `maxOccupancy`. Without traffic: 0 agents and nulls.
 * Throws a RangeError naming the field for invalid input; a target of 1 is
 * unreachable (the service level only tends to 1) and is rejected as such.
 */
export function requiredAgents(input: StaffingInput): StaffingRequirement {
  const { trafficErlangs: traffic, ahtSeconds, thresholdSeconds, targetServiceLevel, maxOccupancy = 1 } = input;
  assertNonNegativeFinite('trafficErlangs', traffic);
  assertNonNegativeFinite('ahtSeconds', ahtSeconds);
  assertNonNegativeFinite('thresholdSeconds', thresholdSeconds);
  if (!(targetServiceLevel > 0 && targetServiceLevel < 1)) {
    const why = targetServiceLevel === 1 ? ': a target of 1 is unreachable under Erlang C' : '';
    throw new RangeError(`targetServiceLevel must be > 0 and < 1 (got ${targetServiceLevel})${why}`);
  }
  if (!(maxOccupancy > 0 && maxOccupancy <= 1)) {
    throw new RangeError(`maxOccupancy must be > 0 and ≤ 1 (got ${maxOccupancy})`);
  }
  if (traffic === 0) return { agents: 0, serviceLevel: null, averageSpeedOfAnswer: null, occupancy: null };
  if (ahtSeconds === 0) {
    // Traffic is contacts × AHT: positive traffic with no handle time is a caller's bug.
    throw new RangeError(`ahtSeconds must be > 0 when trafficErlangs is positive (got trafficErlangs ${traffic})`);
  }

  // Occupancy only falls as N grows, so starting at its bound satisfies the cap for every N tried.
  const start = Math.max(Math.floor(traffic) + 1, ceilTolerant(traffic / maxOccupancy));
  let b = erlangB(start - 1, traffic);
  // Terminates: as N grows, C → 0 and the service level → 1 > target.
  for (let agents = start; ; agents++) {
    b = nextErlangB(b, agents, traffic);
    const c = erlangCFromB(agents, traffic, b);
    const sl = serviceLevelFromC(c, agents, traffic, ahtSeconds, thresholdSeconds);
    if (sl >= targetServiceLevel - EPSILON) {
      return {
        agents,
        serviceLevel: sl,
        averageSpeedOfAnswer: (c * ahtSeconds) / (agents - traffic),
        occupancy: traffic / agents,
      };
    }
  }
}

/**
 * Paid staff needed so that `agents` are available after shrinkage (breaks,
 * training, absence): ceil(agents / (1 − shrinkage)), ignoring float noise so
 * 21 agents at 30 % shrinkage is 30 staff, not 31.
 */
export function requiredStaff(agents: number, shrinkage: number): number {
  assertNonNegativeFinite('agents', agents);
  if (!(Number.isFinite(shrinkage) && shrinkage >= 0 && shrinkage < 1)) {
    throw new RangeError(`shrinkage must be ≥ 0 and < 1 (got ${shrinkage})`);
  }
  return ceilTolerant(agents / (1 - shrinkage));
}
