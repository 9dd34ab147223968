import { describe, expect, it } from 'vitest';
import { METRICS } from '../../src/analytics/metric-catalog';
import {
  compare,
  comparatorDirection,
  evaluateScorecard,
  evaluateTarget,
  penaltyFor,
  slaStatus,
  summarize,
  targetDirection,
  targetableMetrics,
  validateTargets,
  type SlaStatus,
  type SlaTargetInput,
} from '../../src/sla/evaluation';

describe(slaStatus.name, () => {
  describe('AT_LEAST with a warning (target 0.8, warning 0.85)', () => {
    const t = { comparator: 'AT_LEAST' as const, target: 0.8, warning: 0.85 };
    it.each([
      [0.9, 'MET'],
      [0.85, 'MET'], // = warning
      [0.84, 'AT_RISK'],
      [0.8, 'AT_RISK'], // = target
      [0.79, 'BREACHED'],
      [0, 'BREACHED'],
    ])('%s → %s', (actual, status) => expect(slaStatus(actual, t)).toBe(status));
  });

  describe('AT_LEAST without a warning (target 0.8)', () => {
    it.each([
      [0.81, 'MET'],
      [0.8, 'MET'], // = target
      [0.7999, 'BREACHED'],
    ])('%s → %s', (actual, status) => {
      expect(slaStatus(actual, { comparator: 'AT_LEAST', target: 0.8 })).toBe(status);
      expect(slaStatus(actual, { comparator: 'AT_LEAST', target: 0.8, warning: null })).toBe(status);
    });
  });

  describe('AT_LEAST with warning = target: no AT_RISK band', () => {
    const t = { comparator: 'AT_LEAST' as const, target: 0.8, warning: 0.8 };
    it.each([
      [0.8, 'MET'],
      [0.79, 'BREACHED'],
    ])('%s → %s', (actual, status) => expect(slaStatus(actual, t)).toBe(status));
  });

  describe('AT_MOST with a warning (target 30 s, warning 20 s)', () => {
    const t = { comparator: 'AT_MOST' as const, target: 30, warning: 20 };
    it.each([
      [0, 'MET'],
      [19, 'MET'],
      [20, 'MET'], // = warning
      [20.5, 'AT_RISK'],
      [30, 'AT_RISK'], // = target
      [30.01, 'BREACHED'],
    ])('%s → %s', (actual, status) => expect(slaStatus(actual, t)).toBe(status));
  });

  describe('AT_MOST without a warning (target 30 s)', () => {
    it.each([
      [29, 'MET'],
      [30, 'MET'], // = target
      [31, 'BREACHED'],
    ])('%s → %s', (actual, status) => expect(slaStatus(actual, { comparator: 'AT_MOST', target: 30 })).toBe(status));
  });

  it('is NO_DATA without a value (null, undefined, NaN), whatever the threshold', () => {
    expect(slaStatus(null, { comparator: 'AT_LEAST', target: 0.8 })).toBe('NO_DATA');
    expect(slaStatus(undefined, { comparator: 'AT_MOST', target: 30, warning: 20 })).toBe('NO_DATA');
    expect(slaStatus(NaN, { comparator: 'AT_MOST', target: 30 })).toBe('NO_DATA');
  });

  it('treats 0 as data, not as missing', () => {
    expect(slaStatus(0, { comparator: 'AT_LEAST', target: 0.8 })).toBe('BREACHED');
    expect(slaStatus(0, { comparator: 'AT_MOST', target: 0 })).toBe('MET');
  });

  it('never turns a breach into MET when an unvalidated warning lies on the wrong side', () => {
    expect(slaStatus(0.75, { comparator: 'AT_LEAST', target: 0.8, warning: 0.7 })).toBe('BREACHED');
    expect(slaStatus(0.8, { comparator: 'AT_LEAST', target: 0.8, warning: 0.7 })).toBe('MET');
    expect(slaStatus(35, { comparator: 'AT_MOST', target: 30, warning: 40 })).toBe('BREACHED');
  });
});

describe(compare.name, () => {
  it('judges a rise as IMPROVED when higher is better and WORSENED when lower is better', () => {
    expect(compare(0.9, 0.8, 'HIGHER').change).toBe('IMPROVED');
    expect(compare(0.9, 0.8, 'LOWER').change).toBe('WORSENED');
  });

  it('judges a fall as WORSENED when higher is better and IMPROVED when lower is better', () => {
    expect(compare(25, 30, 'HIGHER').change).toBe('WORSENED');
    expect(compare(25, 30, 'LOWER')).toEqual({ delta: -5, relativeDelta: -5 / 30, change: 'IMPROVED' });
  });

  it('is UNCHANGED when the delta is 0, in both directions, including at 0', () => {
    expect(compare(30, 30, 'LOWER')).toEqual({ delta: 0, relativeDelta: 0, change: 'UNCHANGED' });
    expect(compare(0.8, 0.8, 'HIGHER').change).toBe('UNCHANGED');
    expect(compare(0, 0, 'HIGHER')).toEqual({ delta: 0, relativeDelta: null, change: 'UNCHANGED' });
  });

  it('is NOT_COMPARABLE with nulls in delta and relativeDelta when either value is missing', () => {
    const none = { delta: null, relativeDelta: null, change: 'NOT_COMPARABLE' };
    expect(compare(null, 0.8, 'HIGHER')).toEqual(none);
    expect(compare(0.8, null, 'HIGHER')).toEqual(none);
    expect(compare(null, null, 'LOWER')).toEqual(none);
    expect(compare(0.8, undefined, 'LOWER')).toEqual(none);
  });

  it('has no relativeDelta against a previous 0, but a delta and a change', () => {
    expect(compare(0.1, 0, 'HIGHER')).toEqual({ delta: 0.1, relativeDelta: null, change: 'IMPROVED' });
    expect(compare(5, 0, 'LOWER')).toEqual({ delta: 5, relativeDelta: null, change: 'WORSENED' });
  });

  it('divides by |previous|, so a rise from a negative value is a positive relative change', () => {
    expect(compare(1, -2, 'HIGHER')).toEqual({ delta: 3, relativeDelta: 1.5, change: 'IMPROVED' });
    expect(compare(-3, -2, 'HIGHER')).toEqual({ delta: -1, relativeDelta: -0.5, change: 'WORSENED' });
  });

  it('computes delta = actual − previous and relativeDelta = delta / previous', () => {
    expect(compare(40, 32, 'LOWER')).toEqual({ delta: 8, relativeDelta: 0.25, change: 'WORSENED' });
  });
});

describe(penaltyFor.name, () => {
  it('charges penaltyPerBreach only when BREACHED', () => {
    expect(penaltyFor('BREACHED', 500)).toBe(500);
    for (const s of ['MET', 'AT_RISK', 'NO_DATA'] as SlaStatus[]) expect(penaltyFor(s, 500)).toBe(0);
    expect(penaltyFor('BREACHED', null)).toBe(0);
  });
});

describe('directions', () => {
  it('takes the direction from the catalog, falling back to the comparator', () => {
    expect(comparatorDirection('AT_LEAST')).toBe('HIGHER');
    expect(comparatorDirection('AT_MOST')).toBe('LOWER');
    expect(targetDirection({ metric: 'serviceLevel', comparator: 'AT_MOST' })).toBe('HIGHER');
    expect(targetDirection({ metric: 'averageSpeedOfAnswer', comparator: 'AT_LEAST' })).toBe('LOWER');
    expect(targetDirection({ metric: 'offered', comparator: 'AT_LEAST' })).toBe('HIGHER'); // better: null
    expect(targetDirection({ metric: 'notInCatalog', comparator: 'AT_MOST' })).toBe('LOWER');
  });

  it('every targetable metric of the catalog has a direction, or takes its comparator\'s (occupancy is bad both too high and too low)', () => {
    expect(targetableMetrics().length).toBeGreaterThan(0);
    for (const m of targetableMetrics()) {
      expect(targetDirection({ metric: m.name, comparator: 'AT_MOST' }), m.name).toBe(m.better ?? 'LOWER');
      expect(targetDirection({ metric: m.name, comparator: 'AT_LEAST' }), m.name).toBe(m.better ?? 'HIGHER');
    }
    expect(targetableMetrics().filter((m) => m.better === null).map((m) => m.name)).toContain('occupancy');
  });
});

describe(evaluateTarget.name, () => {
  it('evaluates status, change and penalty, applying defaults', () => {
    const e = evaluateTarget({ metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 30 }, 42, 35);
    expect(e).toEqual({
      metric: 'averageSpeedOfAnswer',
      comparator: 'AT_MOST',
      target: 30,
      warning: null,
      weight: 1,
      penaltyPerBreach: 0,
      actual: 42,
      previous: 35,
      better: 'LOWER',
      status: 'BREACHED',
      delta: 7,
      relativeDelta: 0.2,
      change: 'WORSENED',
      penalty: 0,
    });
  });

  it('charges the penalty of a breach and none of a NO_DATA', () => {
    const t = { metric: 'serviceLevel', comparator: 'AT_LEAST' as const, target: 0.8, penaltyPerBreach: 250 };
    expect(evaluateTarget(t, 0.7).penalty).toBe(250);
    expect(evaluateTarget(t, 0.8).penalty).toBe(0);
    const none = evaluateTarget(t, null, 0.9);
    expect(none).toMatchObject({ status: 'NO_DATA', penalty: 0, actual: null, change: 'NOT_COMPARABLE' });
  });

  it('accepts an explicit direction', () => {
    const t = { metric: 'someFutureScore', comparator: 'AT_LEAST' as const, target: 3 };
    expect(evaluateTarget(t, 4, 3).change).toBe('IMPROVED');
    expect(evaluateTarget(t, 4, 3, 'LOWER').change).toBe('WORSENED');
  });
});

describe(summarize.name, () => {
  const e = (status: SlaStatus, weight?: number | null, penalty = 0) => ({ status, weight, penalty });

  it('weighs compliance by target weight, counting AT_RISK as kept and ignoring NO_DATA', () => {
    const s = summarize([e('MET', 2), e('AT_RISK', 1), e('BREACHED', 1, 100), e('NO_DATA', 5)]);
    expect(s).toEqual({ compliance: 3 / 4, met: 1, atRisk: 1, breached: 1, noData: 1, penaltyTotal: 100 });
  });

  it('defaults weights to 1', () => {
    expect(summarize([e('MET'), e('BREACHED', null)]).compliance).toBe(0.5);
  });

  it('is 1 when every target with data is met or at risk, 0 when all breached', () => {
    expect(summarize([e('MET'), e('AT_RISK'), e('NO_DATA')]).compliance).toBe(1);
    expect(summarize([e('BREACHED'), e('BREACHED', 3), e('NO_DATA')]).compliance).toBe(0);
  });

  it('lets a weight-0 target count in the cards but in neither side of compliance', () => {
    expect(summarize([e('MET', 1), e('BREACHED', 0, 50)])).toEqual({
      compliance: 1,
      met: 1,
      atRisk: 0,
      breached: 1,
      noData: 0,
      penaltyTotal: 50,
    });
    expect(summarize([e('MET', 0), e('BREACHED', 1)]).compliance).toBe(0);
  });

  it('is null when no target has data, or when the weights with data sum to 0', () => {
    expect(summarize([e('NO_DATA'), e('NO_DATA', 3)])).toEqual({
      compliance: null,
      met: 0,
      atRisk: 0,
      breached: 0,
      noData: 2,
      penaltyTotal: 0,
    });
    expect(summarize([]).compliance).toBeNull();
    expect(summarize([e('MET', 0), e('BREACHED', 0), e('NO_DATA', 4)]).compliance).toBeNull();
  });

  it('adds up the penalties', () => {
    expect(summarize([e('BREACHED', 1, 100), e('BREACHED', 1, 250.5), e('MET', 1, 0)]).penaltyTotal).toBe(350.5);
  });
});

describe(evaluateScorecard.name, () => {
  const targets = [
    { metric: 'serviceLevel', comparator: 'AT_LEAST' as const, target: 0.8, warning: 0.85, weight: 3, penaltyPerBreach: 1000 },
    { metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST' as const, target: 30, warning: 20, weight: 2, penaltyPerBreach: 400 },
    { metric: 'abandonRate', comparator: 'AT_MOST' as const, target: 0.05, weight: 1, penaltyPerBreach: 300 },
    { metric: 'firstContactResolutionRate', comparator: 'AT_LEAST' as const, target: 0.7 },
  ];

  it('evaluates every target against the values of its metric and totals the card', () => {
    const card = evaluateScorecard(
      targets,
      { serviceLevel: 0.82, averageSpeedOfAnswer: 20, abandonRate: 0.07, firstContactResolutionRate: null },
      { serviceLevel: 0.86, averageSpeedOfAnswer: 25, abandonRate: 0.07 },
    );
    expect(card.targets.map((t) => [t.metric, t.status, t.change, t.penalty])).toEqual([
      ['serviceLevel', 'AT_RISK', 'WORSENED', 0],
      ['averageSpeedOfAnswer', 'MET', 'IMPROVED', 0],
      ['abandonRate', 'BREACHED', 'UNCHANGED', 300],
      ['firstContactResolutionRate', 'NO_DATA', 'NOT_COMPARABLE', 0],
    ]);
    expect(card).toMatchObject({ compliance: 5 / 6, met: 1, atRisk: 1, breached: 1, noData: 1, penaltyTotal: 300 });
  });

  it('treats a metric missing from the values as NO_DATA and NOT_COMPARABLE', () => {
    const card = evaluateScorecard(targets, {});
    expect(card).toMatchObject({ compliance: null, noData: 4, penaltyTotal: 0 });
    expect(card.targets.every((t) => t.change === 'NOT_COMPARABLE')).toBe(true);
  });
});

describe(validateTargets.name, () => {
  const ok: SlaTargetInput = { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8 };
  const rules = (inputs: SlaTargetInput[]) => validateTargets(inputs).problems.map((p) => `${p.field}:${p.rule}`);

  it('accepts valid targets and applies defaults (warning null, weight 1, penalty 0)', () => {
    const aht = { metric: 'averageHandleTime', comparator: 'AT_MOST', target: 300, warning: 280, weight: 0, penaltyPerBreach: 50 };
    const r = validateTargets([ok, aht]);
    expect(r.problems).toEqual([]);
    expect(r.targets).toEqual([
      { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: null, weight: 1, penaltyPerBreach: 0 },
      { metric: 'averageHandleTime', comparator: 'AT_MOST', target: 300, warning: 280, weight: 0, penaltyPerBreach: 50 },
    ]);
  });

  it('accepts a warning equal to the target', () => {
    expect(rules([{ ...ok, warning: 0.8 }, { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.05, warning: 0.05 }])).toEqual([]);
  });

  it('accepts every ratio, duration, score, agents and money metric of the catalog, and refuses every count and total', () => {
    for (const m of METRICS) {
      const r = validateTargets([{ metric: m.name, comparator: 'AT_LEAST', target: 1 }]);
      if (m.kind === 'count' || m.kind === 'seconds') expect(r.problems.map((p) => p.rule), m.name).toEqual(['NOT_A_RATIO_OR_DURATION']);
      else expect(r.problems, m.name).toEqual([]);
    }
  });

  it('names the field and the rule of each problem, with the index', () => {
    const r = validateTargets([
      ok,
      { metric: 'offered', comparator: 'AT_LEAST', target: 100 },
      { metric: 'nope', comparator: 'AT_LEAST', target: 1 },
      { metric: 'serviceLevel', comparator: 'AT_MOST', target: 0.8, warning: 0.9 },
    ]);
    expect(r.targets).toEqual([]);
    expect(r.problems).toEqual([
      { index: 1, field: 'targets[1].metric', rule: 'NOT_A_RATIO_OR_DURATION', message: expect.stringContaining('count') },
      { index: 2, field: 'targets[2].metric', rule: 'UNKNOWN_METRIC', message: expect.stringContaining('nope') },
      { index: 3, field: 'targets[3].warning', rule: 'WARNING_ON_WRONG_SIDE', message: expect.any(String) },
    ]);
  });

  it('refuses a warning on the wrong side for either comparator', () => {
    expect(rules([{ ...ok, warning: 0.79 }])).toEqual(['targets[0].warning:WARNING_ON_WRONG_SIDE']);
    expect(rules([{ metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 30, warning: 31 }])).toEqual([
      'targets[0].warning:WARNING_ON_WRONG_SIDE',
    ]);
  });

  it('refuses non-finite numbers', () => {
    expect(
      rules([
        { ...ok, target: NaN },
        { ...ok, metric: 'answerRate', target: Infinity, warning: NaN },
        { ...ok, metric: 'abandonRate', target: null as unknown as number },
        { ...ok, metric: 'transferRate', weight: -Infinity, penaltyPerBreach: NaN },
      ]),
    ).toEqual([
      'targets[0].target:NOT_FINITE',
      'targets[1].target:NOT_FINITE',
      'targets[1].warning:NOT_FINITE',
      'targets[2].target:NOT_FINITE',
      'targets[3].weight:NOT_FINITE',
      'targets[3].penaltyPerBreach:NOT_FINITE',
    ]);
  });

  it('refuses negative weights and penalties, accepts 0', () => {
    expect(rules([{ ...ok, weight: -1, penaltyPerBreach: -0.01 }])).toEqual([
      'targets[0].weight:NEGATIVE',
      'targets[0].penaltyPerBreach:NEGATIVE',
    ]);
    expect(rules([{ ...ok, weight: 0, penaltyPerBreach: 0 }])).toEqual([]);
  });

  it('refuses an unknown comparator', () => {
    expect(rules([{ ...ok, comparator: 'EQUALS' }])).toEqual(['targets[0].comparator:UNKNOWN_COMPARATOR']);
  });

  it('refuses the same metric with the same comparator twice, but allows a floor and a ceiling', () => {
    expect(rules([ok, { ...ok, target: 0.9 }])).toEqual(['targets[1].metric:DUPLICATE_TARGET']);
    expect(rules([ok, { ...ok, comparator: 'AT_MOST', target: 0.99 }])).toEqual([]);
  });

  it('reports every problem of one target and uses the given field name', () => {
    const r = validateTargets([{ metric: 'handled', comparator: 'X', target: NaN, weight: -2 }], 'policy.targets');
    expect(r.problems.map((p) => `${p.field}:${p.rule}`)).toEqual([
      'policy.targets[0].metric:NOT_A_RATIO_OR_DURATION',
      'policy.targets[0].comparator:UNKNOWN_COMPARATOR',
      'policy.targets[0].target:NOT_FINITE',
      'policy.targets[0].weight:NEGATIVE',
    ]);
  });
});
