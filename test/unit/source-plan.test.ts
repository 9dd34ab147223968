import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Granularity, periodBoundaries } from '../../src/analytics/calendar';
import { planSources, type TimeSpan } from '../../src/analytics/source-plan';

const MIN = 60_000;
const GRAINS = [
  { name: 'day', ms: 1440 * MIN },
  { name: 'hour', ms: 60 * MIN },
  { name: '15m', ms: 15 * MIN },
];
const d = (iso: string) => new Date(iso);
const iso = (spans: TimeSpan[]) => spans.map((s) => `${s.from.toISOString()}/${s.to.toISOString()}`);
const plan = (from: string, to: string, granularity: Granularity | null, zone = 'UTC') => {
  const boundaries = granularity ? periodBoundaries(d(from), d(to), granularity, zone) : [d(from), d(to)];
  const p = planSources(d(from), d(to), boundaries, GRAINS);
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

  it('covers the range exactly once, and no rollup row straddles a period boundary', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2026-12-31') }),
        fc.integer({ min: 1, max: 90 * 1440 * 60 }),
        fc.constantFrom(null, ...Object.values(Granularity)),
        fc.constantFrom(...zones),
        (start, seconds, granularity, zone) => {
          const from = new Date(Math.floor(start / 1000) * 1000);
          const to = new Date(from.getTime() + seconds * 1000);
          const boundaries = granularity ? periodBoundaries(from, to, granularity, zone) : [from, to];
          const p = planSources(from, to, boundaries, GRAINS);
          const pieces = [
            ...p.rollups.flatMap((r) => r.spans.map((s) => ({ ...s, step: r.grain.ms }))),
            ...p.raw.map((s) => ({ ...s, step: 0 })),
          ].sort((a, b) => a.from.getTime() - b.from.getTime());
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
