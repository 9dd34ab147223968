/**
 * The tests' own Erlang C, straight from the textbook sum (fine for the N of tests),
 * independent of src/staffing/erlang-c.ts and its Erlang B recursion.
 */
export function erlangC(n: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * n) / (n - a); // a^n / n! × n / (n − a)
  return top / (sum + top);
}

/** The least N > A meeting the target and the occupancy cap, with its figures. */
export function expectedStaffing(offered: number, aht: number, seconds: number, target = 0.8, t = 20, shrinkage = 0.3, maxOccupancy = 1) {
  const a = (offered * aht) / seconds;
  for (let n = Math.floor(a) + 1; ; n++) {
    const c = erlangC(n, a);
    const sl = 1 - c * Math.exp((-(n - a) * t) / aht);
    if (sl >= target && a / n <= maxOccupancy) {
      return {
        trafficErlangs: a,
        requiredAgents: n,
        requiredStaff: Math.ceil(n / (1 - shrinkage) - 1e-9),
        expectedServiceLevel: sl,
        expectedAverageSpeedOfAnswer: (c * aht) / (n - a),
        expectedOccupancy: a / n,
      };
    }
  }
}
