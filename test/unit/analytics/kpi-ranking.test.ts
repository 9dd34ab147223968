import { describe, expect, it } from 'vitest';
import { rank, rankingProblems, type Ranking } from '../../../src/analytics/kpi-ranking';

/** Rows in the default order, each with its metrics. */
const rows = [
  { key: 'a', handled: 60, csatScore: 0.9 },
  { key: 'b', handled: 40, csatScore: 0.5 },
  { key: 'c', handled: 80, csatScore: null },
  { key: 'd', handled: 55, csatScore: 0.5 },
  { key: 'e', handled: 50, csatScore: 0.7 },
];
const ranked = (ranking: Partial<Ranking>) =>
  rank(rows, { orderBy: [], having: [], limit: null, ...ranking }, (r) => ({ handled: r.handled, csatScore: r.csatScore })).map((r) => r.key);

describe(rank.name, () => {
  it('keeps the rows meeting every condition (bounds included, null never), lowest first, at most limit', () => {
    // "The 2 agents with the lowest CSAT who handled at least 50": a 0.9, d 0.5, e 0.7 (c has no CSAT, b handled 40).
    expect(ranked({ having: [{ metric: 'handled', comparator: 'AT_LEAST', value: 50 }], orderBy: [{ metric: 'csatScore', direction: 'ASC' }], limit: 2 })).toEqual(['d', 'e']);
    expect(ranked({ having: [{ metric: 'handled', comparator: 'AT_MOST', value: 55 }] })).toEqual(['b', 'd', 'e']);
  });

  it('puts nulls last in both directions and breaks ties by the default order, then by the next metric', () => {
    expect(ranked({ orderBy: [{ metric: 'csatScore', direction: 'DESC' }] })).toEqual(['a', 'e', 'b', 'd', 'c']);
    expect(ranked({ orderBy: [{ metric: 'csatScore', direction: 'ASC' }] })).toEqual(['b', 'd', 'e', 'a', 'c']);
    expect(ranked({ orderBy: [{ metric: 'csatScore', direction: 'ASC' }, { metric: 'handled', direction: 'DESC' }] })).toEqual(['d', 'b', 'e', 'a', 'c']);
  });

  it('keeps the default order with a limit alone', () => {
    expect(ranked({ limit: 3 })).toEqual(['a', 'b', 'c']);
  });
});

describe(rankingProblems.name, () => {
  it('names each metric that is not a numeric KpiRow field, and a limit outside 1..10,000', () => {
    const problems = rankingProblems({
      orderBy: [{ metric: 'handled', direction: 'ASC' }, { metric: 'agent', direction: 'ASC' }],
      having: [{ metric: 'waitTimePercentile', comparator: 'AT_LEAST', value: 1 }],
      limit: 0,
    });
    expect(problems.map((p) => [p.field, p.rule])).toEqual([
      ['orderBy[1].metric', 'UNKNOWN_METRIC'],
      ['having[0].metric', 'UNKNOWN_METRIC'],
      ['limit', 'OUT_OF_RANGE'],
    ]);
    expect(problems[0]!.message).toBe('"agent" is not a numeric KpiRow field without required arguments');
    expect(rankingProblems({ orderBy: [{ metric: 'serviceLevel', direction: 'DESC' }], having: [], limit: 10_000 })).toEqual([]);
  });
});
