import { Granularity, nextPeriodStart, periodStart } from '../platform/calendar';

/**
 * How rollup rows bucket time: a fixed length aligned on UTC, or the days of a
 * zone (the organization's reporting zone). Pure: the upkeep, the rebuild and the
 * read side's source plan all find a zone's day buckets here.
 */

export interface Grain {
  /** Length of one row's bucket, in milliseconds; buckets are aligned on the Unix epoch (UTC). With `zone`, 24 hours nominally. */
  ms: number;
  /** Buckets are the calendar days of this IANA zone (23 to 25 hours across DST): see localDaysFromTo. */
  zone?: string;
}

/** Organizations whose reporting zone is UTC keep no local-day rows: their UTC days are their days. */
export const NO_LOCAL_DAYS_ZONE = 'UTC';

/** Local-day buckets must start and end on a quarter hour, where the finest rollup rows end. */
const QUARTER_HOUR_MS = 15 * 60_000;

/** Every day of `zone` from the one holding `a` to the one holding `b` − 1, as [start, end). */
function* daysOf(a: number, b: number, zone: string): Generator<[number, number]> {
  for (let start = periodStart(new Date(a), Granularity.DAY, zone).getTime(); start < b; ) {
    const end = nextPeriodStart(new Date(start), Granularity.DAY, zone).getTime();
    yield [start, end];
    start = end;
  }
}

/**
 * A day is a rollup bucket only if it starts and ends on a quarter hour (not under
 * offsets like Monrovia's −0:44:30 before 1972): no rollup row could be cut at
 * its edges otherwise, so such days have no rows.
 */
const isBucket = ([start, end]: [number, number]) => start % QUARTER_HOUR_MS === 0 && end % QUARTER_HOUR_MS === 0;

/** The day of `zone` holding `instant`, as a rollup bucket [start, end); null if it is none. */
export function localDayHolding(instant: number, zone: string): [number, number] | null {
  const [day] = daysOf(instant, instant + 1, zone);
  return isBucket(day!) ? day! : null;
}

/** The days of `zone` holding any of the instants that are buckets, once each, in order. */
export function localDaysHolding(instants: readonly number[], zone: string): Array<[number, number]> {
  const days: Array<[number, number]> = [];
  let last: [number, number] | undefined;
  for (const t of [...instants].sort((x, y) => x - y)) {
    if (last && t < last[1]) continue;
    [last] = daysOf(t, t + 1, zone);
    if (isBucket(last!)) days.push(last!);
  }
  return days;
}

/** The days of `zone` that are buckets, from the one holding `first` to the one holding `last`. */
export function localDaysFromTo(first: number, last: number, zone: string): Array<[number, number]> {
  return [...daysOf(first, last + 1, zone)].filter(isBucket);
}
