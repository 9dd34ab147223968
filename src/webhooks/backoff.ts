/** The first retry comes 5 s (± 25 %) after the first failure: within 10 s. */
export const FIRST_RETRY_MS = 5_000;
/** Waits double after each failure up to this. */
export const MAX_RETRY_MS = 3_600_000;
/** A delivery is retried for this long after its event (at least 24 hours), then given up. */
export const RETRY_FOR_MS = 25 * 3_600_000;

/**
 * The wait after the n-th failed attempt (1-based): 5 s × 2^(n−1), at most an
 * hour, times a jitter in [0.75, 1.25) so that receivers coming back are not
 * hit by every server at once. `random` in [0, 1).
 */
export function retryDelayMs(failedAttempts: number, random: number): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(base * (0.75 + random * 0.5));
}

/** The next attempt's time, or null when the delivery is given up (past RETRY_FOR_MS since its event). */
export function nextAttemptAt(createdAt: Date, now: Date, failedAttempts: number, random: number): Date | null {
  const at = now.getTime() + retryDelayMs(failedAttempts, random);
  return at - createdAt.getTime() > RETRY_FOR_MS ? null : new Date(at);
}
