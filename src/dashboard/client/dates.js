/** Local dates ("2026-12-04") of an IANA zone, by the browser's Intl. */

export function todayIn(timeZone) {
  return localDate(timeZone, new Date());
}

/** The local date of an instant in a zone. */
export function localDate(timeZone, instant) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

/** The date n days after a local date (calendar days; no zone involved). */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "09:15" of an instant in a zone, for interval labels. */
export function clockIn(instant, timeZone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

export const isDate = (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
