import { describe, expect, it } from 'vitest';
import { DateTimeResolver } from 'graphql-scalars';
import { DateTimeScalar, parseDateTime } from '../../../src/platform/date-time.scalar';
import { random } from '../../support/random';

/** What graphql-scalars makes of a value: its instant, or its refusal's message. */
const reference = (value: unknown) => {
  try {
    return (DateTimeResolver.parseValue(value) as Date).getTime();
  } catch (error) {
    return (error as Error).message;
  }
};
const ours = (value: unknown) => {
  try {
    return parseDateTime(value).getTime();
  } catch (error) {
    return (error as Error).message;
  }
};

describe('DateTime scalar', () => {
  it('serializes a Date to its UTC ISO string, the same text JSON.stringify would give', () => {
    const date = new Date('2025-06-01T02:00:00+02:00');
    expect(DateTimeScalar.serialize(date)).toBe('2025-06-01T00:00:00.000Z');
    expect(JSON.stringify(DateTimeScalar.serialize(date))).toBe(JSON.stringify(date));
  });

  it('formats a Date again after it was changed in place', () => {
    const date = new Date('2025-06-01T00:00:00Z');
    expect(DateTimeScalar.serialize(date)).toBe('2025-06-01T00:00:00.000Z');
    date.setUTCDate(2);
    expect(DateTimeScalar.serialize(date)).toBe('2025-06-02T00:00:00.000Z');
  });

  it('serializes date-time strings and epoch milliseconds, and refuses an invalid Date', () => {
    expect(DateTimeScalar.serialize('2025-06-01T02:00:00+02:00')).toBe('2025-06-01T00:00:00.000Z');
    expect(DateTimeScalar.serialize(Date.UTC(2025, 5, 1))).toBe('2025-06-01T00:00:00.000Z');
    expect(() => DateTimeScalar.serialize(new Date('nonsense'))).toThrow(/invalid Date/);
  });

  it('parses date-times exactly as graphql-scalars does: the same instant, or the same refusal', () => {
    const next = random(20261205);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const samples: unknown[] = [
      '2025-02-29T00:00:00Z', '2024-02-29T12:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-00-10T00:00:00Z',
      '2025-01-01T24:00:00Z', '2025-01-01T23:60:00Z', '2025-12-31T23:59:60Z', '2025-01-01T00:00:00+24:00', '2025-01-01t00:00:00z',
      '2025-01-01T00:00:00', '2025-01-01 00:00:00Z', '2025-01-01T00:00:00.Z', '2025-01-01T00:00:00.1234567891Z', '2025-01-28T00:00:00.5-00:30',
      '', 'yesterday', 1735689600000, null, new Date('2025-06-01T00:00:00Z'),
    ];
    for (let i = 0; i < 3000; i++) {
      const offset = pick(['Z', '+00:00', '-00:00', '+05:45', '-09:30', '+14:00', '-12:00', '+23:59']);
      const fraction = pick(['', '.5', '.123', '.123456', '.123456789']);
      samples.push(
        `${pad(1 + Math.floor(next() * 9998), 4)}-${pad(1 + Math.floor(next() * 12))}-${pad(1 + Math.floor(next() * 31))}` +
          `T${pad(Math.floor(next() * 24))}:${pad(Math.floor(next() * 60))}:${pad(Math.floor(next() * 60))}${fraction}${offset}`,
      );
    }
    for (const value of samples) expect(ours(value), String(value)).toEqual(reference(value));
  });
});

