import { describe, expect, it } from 'vitest';
import { KpiResultCache } from '../../../src/platform/kpi-result-cache';

const rows = (chars: number) => [{ rows: 'x'.repeat(chars), reporting_zone: 'UTC' }];

describe('KpiResultCache', () => {
  it('answers the same statement, values and version only', () => {
    const cache = new KpiResultCache(1024 * 1024);
    cache.set(1, '5', 'select ?', [1], rows(10));
    expect(cache.get(1, '5', 'select ?', [1])).toEqual(rows(10));
    expect(cache.get(1, '5', 'select ?', [2])).toBeUndefined();
    expect(cache.get(1, '5', 'select ? ', [1])).toBeUndefined();
    expect(cache.get(2, '5', 'select ?', [1])).toBeUndefined();
    expect(cache.hits).toBe(1);
    expect(cache.misses).toBe(3);
  });

  it('drops an organization\'s results when a newer version is seen, and never keeps an older one', () => {
    const cache = new KpiResultCache(1024 * 1024);
    cache.set(1, '5', 'a', [], rows(10));
    cache.set(2, '7', 'a', [], rows(10));
    expect(cache.get(1, '6', 'a', [])).toBeUndefined(); // version 6 seen: 5's results go
    expect(cache.size.entries).toBe(1);
    expect(cache.get(1, '5', 'a', [])).toBeUndefined();
    cache.set(1, '5', 'b', [], rows(10)); // read before 6 was committed: not kept
    expect(cache.get(1, '5', 'b', [])).toBeUndefined();
    cache.set(1, '6', 'b', [], rows(10));
    expect(cache.get(1, '6', 'b', [])).toEqual(rows(10));
    expect(cache.get(2, '7', 'a', [])).toEqual(rows(10)); // other organizations keep theirs
    // Versions compare as integers, not text.
    cache.set(1, '10', 'c', [], rows(10));
    expect(cache.get(1, '6', 'b', [])).toBeUndefined();
    expect(cache.get(1, '10', 'c', [])).toEqual(rows(10));
  });

  it('stays within its bytes, evicting the least recently used first', () => {
    const max = 100_000;
    const cache = new KpiResultCache(max);
    for (let i = 0; i < 100; i++) {
      cache.set(1, '1', `q${i}`, [], rows(1_000)); // about 2 KB each
      if (i >= 1) expect(cache.get(1, '1', 'q0', [])).toBeDefined(); // q0 stays: used after each store
      expect(cache.size.bytes).toBeLessThanOrEqual(max);
    }
    expect(cache.size.entries).toBeGreaterThan(30);
    expect(cache.size.entries).toBeLessThan(50);
    expect(cache.get(1, '1', 'q1', [])).toBeUndefined(); // least recently used
    expect(cache.get(1, '1', 'q99', [])).toBeDefined();
  });

  it('does not keep a result larger than an eighth of its bytes', () => {
    const cache = new KpiResultCache(100_000);
    cache.set(1, '1', 'big', [], rows(7_000)); // 14 KB > 12.5 KB
    expect(cache.get(1, '1', 'big', [])).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    cache.set(1, '1', 'small', [], rows(5_000));
    expect(cache.size.entries).toBe(1);
  });
});
