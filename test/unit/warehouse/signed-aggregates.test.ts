import { describe, expect, it } from 'vitest';
import { signedAggregate } from '../../../src/warehouse/deltas';
import { ACTIVITY_FACT, CONTACT_FACT } from '../../../src/warehouse/facts';

describe('signedAggregate (one pass over the staged versions, each weighed by its sign)', () => {
  it('rewrites every declared sum of every rollup', () => {
    for (const fact of [CONTACT_FACT, ACTIVITY_FACT]) {
      for (const rollup of fact.rollups) {
        for (const aggregate of Object.values(rollup.sums)) {
          const signed = signedAggregate(aggregate, fact.alias);
          expect(signed).toContain(`${fact.alias}.sign`);
          expect(signed).not.toMatch(/count\(\*\)/);
        }
      }
    }
  });

  it('weighs counts and sums, keeping filters and coalesce', () => {
    expect(signedAggregate('count(*)', 'c')).toBe('coalesce(sum(c.sign), 0)');
    expect(signedAggregate(`count(*) filter (where c.direction = 'INBOUND')`, 'c')).toBe(`coalesce(sum(c.sign) filter (where c.direction = 'INBOUND'), 0)`);
    expect(signedAggregate('sum(a.logged_in_seconds * a.hourly_cost)', 'a')).toBe('sum(a.sign * (a.logged_in_seconds * a.hourly_cost))');
    expect(signedAggregate('coalesce(sum(c.wait_seconds) filter (where c.answered_at is not null), 0)', 'c')).toBe(
      'coalesce(sum(c.sign * (c.wait_seconds)) filter (where c.answered_at is not null), 0)',
    );
  });

  it('refuses an aggregate it cannot weigh', () => {
    expect(() => signedAggregate('max(c.wait_seconds)', 'c')).toThrow(/cannot weigh/);
    expect(() => signedAggregate('avg(c.wait_seconds)', 'c')).toThrow(/cannot weigh/);
  });
});
