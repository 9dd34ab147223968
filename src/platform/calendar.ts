import { DateTime, IANAZone } from 'luxon';

/**
 * Calendar periods cut in an explicit IANA time zone: the one place that knows
 * where a day, ISO week, month, quarter or year starts. Pure; SQL receives the
 * boundaries computed here, so JavaScript and PostgreSQL can never disagree.
 * DST days have 23 or 25 hours; a repeated local hour is two distinct hours.
 */

export enum Granularity {
  FIFTEEN_MINUTES = 'FIFTEEN_MINUTES',
  THIRTY_MINUTES = 'THIRTY_MINUTES',
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  YEAR = 'YEAR',
}

/** Coarser granularities, finest first: used to suggest one that fits a row limit. */
export const GRANULARITIES_FINEST_FIRST: readonly Granularity[] = [
  Granularity.FIFTEEN_MINUTES,
  Granularity.THIRTY_MINUTES,
  Granularity.HOUR,
  Granularity.DAY,
  Granularity.WEEK,
  Granularity.MONTH,
  Granularity.QUARTER,
  Granularity.YEAR,
];

/** Periods of whole minutes on the local clock (:00, :15, … of local time). */
const MINUTES = {
  [Granularity.FIFTEEN_MINUTES]: 15,
  [Granularity.THIRTY_MINUTES]: 30,
  [Granularity.HOUR]: 60,
} as const;

const CALENDAR_UNIT = {
  [Granularity.DAY]: 'day',
  [Granularity.WEEK]: 'week', // luxon weeks are ISO weeks: Monday start
  [Granularity.MONTH]: 'month',
  [Granularity.QUARTER]: 'quarter',
  [Granularity.YEAR]: 'year',
} as const;

export function isValidTimeZone(zone: string): boolean {
  let valid = checkedZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (checkedZones.size < 1_000) checkedZones.set(zone, valid);
  }
  return valid;
}

/**
 * Zone names already checked: luxon checks by building an Intl.DateTimeFormat, 3 % of
 * a server's CPU under eight dashboards (every KPI request checks its zone). Bounded,
 * so a client sending a thousand made-up names fills it and no more.
 */
const checkedZones = new Map<string, boolean>();

/** The start of the period of `granularity` that contains `instant`, in `zone`. */
export function periodStart(instant: Date, granularity: Granularity, zone: string): Date {
  const ms = instant.getTime();
  switch (granularity) {
    case Granularity.FIFTEEN_MINUTES:
    case Granularity.THIRTY_MINUTES:
    case Granularity.HOUR: {
      // Work from the instant's own offset so a repeated (DST) hour stays two hours.
      const local = DateTime.fromMillis(ms, { zone });
      const minutesIntoPeriod = local.minute % MINUTES[granularity];
      return new Date(ms - minutesIntoPeriod * 60_000 - local.second * 1000 - local.millisecond);
    }
    default:
      return DateTime.fromMillis(ms, { zone }).startOf(CALENDAR_UNIT[granularity]).toJSDate();
  }
}

/** The start of the period after the one starting at `start`. */
export function nextPeriodStart(start: Date, granularity: Granularity, zone: string): Date {
  switch (granularity) {
    case Granularity.FIFTEEN_MINUTES:
      return new Date(start.getTime() + 15 * 60_000);
    case Granularity.THIRTY_MINUTES:
    case Granularity.HOUR: {
      // 30 or 60 minutes unless the offset changes inside the period (a 30- or 15-minute shift).
      const next = new Date(start.getTime() + MINUTES[granularity] * 60_000);
      return periodStart(next, granularity, zone).getTime() > start.getTime() ? periodStart(next, granularity, zone) : next;
    }
    default: {
      const unit = CALENDAR_UNIT[granularity];
      const local = DateTime.fromMillis(start.getTime(), { zone });
      const plus = unit === 'quarter' ? { months: 3 } : { [`${unit}s`]: 1 };
      return local.plus(plus).startOf(unit).toJSDate();
    }
  }
}

/** The start of the period before the one starting at `start`. */
export function previousPeriodStart(start: Date, granularity: Granularity, zone: string): Date {
  return periodStart(new Date(start.getTime() - 1), granularity, zone);
}

/**
 * Boundaries of every whole period that intersects [from, to): the first is the
 * start of the period containing `from`, the last is the end of the period
 * containing the last instant before `to`. n periods → n + 1 boundaries.
 */
export function periodBoundaries(from: Date, to: Date, granularity: Granularity, zone: string, limit = Infinity): Date[] {
  if (to <= from) return [];
  const boundaries = [periodStart(from, granularity, zone)];
  while (boundaries[boundaries.length - 1] < to) {
    if (boundaries.length > limit) throw new RangeError(`more than ${limit} periods`);
    boundaries.push(nextPeriodStart(boundaries[boundaries.length - 1], granularity, zone));
  }
  return boundaries;
}

/** How many periods of `granularity` intersect [from, to), without building them all. */
export function countPeriods(from: Date, to: Date, granularity: Granularity, zone: string, cap: number): number {
  try {
    return periodBoundaries(from, to, granularity, zone, cap).length - 1;
  } catch {
    return cap + 1;
  }
}

const LABEL_FORMAT: Record<Granularity, string> = {
  [Granularity.FIFTEEN_MINUTES]: "yyyy-MM-dd'T'HH:mm",
  [Granularity.THIRTY_MINUTES]: "yyyy-MM-dd'T'HH:mm",
  [Granularity.HOUR]: "yyyy-MM-dd'T'HH",
  [Granularity.DAY]: 'yyyy-MM-dd',
  [Granularity.WEEK]: "kkkk-'W'WW", // the ISO week-year: 2027-01-04 is in 2027-W01, 2026-12-28 in 2026-W53
  [Granularity.MONTH]: 'yyyy-MM',
  [Granularity.QUARTER]: "yyyy-'Q'q",
  [Granularity.YEAR]: 'yyyy',
};

/**
 * The period starting at `start` as the people in `zone` name it: "2026-10-27",
 * "2026-W44", "2026-Q4", "2026-10-27T09:15". The two hours of a fall-back night
 * carry the same label (they are the same hour on the wall clock).
 */
export function periodLabel(start: Date, granularity: Granularity, zone: string): string {
  return DateTime.fromMillis(start.getTime(), { zone }).toFormat(LABEL_FORMAT[granularity]);
}
