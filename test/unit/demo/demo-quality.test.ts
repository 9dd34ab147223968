import { describe, expect, it } from 'vitest';
import { DEMO_QA_FORMS, demoScores } from '../../../src/demo/demo-quality';
import { mulberry32 } from '../../../src/demo/demo-generator';
import { scoreEvaluation } from '../../../src/quality/qa-scoring';

describe('demoScores', () => {
  /** 20,000 evaluations on each form, scored as DOMAIN.md says. */
  const scored = (struggling: boolean) =>
    DEMO_QA_FORMS.flatMap((form) => {
      const next = mulberry32(7);
      const criteria = form.criteria.map((c) => ({ ...c, fatal: c.fatal ?? false }));
      return Array.from({ length: 10_000 }, () =>
        scoreEvaluation(criteria, new Map(demoScores(next, form.criteria, struggling).map((s) => [s.criterion, s.score]))),
      );
    });

  it('gives each form a fatal criterion and scores every criterion', () => {
    for (const form of DEMO_QA_FORMS) {
      expect(form.criteria.filter((c) => c.fatal).length).toBeGreaterThan(0);
      expect(demoScores(mulberry32(1), form.criteria, false).map((s) => s.criterion)).toEqual(form.criteria.map((c) => c.key));
    }
  });

  it('scores most evaluations 0.7–1 with 3–5 % fatal errors, and struggling agents lower', () => {
    const all = scored(false);
    const fatal = all.filter((e) => e.fatalErrors.length > 0).length / all.length;
    expect(fatal).toBeGreaterThan(0.03);
    expect(fatal).toBeLessThan(0.05);
    const passing = all.filter((e) => e.fatalErrors.length === 0);
    expect(passing.filter((e) => e.score >= 0.7 && e.score <= 1).length / passing.length).toBeGreaterThan(0.95);
    const mean = (xs: Array<{ score: number }>) => xs.reduce((s, e) => s + e.score, 0) / xs.length;
    expect(mean(all)).toBeGreaterThan(0.84);
    expect(mean(all)).toBeLessThan(0.9);
    expect(mean(scored(true))).toBeLessThan(mean(all) - 0.1);
  });
});
