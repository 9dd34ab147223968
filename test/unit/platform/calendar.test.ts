import { describe, expect, it } from 'vitest';
import {
  Granularity as G,
  countPeriods,
  isValidTimeZone,
  nextPeriodStart,
  periodBoundaries,
  periodLabel,
  periodStart,
  previousPeriodStart,
} from '../../../src/platform/calendar';

const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe(periodStart.name, () => {
  it('cuts 15 minutes and hours on the wall clock of zones with :30 and :45 offsets', () => {
    // Asia/Kathmandu is UTC+05:45: 12:07Z is 17:52 local.
    expect(iso(periodStart(at('2026-03-29T12:07:13Z'), G.FIFTEEN_MINUTES, 'Asia/Kathmandu'))).toBe('2026-03-29T12:00:00.000Z');
    expect(iso(periodStart(at('2026-03-29T12:07:13Z'), G.HOUR, 'Asia/Kathmandu'))).toBe('2026-03-29T11:15:00.000Z');
    // Asia/Kolkata is UTC+05:30: local hours start at :30 UTC.
    expect(iso(periodStart(at('2026-03-29T12:07:00Z'), G.HOUR, 'Asia/Kolkata'))).toBe('2026-03-29T11:30:00.000Z');
  });

  it('keeps the repeated hour of a DST fall-back as two distinct hours', () => {
    // Europe/Berlin, 2026-10-25: 02:00–03:00 local happens at +02:00 and again at +01:00.
    expect(iso(periodStart(at('2026-10-25T00:40:00Z'), G.HOUR, 'Europe/Berlin'))).toBe('2026-10-25T00:00:00.000Z');
    expect(iso(periodStart(at('2026-10-25T01:40:00Z'), G.HOUR, 'Europe/Berlin'))).toBe('2026-10-25T01:00:00.000Z');
  });

  it('starts days at local midnight, weeks on Monday, and months, quarters, years on their first day', () => {
    const t = at('2026-05-14T22:30:00Z'); // Friday 15 May 2026, 00:30 in Berlin (+02:00)
    expect(iso(periodStart(t, G.DAY, 'Europe/Berlin'))).toBe('2026-05-14T22:00:00.000Z');
    expect(iso(periodStart(t, G.DAY, 'UTC'))).toBe('2026-05-14T00:00:00.000Z');
    expect(iso(periodStart(t, G.WEEK, 'Europe/Berlin'))).toBe('2026-05-10T22:00:00.000Z'); // Monday 11 May
    expect(iso(periodStart(t, G.MONTH, 'Europe/Berlin'))).toBe('2026-04-30T22:00:00.000Z');
    expect(iso(periodStart(t, G.QUARTER, 'Europe/Berlin'))).toBe('2026-03-31T22:00:00.000Z');
    expect(iso(periodStart(t, G.YEAR, 'Europe/Berlin'))).toBe('2025-12-31T23:00:00.000Z');
  });
});

describe(nextPeriodStart.name, () => {
  it('makes DST days 23 and 25 hours long', () => {
    const spring = at('2026-03-28T23:00:00Z'); // 29 March 2026, Berlin midnight (+01:00)
    expect((nextPeriodStart(spring, G.DAY, 'Europe/Berlin').getTime() - spring.getTime()) / 3.6e6).toBe(23);
    const autumn = at('2026-10-24T22:00:00Z'); // 25 October 2026, Berlin midnight (+02:00)
    expect((nextPeriodStart(autumn, G.DAY, 'Europe/Berlin').getTime() - autumn.getTime()) / 3.6e6).toBe(25);
  });

  it('steps months of different lengths and quarters', () => {
    expect(iso(nextPeriodStart(at('2026-02-01T00:00:00Z'), G.MONTH, 'UTC'))).toBe('2026-03-01T00:00:00.000Z');
    expect(iso(nextPeriodStart(at('2026-10-01T00:00:00Z'), G.QUARTER, 'UTC'))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('is the inverse of previousPeriodStart', () => {
    const start = at('2026-03-30T00:00:00Z');
    expect(iso(previousPeriodStart(nextPeriodStart(start, G.WEEK, 'UTC'), G.WEEK, 'UTC'))).toBe(iso(start));
  });
});

describe(periodBoundaries.name, () => {
  it('covers the whole calendar periods that the range cuts', () => {
    const b = periodBoundaries(at('2026-01-07T12:00:00Z'), at('2026-01-20T00:00:00Z'), G.WEEK, 'UTC');
    expect(b.map(iso)).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
      '2026-01-19T00:00:00.000Z',
      '2026-01-26T00:00:00.000Z',
    ]);
  });

  it('has 96 fifteen-minute periods on a normal day and 92 and 100 on DST days', () => {
    const day = (from: string, to: string) => periodBoundaries(at(from), at(to), G.FIFTEEN_MINUTES, 'Europe/Berlin').length - 1;
    expect(day('2026-03-27T23:00:00Z', '2026-03-28T23:00:00Z')).toBe(96);
    expect(day('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(92);
    expect(day('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(100);
  });

  it('has 48 half hours on a normal day, 46 and 50 on DST days, on the local clock of :45 and 30-minute-DST zones', () => {
    const halfHours = (from: string, to: string, zone: string) => periodBoundaries(at(from), at(to), G.THIRTY_MINUTES, zone);
    expect(halfHours('2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 'Europe/Berlin').length - 1).toBe(46);
    expect(halfHours('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 'Europe/Berlin').length - 1).toBe(50);
    // Kathmandu (+05:45): local half hours start at :15 and :45 UTC.
    const kathmandu = halfHours('2026-03-28T18:15:00Z', '2026-03-29T18:15:00Z', 'Asia/Kathmandu');
    expect(kathmandu.length - 1).toBe(48);
    expect(kathmandu.slice(0, 3).map(iso)).toEqual(['2026-03-28T18:15:00.000Z', '2026-03-28T18:45:00.000Z', '2026-03-28T19:15:00.000Z']);
    // Lord Howe moves its clock by 30 minutes: 2026-04-05 02:00 (+11:00) becomes 01:30 (+10:30), a repeated half hour.
    const lordHowe = halfHours('2026-04-04T13:00:00Z', '2026-04-05T13:30:00Z', 'Australia/Lord_Howe');
    expect(lordHowe.length - 1).toBe(49);
    expect(new Set(lordHowe.slice(1).map((b, i) => b.getTime() - lordHowe[i]!.getTime()))).toEqual(new Set([30 * 60_000]));
  });

  it('is empty for an empty range and counts with a cap', () => {
    expect(periodBoundaries(at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), G.DAY, 'UTC')).toEqual([]);
    expect(countPeriods(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), G.DAY, 'UTC', 10_000)).toBe(365);
    expect(countPeriods(at('2000-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), G.HOUR, 'UTC', 1000)).toBe(1001);
  });
});

describe(isValidTimeZone.name, () => {
  it('accepts IANA names and refuses others', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe(periodLabel.name, () => {
  const label = (iso: string, g: G, zone: string) => periodLabel(periodStart(new Date(iso), g, zone), g, zone);

  it('names each granularity as the query zone sees it', () => {
    const t = '2026-10-27T08:20:00Z'; // 09:20 in Berlin (CET), 14:05 in Kathmandu (+05:45)
    expect(label(t, G.YEAR, 'Europe/Berlin')).toBe('2026');
    expect(label(t, G.QUARTER, 'Europe/Berlin')).toBe('2026-Q4');
    expect(label(t, G.MONTH, 'Europe/Berlin')).toBe('2026-10');
    expect(label(t, G.WEEK, 'Europe/Berlin')).toBe('2026-W44');
    expect(label(t, G.DAY, 'Europe/Berlin')).toBe('2026-10-27');
    expect(label(t, G.HOUR, 'Europe/Berlin')).toBe('2026-10-27T09');
    expect(label(t, G.FIFTEEN_MINUTES, 'Europe/Berlin')).toBe('2026-10-27T09:15');
    expect(label(t, G.THIRTY_MINUTES, 'Asia/Kathmandu')).toBe('2026-10-27T14:00');
    expect(label(t, G.FIFTEEN_MINUTES, 'Asia/Kathmandu')).toBe('2026-10-27T14:00');
    expect(label('2026-12-31T18:30:00Z', G.DAY, 'Asia/Kathmandu')).toBe('2027-01-01');
  });

  it('labels weeks with the ISO week-year', () => {
    expect(label('2027-01-04T12:00:00Z', G.WEEK, 'UTC')).toBe('2027-W01');
    expect(label('2027-01-02T12:00:00Z', G.WEEK, 'UTC')).toBe('2026-W53');
    expect(label('2025-12-29T12:00:00Z', G.WEEK, 'UTC')).toBe('2026-W01');
  });

  it('gives both hours of a fall-back night the wall clock\'s label', () => {
    expect(label('2026-10-25T00:30:00Z', G.HOUR, 'Europe/Berlin')).toBe('2026-10-25T02');
    expect(label('2026-10-25T01:30:00Z', G.HOUR, 'Europe/Berlin')).toBe('2026-10-25T02');
  });
});
