import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isOpen,
  openIntervals,
  parseTime,
  totalDuration,
  validateServiceCalendar,
  type Interval,
  type ServiceCalendar,
  type ServiceWindow,
} from '../../src/sla/service-hours';

const at = (s: string) => new Date(s);
const iso = (intervals: Interval[]) => intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);
const hours = (intervals: Interval[]) => totalDuration(intervals) / 3.6e6;
const days = (dayOfWeek: number[], opens: string, closes: string): ServiceWindow[] =>
  dayOfWeek.map((d) => ({ dayOfWeek: d, opens, closes }));
const WEEKDAYS = [1, 2, 3, 4, 5];
const SUNDAY = 7;

describe(parseTime.name, () => {
  it('reads "HH:MM" from 00:00 to 24:00 as minutes', () => {
    expect(parseTime('00:00')).toBe(0);
    expect(parseTime('09:30')).toBe(570);
    expect(parseTime('23:59')).toBe(1439);
    expect(parseTime('24:00')).toBe(1440);
  });

  it('refuses anything else', () => {
    for (const bad of ['24:01', '25:00', '9:00', '09:60', '0900', '09:00:00', ' 09:00', '', 'noon']) expect(parseTime(bad), bad).toBeNull();
    expect(parseTime(900)).toBeNull();
  });
});

describe(openIntervals.name, () => {
  describe('Europe/Berlin DST days', () => {
    const berlin = (serviceHours: ServiceWindow[]): ServiceCalendar => ({ serviceHours, timeZone: 'Europe/Berlin' });

    it('makes 01:00–04:00 two hours long on the spring-forward day (2026-03-29)', () => {
      const r = openIntervals(berlin(days([SUNDAY], '01:00', '04:00')), at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));
      expect(iso(r)).toEqual([['2026-03-29T00:00:00.000Z', '2026-03-29T02:00:00.000Z']]); // 01:00 CET – 04:00 CEST
      expect(hours(r)).toBe(2);
    });

    it('makes 01:00–04:00 four hours long on the fall-back day (2026-10-25): 02:00–03:00 happens twice', () => {
      const r = openIntervals(berlin(days([SUNDAY], '01:00', '04:00')), at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
      expect(iso(r)).toEqual([['2026-10-24T23:00:00.000Z', '2026-10-25T03:00:00.000Z']]); // 01:00 CEST – 04:00 CET
      expect(hours(r)).toBe(4);
    });

    it('makes the whole day 23 and 25 hours long', () => {
      const allSunday = berlin(days([SUNDAY], '00:00', '24:00'));
      expect(iso(openIntervals(allSunday, at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z')))).toEqual([
        ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ]);
      expect(hours(openIntervals(allSunday, at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z')))).toBe(25);
    });

    it('normalizes a wall time in the spring gap forward, as luxon does', () => {
      // 02:30 does not exist on 2026-03-29: it becomes 03:30 CEST (01:30Z).
      const r = openIntervals(berlin(days([SUNDAY], '02:30', '05:00')), at('2026-03-29T00:00:00Z'), at('2026-03-30T00:00:00Z'));
      expect(iso(r)).toEqual([['2026-03-29T01:30:00.000Z', '2026-03-29T03:00:00.000Z']]);
      // A window wholly inside the gap keeps its length, right after the gap.
      const inGap = openIntervals(berlin(days([SUNDAY], '02:00', '02:30')), at('2026-03-29T00:00:00Z'), at('2026-03-30T00:00:00Z'));
      expect(iso(inGap)).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']]);
    });

    it('reads a repeated wall time as its first occurrence, for opening and closing alike', () => {
      // 02:30 on 2026-10-25 is 00:30Z (CEST) and again 01:30Z (CET): the first is used.
      const r = openIntervals(berlin(days([SUNDAY], '02:30', '03:30')), at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
      expect(iso(r)).toEqual([['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z']]);
      const closes = openIntervals(berlin(days([SUNDAY], '00:00', '02:30')), at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
      expect(iso(closes)).toEqual([['2026-10-24T22:00:00.000Z', '2026-10-25T00:30:00.000Z']]);
    });

    it('joins adjacent windows that meet at a repeated wall time into one interval', () => {
      const r = openIntervals(
        berlin([...days([SUNDAY], '00:00', '02:30'), ...days([SUNDAY], '02:30', '24:00')]),
        at('2026-10-24T00:00:00Z'),
        at('2026-10-26T00:00:00Z'),
      );
      expect(iso(r)).toEqual([['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']]);
    });

    it('keeps ordinary weekday hours at the right offset on both sides of the change', () => {
      // Fri 23 Oct (CEST) and Mon 26 Oct (CET), 09:00–17:00.
      const r = openIntervals(berlin(days(WEEKDAYS, '09:00', '17:00')), at('2026-10-23T00:00:00Z'), at('2026-10-27T00:00:00Z'));
      expect(iso(r)).toEqual([
        ['2026-10-23T07:00:00.000Z', '2026-10-23T15:00:00.000Z'],
        ['2026-10-26T08:00:00.000Z', '2026-10-26T16:00:00.000Z'],
      ]);
    });
  });

  it('starts a day whose local midnight does not exist at the change (America/Santiago, 2026-09-06)', () => {
    // Chile skips 00:00–01:00 on Sunday 6 September 2026 (−04:00 → −03:00): the day is 23 hours.
    const r = openIntervals(
      { holidays: ['2026-09-06'], timeZone: 'America/Santiago' },
      at('2026-09-05T12:00:00Z'),
      at('2026-09-07T12:00:00Z'),
    );
    expect(iso(r)).toEqual([
      ['2026-09-05T12:00:00.000Z', '2026-09-06T04:00:00.000Z'],
      ['2026-09-07T03:00:00.000Z', '2026-09-07T12:00:00.000Z'],
    ]);
  });

  it('closes a holiday all day, in the policy zone', () => {
    const calendar: ServiceCalendar = {
      serviceHours: days(WEEKDAYS, '09:00', '17:00'),
      holidays: ['2026-12-25'],
      timeZone: 'Europe/Berlin',
    };
    const r = openIntervals(calendar, at('2026-12-21T00:00:00Z'), at('2026-12-28T00:00:00Z'));
    expect(iso(r)).toEqual([
      ['2026-12-21T08:00:00.000Z', '2026-12-21T16:00:00.000Z'],
      ['2026-12-22T08:00:00.000Z', '2026-12-22T16:00:00.000Z'],
      ['2026-12-23T08:00:00.000Z', '2026-12-23T16:00:00.000Z'],
      ['2026-12-24T08:00:00.000Z', '2026-12-24T16:00:00.000Z'],
    ]);
  });

  it('is open all hours without service hours, except on holidays (local days)', () => {
    const from = at('2026-12-24T00:00:00Z');
    const to = at('2026-12-27T00:00:00Z');
    expect(iso(openIntervals({ timeZone: 'Europe/Berlin' }, from, to))).toEqual([[from.toISOString(), to.toISOString()]]);
    expect(iso(openIntervals({ serviceHours: [], holidays: null, timeZone: 'UTC' }, from, to))).toEqual([
      [from.toISOString(), to.toISOString()],
    ]);
    expect(iso(openIntervals({ holidays: ['2026-12-25'], timeZone: 'Europe/Berlin' }, from, to))).toEqual([
      ['2026-12-24T00:00:00.000Z', '2026-12-24T23:00:00.000Z'],
      ['2026-12-25T23:00:00.000Z', '2026-12-27T00:00:00.000Z'],
    ]);
  });

  it('is closed on a day without service hours', () => {
    const mondays: ServiceCalendar = { serviceHours: days([1], '09:00', '17:00'), timeZone: 'UTC' };
    const r = openIntervals(mondays, at('2026-06-02T00:00:00Z'), at('2026-06-07T00:00:00Z'));
    expect(r).toEqual([]);
  });

  it('cuts windows at the edges of the range', () => {
    const calendar: ServiceCalendar = { serviceHours: days(WEEKDAYS, '09:00', '17:00'), timeZone: 'UTC' };
    expect(iso(openIntervals(calendar, at('2026-06-01T12:00:00Z'), at('2026-06-01T15:30:00Z')))).toEqual([
      ['2026-06-01T12:00:00.000Z', '2026-06-01T15:30:00.000Z'],
    ]);
    expect(iso(openIntervals(calendar, at('2026-06-01T16:00:00Z'), at('2026-06-02T10:00:00Z')))).toEqual([
      ['2026-06-01T16:00:00.000Z', '2026-06-01T17:00:00.000Z'],
      ['2026-06-02T09:00:00.000Z', '2026-06-02T10:00:00.000Z'],
    ]);
    expect(openIntervals(calendar, at('2026-06-01T17:00:00Z'), at('2026-06-02T09:00:00Z'))).toEqual([]);
  });

  it('keeps the +05:45 offset of Asia/Kathmandu', () => {
    const calendar: ServiceCalendar = { serviceHours: days([1], '09:00', '17:00'), timeZone: 'Asia/Kathmandu' };
    const r = openIntervals(calendar, at('2026-05-31T00:00:00Z'), at('2026-06-03T00:00:00Z'));
    expect(iso(r)).toEqual([['2026-06-01T03:15:00.000Z', '2026-06-01T11:15:00.000Z']]);
    // Monday 00:00–01:00 in Kathmandu is still Sunday in UTC.
    const earlyCalendar: ServiceCalendar = { ...calendar, serviceHours: days([1], '00:00', '01:00') };
    const early = openIntervals(earlyCalendar, at('2026-05-31T00:00:00Z'), at('2026-06-03T00:00:00Z'));
    expect(iso(early)).toEqual([['2026-05-31T18:15:00.000Z', '2026-05-31T19:15:00.000Z']]);
  });

  it('closes at "24:00" at the start of the next local day, and merges across midnight', () => {
    const calendar: ServiceCalendar = {
      serviceHours: [...days([5], '18:00', '24:00'), ...days([6], '00:00', '06:00')],
      timeZone: 'Europe/Berlin',
    };
    const r = openIntervals(calendar, at('2026-06-01T00:00:00Z'), at('2026-06-08T00:00:00Z'));
    expect(iso(r)).toEqual([['2026-06-05T16:00:00.000Z', '2026-06-06T04:00:00.000Z']]);
    // Saturday 24 October 24:00 is Sunday 00:00 CEST, before the change.
    const saturdayNights: ServiceCalendar = { serviceHours: days([6], '20:00', '24:00'), timeZone: 'Europe/Berlin' };
    const sat = openIntervals(saturdayNights, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'));
    expect(iso(sat)).toEqual([['2026-10-24T18:00:00.000Z', '2026-10-24T22:00:00.000Z']]);
  });

  it('merges whole days into one interval and touching windows of a day into one', () => {
    const always: ServiceCalendar = { serviceHours: days([1, 2, 3, 4, 5, 6, 7], '00:00', '24:00'), timeZone: 'Europe/Berlin' };
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2027-01-01T00:00:00Z');
    expect(iso(openIntervals(always, from, to))).toEqual([[from.toISOString(), to.toISOString()]]);

    const monTue: ServiceCalendar = { serviceHours: days([1, 2], '00:00', '24:00'), timeZone: 'UTC' };
    expect(iso(openIntervals(monTue, at('2026-05-31T00:00:00Z'), at('2026-06-10T00:00:00Z')))).toEqual([
      ['2026-06-01T00:00:00.000Z', '2026-06-03T00:00:00.000Z'],
      ['2026-06-08T00:00:00.000Z', '2026-06-10T00:00:00.000Z'],
    ]);

    const split: ServiceCalendar = {
      serviceHours: [
        { dayOfWeek: 1, opens: '12:00', closes: '14:00' },
        { dayOfWeek: 1, opens: '09:00', closes: '12:00' },
        { dayOfWeek: 1, opens: '15:00', closes: '16:00' },
      ],
      timeZone: 'UTC',
    };
    expect(iso(openIntervals(split, at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z')))).toEqual([
      ['2026-06-01T09:00:00.000Z', '2026-06-01T14:00:00.000Z'],
      ['2026-06-01T15:00:00.000Z', '2026-06-01T16:00:00.000Z'],
    ]);
  });

  it('keeps one interval per open day: weekdays over four weeks are 20 intervals, sorted', () => {
    const newYork: ServiceCalendar = { serviceHours: days(WEEKDAYS, '08:00', '20:00'), timeZone: 'America/New_York' };
    const r = openIntervals(newYork, at('2026-03-01T00:00:00Z'), at('2026-03-29T00:00:00Z'));
    expect(r).toHaveLength(20);
    for (let i = 1; i < r.length; i++) expect(r[i].start.getTime()).toBeGreaterThan(r[i - 1].end.getTime());
    expect(hours(r)).toBe(240);
  });

  it('is empty for an empty or inverted range', () => {
    const calendar: ServiceCalendar = { timeZone: 'UTC' };
    expect(openIntervals(calendar, at('2026-06-01T00:00:00Z'), at('2026-06-01T00:00:00Z'))).toEqual([]);
    expect(openIntervals(calendar, at('2026-06-02T00:00:00Z'), at('2026-06-01T00:00:00Z'))).toEqual([]);
  });

  it('refuses an invalid calendar or date', () => {
    expect(() => openIntervals({ timeZone: 'Mars/Olympus' }, at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z'))).toThrow(
      /timeZone/,
    );
    expect(() => openIntervals({ timeZone: 'UTC' }, at('nope'), at('2026-06-02T00:00:00Z'))).toThrow(RangeError);
  });
});

describe(isOpen.name, () => {
  const calendar: ServiceCalendar = {
    serviceHours: [...days(WEEKDAYS, '09:00', '17:00'), ...days([6], '10:00', '14:00')],
    holidays: ['2026-10-26'],
    timeZone: 'Europe/Berlin',
  };

  it('is open from the opening instant, closed from the closing instant', () => {
    expect(isOpen(calendar, at('2026-10-23T07:00:00Z'))).toBe(true); // Fri 09:00 CEST
    expect(isOpen(calendar, at('2026-10-23T06:59:59.999Z'))).toBe(false);
    expect(isOpen(calendar, at('2026-10-23T14:59:59.999Z'))).toBe(true);
    expect(isOpen(calendar, at('2026-10-23T15:00:00Z'))).toBe(false); // Fri 17:00 CEST
  });

  it('is closed on Sundays and holidays', () => {
    expect(isOpen(calendar, at('2026-10-25T10:00:00Z'))).toBe(false); // Sunday
    expect(isOpen(calendar, at('2026-10-26T10:00:00Z'))).toBe(false); // holiday Monday
    expect(isOpen(calendar, at('2026-10-27T10:00:00Z'))).toBe(true);
  });

  it('is open at all hours without service hours, except holidays', () => {
    expect(isOpen({ timeZone: 'Asia/Kathmandu' }, at('2026-06-01T03:00:00Z'))).toBe(true);
    expect(isOpen({ timeZone: 'Asia/Kathmandu', holidays: ['2026-06-01'] }, at('2026-05-31T18:15:00Z'))).toBe(false);
    expect(isOpen({ timeZone: 'Asia/Kathmandu', holidays: ['2026-06-01'] }, at('2026-05-31T18:14:59Z'))).toBe(true);
  });

  it('agrees with openIntervals at every instant (property)', () => {
    const zones = ['Europe/Berlin', 'Asia/Kathmandu', 'America/Santiago', 'Australia/Lord_Howe', 'UTC'];
    const time = fc.tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => (h === 24 ? 1440 : h * 60 + m));
    const window = fc
      .tuple(fc.integer({ min: 1, max: 7 }), time, time)
      .filter(([, a, b]) => a !== b)
      .map(([d, a, b]) => ({ dayOfWeek: d, opens: hhmm(Math.min(a, b)), closes: hhmm(Math.max(a, b)) }));
    const rangeStart = Date.parse('2026-03-20T00:00:00Z');
    const rangeEnd = Date.parse('2026-11-10T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(window, { maxLength: 4 }),
        fc.array(fc.integer({ min: rangeStart, max: rangeEnd }), { minLength: 1, maxLength: 20 }),
        (timeZone, windows, instants) => {
          const serviceHours = nonOverlapping(windows);
          const cal: ServiceCalendar = { serviceHours, holidays: ['2026-10-25'], timeZone };
          const intervals = openIntervals(cal, new Date(rangeStart - 86_400_000), new Date(rangeEnd + 86_400_000));
          for (let i = 1; i < intervals.length; i++) expect(intervals[i].start > intervals[i - 1].end).toBe(true);
          for (const ms of instants) {
            const inside = intervals.some((iv) => iv.start.getTime() <= ms && ms < iv.end.getTime());
            expect(isOpen(cal, new Date(ms))).toBe(inside);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Drops windows that overlap an earlier one of the same day. */
function nonOverlapping(windows: ServiceWindow[]): ServiceWindow[] {
  const kept: ServiceWindow[] = [];
  for (const w of windows) {
    if (!kept.some((k) => k.dayOfWeek === w.dayOfWeek && w.opens < k.closes && k.opens < w.closes)) kept.push(w);
  }
  return kept;
}

describe(validateServiceCalendar.name, () => {
  const rules = (calendar: ServiceCalendar) => validateServiceCalendar(calendar).map((p) => `${p.field}:${p.rule}`);

  it('accepts a valid calendar, touching windows, 24:00 and no hours at all', () => {
    expect(
      rules({
        serviceHours: [...days(WEEKDAYS, '09:00', '12:00'), ...days(WEEKDAYS, '12:00', '24:00'), ...days([6], '00:00', '24:00')],
        holidays: ['2026-12-25', '2028-02-29'],
        timeZone: 'Asia/Kathmandu',
      }),
    ).toEqual([]);
    expect(rules({ timeZone: 'UTC' })).toEqual([]);
  });

  it('refuses malformed times and closing before or at opening', () => {
    const problems = validateServiceCalendar({
      serviceHours: [
        { dayOfWeek: 1, opens: '09:00', closes: '17:00' },
        { dayOfWeek: 2, opens: '09:00', closes: '25:00' },
        { dayOfWeek: 3, opens: '9am', closes: '17:00' },
        { dayOfWeek: 4, opens: '17:00', closes: '09:00' },
        { dayOfWeek: 5, opens: '09:00', closes: '09:00' },
        { dayOfWeek: 6, opens: '24:00', closes: '24:00' },
      ],
      timeZone: 'UTC',
    });
    expect(problems.map((p) => `${p.index}:${p.field}:${p.rule}`)).toEqual([
      '1:serviceHours[1].closes:MALFORMED_TIME',
      '2:serviceHours[2].opens:MALFORMED_TIME',
      '3:serviceHours[3].closes:CLOSES_BEFORE_OPENS',
      '4:serviceHours[4].closes:CLOSES_BEFORE_OPENS',
      '5:serviceHours[5].closes:CLOSES_BEFORE_OPENS',
    ]);
  });

  it('refuses a day of week outside 1–7', () => {
    expect(
      rules({
        serviceHours: [
          { dayOfWeek: 0, opens: '09:00', closes: '17:00' },
          { dayOfWeek: 8, opens: '09:00', closes: '17:00' },
          { dayOfWeek: 1.5, opens: '09:00', closes: '17:00' },
        ],
        timeZone: 'UTC',
      }),
    ).toEqual(['serviceHours[0].dayOfWeek:OUT_OF_RANGE', 'serviceHours[1].dayOfWeek:OUT_OF_RANGE', 'serviceHours[2].dayOfWeek:OUT_OF_RANGE']);
  });

  it('refuses overlapping and duplicate windows of a day, on the later window', () => {
    expect(
      rules({
        serviceHours: [
          { dayOfWeek: 1, opens: '09:00', closes: '12:00' },
          { dayOfWeek: 1, opens: '11:00', closes: '14:00' }, // opens inside [0]
          { dayOfWeek: 1, opens: '07:00', closes: '10:00' }, // closes inside [0]
          { dayOfWeek: 1, opens: '08:00', closes: '15:00' }, // contains [0]
          { dayOfWeek: 2, opens: '11:00', closes: '14:00' }, // another day: fine
          { dayOfWeek: 2, opens: '11:00', closes: '14:00' },
        ],
        timeZone: 'UTC',
      }),
    ).toEqual([
      'serviceHours[1].opens:OVERLAPPING_HOURS',
      'serviceHours[2].closes:OVERLAPPING_HOURS',
      'serviceHours[3].closes:OVERLAPPING_HOURS',
      'serviceHours[5].opens:DUPLICATE_HOURS',
    ]);
  });

  it('refuses malformed and duplicate holidays', () => {
    expect(rules({ holidays: ['2026-02-30', '2026-12-25', '25.12.2026', '2026-12-25', '2027-2-1', '2027-02-29'], timeZone: 'UTC' })).toEqual([
      'holidays[0]:MALFORMED_DATE',
      'holidays[2]:MALFORMED_DATE',
      'holidays[3]:DUPLICATE_HOLIDAY',
      'holidays[4]:MALFORMED_DATE',
      'holidays[5]:MALFORMED_DATE',
    ]);
  });

  it('refuses an unknown time zone', () => {
    expect(rules({ timeZone: 'Europe/Atlantis' })).toEqual(['timeZone:UNKNOWN_TIME_ZONE']);
    expect(rules({ timeZone: '' })).toEqual(['timeZone:UNKNOWN_TIME_ZONE']);
  });

  it('prefixes field paths and reports every problem at once', () => {
    const problems = validateServiceCalendar(
      { serviceHours: [{ dayOfWeek: 9, opens: '09:00', closes: '08:00' }], holidays: ['x'], timeZone: 'Nowhere' },
      'policy.',
    );
    expect(problems.map((p) => `${p.field}:${p.rule}`)).toEqual([
      'policy.serviceHours[0].dayOfWeek:OUT_OF_RANGE',
      'policy.serviceHours[0].closes:CLOSES_BEFORE_OPENS',
      'policy.holidays[0]:MALFORMED_DATE',
      'policy.timeZone:UNKNOWN_TIME_ZONE',
    ]);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
  });
});
