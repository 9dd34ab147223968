import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from '../../../src/platform/date-time.scalar';

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
});
