import { parse, visit, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  aliased,
  manyDirectives,
  nestedFragments,
  nestedVersions,
  typenameFloodBody,
} from '../../resilience/support/attack-documents';
import { figuresTable, minMedianMax, percentile, summarize } from '../../resilience/support/figures';

describe('percentile', () => {
  it('is the nearest-rank value: p99 of 1..100 is 99, p50 is 50, p100 the max', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it('lets one slow probe in 50 through p99 (rank 50 of 50) but not p50', () => {
    const values = [...Array(49).fill(2), 900];
    expect(percentile(values, 99)).toBe(900);
    expect(percentile(values, 50)).toBe(2);
  });

  it('is NaN without values and refuses p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });
});

describe('summarize and minMedianMax', () => {
  it('count, p50, p99 and max of latencies', () => {
    expect(summarize([5, 1, 3])).toEqual({ count: 3, p50: 3, p99: 5, max: 5 });
  });

  it('median of an even count is the mean of the middle two', () => {
    expect(minMedianMax([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(minMedianMax([7])).toEqual({ min: 7, median: 7, max: 7 });
  });
});

describe('figuresTable', () => {
  it('one markdown row per attack, repeated timings as min / median / max, probe failures named', () => {
    const table = figuresTable([
      { attack: 'a', outcome: '400 X', responseMs: [3, 12.4, 40], healthz: { count: 20, p50: 1.23, p99: 4, max: 5 }, healthzFailures: 0, maxRssMb: 210.6 },
      { attack: 'b', outcome: '200', responseMs: [250], healthz: { count: 5, p50: 2, p99: 300, max: 300 }, healthzFailures: 2, maxRssMb: 300 },
    ]);
    expect(table.split('\n').slice(2)).toEqual([
      '| a | 400 X | 3.0 / 12 / 40 | 1.2 / 4.0 / 5.0 (20) | 211 |',
      '| b | 200 | 250 | 2.0 / 300 / 300 (5, 2 failed) | 300 |',
    ]);
  });
});

/** Parses a document and counts what the attack is about. */
function shape(document: string) {
  let aliases = 0;
  let directives = 0;
  let fragments = 0;
  let maxDepth = 0;
  let depth = 0;
  visit(parse(document), {
    Field: { enter: (node) => void ((aliases += node.alias ? 1 : 0), (maxDepth = Math.max(maxDepth, ++depth))), leave: () => void depth-- },
    Directive: () => void directives++,
    InlineFragment: () => void fragments++,
  });
  return { aliases, directives, fragments, maxDepth };
}

describe('attack documents', () => {
  it('aliased: n distinct aliases of the same field', () => {
    const document = aliased(3, 'queues { key }');
    expect(document).toBe('{ a0: queues { key } a1: queues { key } a2: queues { key } }');
    expect(shape(aliased(1_000, '__typename')).aliases).toBe(1_000);
  });

  it('nestedVersions(7): slaPolicies then 7 levels of versions', () => {
    const document = nestedVersions(7);
    expect(shape(document).maxDepth).toBe(1 + 7 + 1); // slaPolicies, 7 × versions, their leaf fields
    expect(document.match(/versions/g)).toHaveLength(7);
  });

  it('nestedFragments and manyDirectives are valid GraphQL of the asked size', () => {
    expect(shape(nestedFragments(50)).fragments).toBe(50);
    expect(shape(manyDirectives(300)).directives).toBe(300);
  });

  it('typenameFloodBody: 550,000 aliases make the issue’s 10.9 MB anonymous body', () => {
    const body = typenameFloodBody(550_000);
    expect(body.length / 1e6).toBeCloseTo(10.9, 0);
    const { query } = JSON.parse(typenameFloodBody(10)) as { query: string };
    expect(parse(query).definitions[0].kind).toBe(Kind.OPERATION_DEFINITION);
  });
});
