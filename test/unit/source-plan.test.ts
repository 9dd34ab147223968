import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Granularity, periodBoundaries } from '../../src/platform/calendar';
import { FINEST_GRAIN, ROLLUP_DIMENSIONS, ROLLUP_GRAINS } from '../../src/warehouse/contact-grains';
import { grainsFor, grainsKeeping, localDaysWithin, planSources, type TimeSpan } from '../../src/analytics/source-plan';
import { localDayHolding } from '../../src/warehouse/grain';

const MIN = 60_000;
const GRAINS = [
  { name: 'day', ms: 1440 * MIN },
  { name: 'hour', ms: 60 * MIN },
  { name: '15m', ms: 15 * MIN },
];
const d = (iso: string) => new Date(iso);
const iso = (spans: TimeSpan[]) => spans.map((s) => `${s.from.toISOString()}/${s.to.toISOString()}`);
const plan = (from: string, to: string, granularity: Granularity | null, zone = 'UTC', grains: Array<{ name: string; ms: number; zone?: string }> = GRAINS) => {
  const boundaries = granularity ? periodBoundaries(d(from), d(to), granularity, zone) : [d(from), d(to)];
  const p = planSources(d(from), d(to), boundaries, grains);
  return { ...Object.fromEntries(p.rollups.map((r) => [r.grain.name, iso(r.spans)])), raw: iso(p.raw) };
};

describe('planSources', () => {
  it('reads a UTC month by day from the day grain alone', () => {
    expect(plan('2025-06-01T00:00:00Z', '2025-07-01T00:00:00Z', Granularity.DAY)).toEqual({
      day: ['2025-06-01T00:00:00.000Z/2025-07-01T00:00:00.000Z'],
      raw: [],
    });
  });

  it('reads Berlin days (22:00 or 23:00 UTC edges) from the hour grain, merged into one span', () => {
    expect(plan('2025-05-31T22:00:00Z', '2025-06-30T22:00:00Z', Granularity.DAY, 'Europe/Berlin')).toEqual({
      hour: ['2025-05-31T22:00:00.000Z/2025-06-30T22:00:00.000Z'],
      raw: [],
    });
  });

  it('reads whole days of Berlin weeks from the day grain and the edges from the hour grain', () => {
    const p = plan('2025-06-01T22:00:00Z', '2025-06-15T22:00:00Z', Granularity.WEEK, 'Europe/Berlin');
    expect(p).toEqual({
      day: ['2025-06-02T00:00:00.000Z/2025-06-08T00:00:00.000Z', '2025-06-09T00:00:00.000Z/2025-06-15T00:00:00.000Z'],
      hour: [
        '2025-06-01T22:00:00.000Z/2025-06-02T00:00:00.000Z',
        '2025-06-08T00:00:00.000Z/2025-06-09T00:00:00.000Z',
        '2025-06-15T00:00:00.000Z/2025-06-15T22:00:00.000Z',
      ],
      raw: [],
    });
  });

  it('uses quarter hours for :45 zones and raw contacts for a range ending mid-bucket', () => {
    // Kathmandu (+05:45): its day starts at 18:15 UTC.
    const p = plan('2025-06-01T18:15:00Z', '2025-06-02T19:07:31Z', Granularity.DAY, 'Asia/Kathmandu');
    expect(p).toEqual({
      hour: ['2025-06-01T19:00:00.000Z/2025-06-02T18:00:00.000Z'],
      '15m': ['2025-06-01T18:15:00.000Z/2025-06-01T19:00:00.000Z', '2025-06-02T18:00:00.000Z/2025-06-02T19:00:00.000Z'],
      raw: ['2025-06-02T19:00:00.000Z/2025-06-02T19:07:31.000Z'],
    });
  });

  it('reads the days of the reporting zone from its local-day grain, DST days of 23 and 25 hours included', () => {
    const grains = [{ name: 'berlin-day', ms: 1440 * MIN, zone: 'Europe/Berlin' }, ...GRAINS];
    // March 2025 in Berlin: the 30th has 23 hours; the whole month is local days.
    expect(plan('2025-02-28T23:00:00Z', '2025-03-31T22:00:00Z', Granularity.DAY, 'Europe/Berlin', grains)).toEqual({
      'berlin-day': ['2025-02-28T23:00:00.000Z/2025-03-31T22:00:00.000Z'],
      raw: [],
    });
    // A UTC week still reads UTC days: no Berlin day lies wholly inside a UTC day.
    expect(plan('2025-10-20T00:00:00Z', '2025-10-27T00:00:00Z', Granularity.DAY, 'UTC', grains)).toEqual({
      day: ['2025-10-20T00:00:00.000Z/2025-10-27T00:00:00.000Z'],
      raw: [],
    });
  });

  it('cuts local days where the zone cuts them, :45 offsets and 30-minute DST shifts included', () => {
    expect(localDayHolding(Date.parse('2025-10-26T12:00:00Z'), 'Europe/Berlin')).toEqual([
      Date.parse('2025-10-25T22:00:00Z'),
      Date.parse('2025-10-26T23:00:00Z'), // 25 hours
    ]);
    expect(localDayHolding(Date.parse('2025-06-01T20:00:00Z'), 'Asia/Kathmandu')).toEqual([
      Date.parse('2025-06-01T18:15:00Z'),
      Date.parse('2025-06-02T18:15:00Z'),
    ]);
    // Lord Howe moves by 30 minutes: 5 April 2026 has 24.5 hours.
    expect(localDayHolding(Date.parse('2026-04-05T00:00:00Z'), 'Australia/Lord_Howe')).toEqual([
      Date.parse('2026-04-04T13:00:00Z'),
      Date.parse('2026-04-05T13:30:00Z'),
    ]);
    // Monrovia was −0:44:30 until 7 January 1972: its days until then start mid-quarter-hour and are no buckets.
    expect(localDayHolding(Date.parse('1971-06-01T12:00:00Z'), 'Africa/Monrovia')).toBeNull();
    expect(localDaysWithin(Date.parse('1971-12-30T00:00:00Z'), Date.parse('1972-01-12T00:00:00Z'), 'Africa/Monrovia')).toEqual([
      [Date.parse('1972-01-08T00:00:00Z'), Date.parse('1972-01-12T00:00:00Z')],
    ]);
  });

  it('covers the range exactly once, and no rollup row straddles a period boundary', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2026-12-31') }),
        fc.integer({ min: 1, max: 90 * 1440 * 60 }),
        fc.constantFrom(null, ...Object.values(Granularity)),
        fc.constantFrom(...zones),
        fc.boolean(),
        (start, seconds, granularity, zone, reportingZone) => {
          const from = new Date(Math.floor(start / 1000) * 1000);
          const to = new Date(from.getTime() + seconds * 1000);
          const boundaries = granularity ? periodBoundaries(from, to, granularity, zone) : [from, to];
          // With the query's zone as the reporting zone, its local days come first.
          const grains: Array<{ name: string; ms: number; zone?: string }> = reportingZone ? [{ name: 'local-day', ms: 1440 * MIN, zone }, ...GRAINS] : GRAINS;
          const p = planSources(from, to, boundaries, grains);
          const pieces = [
            ...p.rollups.flatMap((r) => r.spans.map((s) => ({ ...s, step: r.grain.zone ? 0 : r.grain.ms, zone: r.grain.zone }))),
            ...p.raw.map((s) => ({ ...s, step: 0, zone: undefined })),
          ].sort((a, b) => a.from.getTime() - b.from.getTime());
          for (const local of pieces.filter((x) => x.zone)) {
            // Local-day spans start and end on local midnights, and no boundary cuts a day inside them.
            expect(localDayHolding(local.from.getTime(), zone)![0]).toBe(local.from.getTime());
            expect(localDayHolding(local.to.getTime() - 1, zone)![1]).toBe(local.to.getTime());
            for (const b of boundaries) if (b > local.from && b < local.to) expect(localDayHolding(b.getTime(), zone)![0]).toBe(b.getTime());
          }
          // Every local day wholly inside a period is read from the local-day grain.
          const cuts = [from, ...boundaries.filter((b) => b > from && b < to), to].map((b) => b.getTime());
          for (let i = 0; reportingZone && i + 1 < cuts.length; i++) {
            for (const [start, end] of localDaysWithin(cuts[i]!, cuts[i + 1]!, zone)) {
              expect(pieces.some((x) => x.zone && x.from.getTime() <= start && x.to.getTime() >= end)).toBe(true);
            }
          }
          // Contiguous, from `from` to `to`, without overlaps.
          expect(pieces[0]!.from).toEqual(from);
          expect(pieces[pieces.length - 1]!.to).toEqual(to);
          for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.from).toEqual(pieces[i - 1]!.to);
          const inside = boundaries.map((b) => b.getTime()).filter((b) => b > from.getTime() && b < to.getTime());
          for (const piece of pieces.filter((x) => x.step > 0)) {
            expect(piece.from.getTime() % piece.step).toBe(0);
            expect(piece.to.getTime() % piece.step).toBe(0);
            // Every boundary inside a rollup span falls on a bucket edge of that grain.
            for (const b of inside) if (b > piece.from.getTime() && b < piece.to.getTime()) expect(b % piece.step).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('grainsKeeping', () => {
  const ALL = ['channel', 'queue_id', 'team_id', 'agent_id'];
  const NO_AGENT = ['channel', 'queue_id', 'team_id'];
  const LADDER = [
    { name: 'day-team', ms: 1440 * MIN, dimensions: NO_AGENT },
    { name: 'day-agent', ms: 1440 * MIN, dimensions: ['team_id', 'agent_id'] },
    { name: 'day', ms: 1440 * MIN, dimensions: ALL },
    { name: 'hour', ms: 60 * MIN, dimensions: ALL },
    { name: '15m', ms: 15 * MIN, dimensions: ALL },
  ];
  const names = (dims: string[]) => grainsKeeping(LADDER, dims).map((g) => g.name);

  it('takes the smallest grain of each bucket length that keeps every needed dimension', () => {
    expect(names([])).toEqual(['day-team', 'hour', '15m']);
    expect(names(['team_id'])).toEqual(['day-team', 'hour', '15m']);
    expect(names(['team_id', 'channel'])).toEqual(['day-team', 'hour', '15m']);
    expect(names(['agent_id'])).toEqual(['day-agent', 'hour', '15m']);
    expect(names(['agent_id', 'team_id'])).toEqual(['day-agent', 'hour', '15m']);
    expect(names(['queue_id', 'agent_id'])).toEqual(['day', 'hour', '15m']);
  });

  it('leaves out grains missing a dimension, even when no other grain has that bucket length', () => {
    const coarse = [{ name: 'month-queue', ms: 30 * 1440 * MIN, dimensions: ['queue_id'] }, ...LADDER];
    expect(grainsKeeping(coarse, ['queue_id']).map((g) => g.name)).toEqual(['month-queue', 'day-team', 'hour', '15m']);
    expect(grainsKeeping(coarse, ['channel']).map((g) => g.name)).toEqual(['day-team', 'hour', '15m']);
  });
});

describe('ROLLUP_GRAINS', () => {
  it('lists grains coarsest first, each before the finer grain it is summed from', () => {
    ROLLUP_GRAINS.forEach((grain, i) => {
      if (i > 0) expect(grain.ms).toBeLessThanOrEqual(ROLLUP_GRAINS[i - 1]!.ms);
      if (!grain.finer) return;
      expect(ROLLUP_GRAINS.indexOf(grain.finer)).toBeGreaterThan(i);
      // Its buckets are whole buckets of the finer grain, and it keeps a subset of its dimensions.
      expect(grain.ms % grain.finer.ms).toBe(0);
      for (const d of grain.dimensions) expect(grain.finer.dimensions).toContain(d);
    });
    // The ones summed from the contacts at a rebuild: the quarter hours without agents, the hours by agent, the days.
    expect(ROLLUP_GRAINS.filter((g) => !g.finer).map((g) => g.table)).toEqual(['contact_rollup_day', 'contact_rollup_hour_agent', 'contact_rollup_team']);
  });

  it('keeps every grain from the finest delta: every dimension by quarter hours, not stored itself', () => {
    expect(FINEST_GRAIN.dimensions).toEqual(ROLLUP_DIMENSIONS);
    expect(ROLLUP_GRAINS).not.toContain(FINEST_GRAIN);
    for (const grain of ROLLUP_GRAINS) {
      expect(grain.ms % FINEST_GRAIN.ms).toBe(0);
      for (const d of grain.dimensions) expect(FINEST_GRAIN.dimensions).toContain(d);
    }
  });

  it('reads days and hours without agents or by team × agent when the query needs nothing else, the full grains otherwise', () => {
    const tables = (dims: string[]) => grainsKeeping(grainsFor(ROLLUP_GRAINS, null, 'UTC'), dims).map((g) => g.table);
    const withoutAgent = ['contact_rollup_hour_team', 'contact_rollup_team'];
    const byAgent = ['contact_rollup_hour_agent'];
    // The agent with another dimension: whole days, the rest from the contacts.
    const full: string[] = [];
    expect(tables([])).toEqual(['contact_rollup_day_total', ...withoutAgent]);
    expect(tables(['team_id'])).toEqual(['contact_rollup_day_team', ...withoutAgent]);
    expect(tables(['team_id', 'channel'])).toEqual(['contact_rollup_day_team', ...withoutAgent]);
    expect(tables(['agent_id'])).toEqual(['contact_rollup_day_agent', ...byAgent]);
    expect(tables(['team_id', 'agent_id', 'agent_id'])).toEqual(['contact_rollup_day_agent', ...byAgent]);
    expect(tables(['agent_id', 'channel'])).toEqual(['contact_rollup_day', ...full]);
    expect(tables(['queue_id', 'agent_id'])).toEqual(['contact_rollup_day', ...full]);
    expect(tables(['direction', 'team_id', 'agent_id'])).toEqual(['contact_rollup_day', ...full]);
  });

  it('reads the days of the reporting zone first when the query is cut in it, and never for UTC', () => {
    const tables = (dims: string[], reportingZone: string, queryZone: string) =>
      grainsKeeping(grainsFor(ROLLUP_GRAINS, reportingZone, queryZone), dims).map((g) => `${g.table}${g.zone ? `@${g.zone}` : ''}`);
    expect(tables(['agent_id'], 'Europe/Berlin', 'Europe/Berlin')).toEqual([
      'contact_rollup_local_day_agent@Europe/Berlin', 'contact_rollup_day_agent', 'contact_rollup_hour_agent',
    ]);
    expect(tables(['queue_id'], 'Europe/Berlin', 'Europe/Berlin')[0]).toBe('contact_rollup_local_day_team@Europe/Berlin');
    expect(tables([], 'Europe/Berlin', 'Europe/Berlin')).toEqual([
      'contact_rollup_local_day_total@Europe/Berlin', 'contact_rollup_day_total', 'contact_rollup_hour_team', 'contact_rollup_team',
    ]);
    expect(tables(['queue_id', 'agent_id'], 'Europe/Berlin', 'Europe/Berlin')[0]).toBe('contact_rollup_day');
    expect(tables(['agent_id'], 'Europe/Berlin', 'Asia/Tokyo')[0]).toBe('contact_rollup_day_agent');
    expect(tables(['agent_id'], 'UTC', 'UTC')[0]).toBe('contact_rollup_day_agent');
  });
});
