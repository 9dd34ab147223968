import { IANAZone } from 'luxon';
import { isValidTimeZone } from '../platform/calendar';
import { describeProblems, type FieldProblem } from '../platform/errors';

/**
 * The service-hours calendar of an SLA policy, pure: weekly opening windows per
 * ISO day in an IANA time zone, minus holidays. Its main use turns a UTC range
 * into the few UTC intervals when service was open, which become a SQL filter
 * on contacts' offeredAt.
 *
 * - No windows at all: open all hours (holidays are still closed).
 * - A weekday without a window: closed all day.
 * - A holiday "YYYY-MM-DD" is a local date in the policy's zone, closed all day.
 * - "24:00" closes at the start of the next local day.
 *
 * Wall-clock times become instants in the zone, so DST days are exact: in
 * Europe/Berlin 01:00–04:00 is 2 hours on the spring-forward day and 4 hours on
 * the fall-back day (02:00–03:00 happens twice). A wall time that does not
 * exist (spring gap) is normalized forward as luxon does: 02:30 on a day that
 * skips from 02:00 to 03:00 is 03:30, i.e. read with the offset before the gap.
 * A wall time that happens twice (fall-back overlap) is its first occurrence,
 * for opening and closing alike (luxon's own choice depends on today's offset,
 * so it is not used there). Both rules are those of Temporal's "compatible"
 * disambiguation and of java.time; adjacent windows (…–12:00, 12:00–…) always
 * meet at the same instant.
 */

export interface ServiceWindow {
  /** ISO day of week: 1 = Monday … 7 = Sunday. */
  dayOfWeek: number;
  /** "HH:MM", 00:00–23:59. */
  opens: string;
  /** "HH:MM", after opens; "24:00" is the end of the day. */
  closes: string;
}

export interface ServiceCalendar {
  serviceHours?: readonly ServiceWindow[] | null;
  /** Local dates "YYYY-MM-DD", closed all day. */
  holidays?: readonly string[] | null;
  timeZone: string;
}

/** A half-open UTC interval [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUTES_PER_DAY = 24 * 60;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** Minutes since local midnight of "HH:MM" (00:00–24:00), or null when malformed. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = TIME.exec(value);
  if (!match) return null;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** A valid ISO calendar date "YYYY-MM-DD", or null. */
function parseDate(value: unknown): { year: number; month: number; day: number } | null {
  if (typeof value !== 'string') return null;
  const match = DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  probe.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day };
}

/**
 * Every broken rule of a calendar, with field paths (prefixed by `prefix`, e.g.
 * "policy."): `serviceHours[i].dayOfWeek` OUT_OF_RANGE, `serviceHours[i].opens`
 * / `.closes` MALFORMED_TIME, `serviceHours[i].closes` CLOSES_BEFORE_OPENS (also
 * when equal), DUPLICATE_HOURS (the same window twice, on the later one's
 * `.opens`), OVERLAPPING_HOURS (on the later window, in input order: its `.opens`
 * when that falls inside the other window, else its `.closes`), `holidays[i]`
 * MALFORMED_DATE / DUPLICATE_HOLIDAY, `timeZone` UNKNOWN_TIME_ZONE. Windows that
 * only touch (09:00–12:00 and 12:00–14:00) do not overlap.
 */
export function validateServiceCalendar(calendar: ServiceCalendar, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const report = (field: string, rule: string, message: string, index?: number) =>
    problems.push({ field: `${prefix}${field}`, rule, message, ...(index === undefined ? {} : { index }) });

  const windows: { index: number; day: number; opens: number; closes: number }[] = [];
  (calendar.serviceHours ?? []).forEach((w, index) => {
    const at = `serviceHours[${index}]`;
    let ok = true;
    if (!Number.isInteger(w.dayOfWeek) || w.dayOfWeek < 1 || w.dayOfWeek > 7) {
      ok = false;
      report(`${at}.dayOfWeek`, 'OUT_OF_RANGE', 'must be an ISO day of week, 1 (Monday) to 7 (Sunday)', index);
    }
    const opens = parseTime(w.opens);
    const closes = parseTime(w.closes);
    if (opens === null) report(`${at}.opens`, 'MALFORMED_TIME', 'must be a time "HH:MM" from 00:00 to 24:00', index);
    if (closes === null) report(`${at}.closes`, 'MALFORMED_TIME', 'must be a time "HH:MM" from 00:00 to 24:00', index);
    if (opens === null || closes === null) return;
    if (closes <= opens) {
      report(`${at}.closes`, 'CLOSES_BEFORE_OPENS', `must be after opens (${w.opens})`, index);
      return;
    }
    if (ok) windows.push({ index, day: w.dayOfWeek, opens, closes });
  });
  windows.forEach((w, i) => {
    const at = `serviceHours[${w.index}]`;
    for (const other of windows.slice(0, i)) {
      if (other.day !== w.day) continue;
      if (other.opens === w.opens && other.closes === w.closes) {
        report(`${at}.opens`, 'DUPLICATE_HOURS', `repeats serviceHours[${other.index}]`, w.index);
        return;
      }
      if (w.opens < other.closes && other.opens < w.closes) {
        const inside = w.opens >= other.opens && w.opens < other.closes;
        report(`${at}.${inside ? 'opens' : 'closes'}`, 'OVERLAPPING_HOURS', `overlaps serviceHours[${other.index}]`, w.index);
        return;
      }
    }
  });

  const firstIndexOf = new Map<string, number>();
  (calendar.holidays ?? []).forEach((holiday, index) => {
    if (!parseDate(holiday)) {
      report(`holidays[${index}]`, 'MALFORMED_DATE', 'must be a calendar date "YYYY-MM-DD"', index);
      return;
    }
    const first = firstIndexOf.get(holiday);
    if (first !== undefined) report(`holidays[${index}]`, 'DUPLICATE_HOLIDAY', `repeats holidays[${first}]`, index);
    else firstIndexOf.set(holiday, index);
  });

  if (typeof calendar.timeZone !== 'string' || !isValidTimeZone(calendar.timeZone)) {
    report('timeZone', 'UNKNOWN_TIME_ZONE', 'must be an IANA time zone, e.g. "Europe/Berlin"');
  }
  return problems;
}

interface Compiled {
  zone: IANAZone;
  /** Windows per ISO day (index 1–7) in minutes; null = open all hours. */
  week: [number, number][][] | null;
  holidays: Set<string>;
}

function compile(calendar: ServiceCalendar): Compiled {
  const problems = validateServiceCalendar(calendar);
  if (problems.length) throw new RangeError(describeProblems('invalid service calendar', problems));
  const hours = calendar.serviceHours ?? [];
  let week: [number, number][][] | null = null;
  if (hours.length) {
    week = Array.from({ length: 8 }, () => []);
    for (const w of hours) week[w.dayOfWeek].push([parseTime(w.opens)!, parseTime(w.closes)!]);
  }
  return { zone: IANAZone.create(calendar.timeZone), week, holidays: new Set(calendar.holidays ?? []) };
}

/**
 * The instant a local wall-clock time (given as "local ms": the wall time read
 * as if it were UTC) takes place in `zone`. Gap → normalized forward (offset
 * before the gap); overlap → first occurrence. Assumes at most one offset
 * change within a day of the wall time, as in every real zone.
 */
function wallTimeToInstant(zone: IANAZone, localMs: number): number {
  const before = zone.offset(localMs - MS_PER_DAY);
  const after = zone.offset(localMs + MS_PER_DAY);
  const candidates = [...new Set([before, after])]
    .map((offset) => localMs - offset * MS_PER_MINUTE)
    .filter((instant) => localMs - zone.offset(instant) * MS_PER_MINUTE === instant);
  if (candidates.length) return Math.min(...candidates);
  return localMs - before * MS_PER_MINUTE; // a gap: the offset before it moves the wall time forward
}

/** The local date ("local ms" of its midnight) of an instant in `zone`. */
function localDay(zone: IANAZone, instant: number): number {
  const local = instant + zone.offset(instant) * MS_PER_MINUTE;
  return Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
}

function isoDate(localDayMs: number): string {
  return new Date(localDayMs).toISOString().slice(0, 10);
}

/** ISO day of week (1 = Monday) of a local day. */
function isoWeekday(localDayMs: number): number {
  return ((new Date(localDayMs).getUTCDay() + 6) % 7) + 1;
}

function instantMs(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid date`);
  return ms;
}

/**
 * The UTC intervals [start, end) inside [from, to) when service is open:
 * sorted, non-overlapping, with touching intervals merged (a Monday 00:00–24:00
 * followed by a Tuesday 00:00–24:00 is one interval), so the list stays as short
 * as the calendar allows. Empty when to ≤ from. Throws a RangeError naming the
 * problems when the calendar is invalid.
 */
export function openIntervals(calendar: ServiceCalendar, from: Date, to: Date): Interval[] {
  const compiled = compile(calendar);
  const fromMs = instantMs(from, 'from');
  const toMs = instantMs(to, 'to');
  if (toMs <= fromMs) return [];
  const { zone, week, holidays } = compiled;

  // Windows never cross local midnight, so the local days of `from` and of the
  // last instant before `to` cover the range. One more day on each side guards
  // days whose midnight is skipped or repeated.
  const first = localDay(zone, fromMs) - MS_PER_DAY;
  const last = localDay(zone, toMs - 1) + MS_PER_DAY;
  const raw: [number, number][] = [];
  for (let day = first; day <= last; day += MS_PER_DAY) {
    if (holidays.has(isoDate(day))) continue;
    const windows: readonly [number, number][] = week ? week[isoWeekday(day)] : [[0, MINUTES_PER_DAY]];
    for (const [opens, closes] of windows) {
      const start = Math.max(fromMs, wallTimeToInstant(zone, day + opens * MS_PER_MINUTE));
      const end = Math.min(toMs, wallTimeToInstant(zone, day + closes * MS_PER_MINUTE));
      if (start < end) raw.push([start, end]);
    }
  }

  raw.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of raw) {
    const previous = merged[merged.length - 1];
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else merged.push([start, end]);
  }
  return merged.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

/** Whether service is open at `instant`: exactly when an interval of openIntervals contains it. */
export function isOpen(calendar: ServiceCalendar, instant: Date): boolean {
  const ms = instantMs(instant, 'instant');
  return openIntervals(calendar, instant, new Date(ms + 1)).length > 0;
}

/** Total length of intervals, in milliseconds. */
export function totalDuration(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.end.getTime() - i.start.getTime()), 0);
}
