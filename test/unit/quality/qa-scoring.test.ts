import { describe, expect, it } from 'vitest';
import { scoreEvaluation, validateQaEvaluations, validateQaForm, type QaCriterion } from '../../../src/quality/qa-scoring';

const FORM: QaCriterion[] = [
  { key: 'greeting', label: 'Greets by name', weight: 1, fatal: false },
  { key: 'solution', label: 'Solves the issue', weight: 3, fatal: false },
  { key: 'privacy', label: 'Verifies identity', weight: 1, fatal: true },
];
const scores = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('scoreEvaluation', () => {
  it('weights each criterion: Σ(score × weight) / Σ weight', () => {
    expect(scoreEvaluation(FORM, scores({ greeting: 1, solution: 0.5, privacy: 1 }))).toEqual({ score: (1 + 1.5 + 1) / 5, fatalErrors: [] });
  });

  it('scores 0 with a fatal criterion below 1, naming it', () => {
    expect(scoreEvaluation(FORM, scores({ greeting: 1, solution: 1, privacy: 0.99 }))).toEqual({ score: 0, fatalErrors: ['privacy'] });
  });
});

describe('validateQaForm', () => {
  it('names every broken rule', () => {
    const { problems } = validateQaForm(' ', [
      { key: 'a', label: 'A', weight: 0 },
      { key: 'a', label: '', weight: 1 },
    ]);
    expect(problems.map((p) => `${p.field} ${p.rule}`)).toEqual(['name REQUIRED', 'criteria[0].weight OUT_OF_RANGE', 'criteria[1].key DUPLICATE', 'criteria[1].label LENGTH']);
    expect(validateQaForm('Calls', []).problems.map((p) => p.rule)).toEqual(['REQUIRED']);
  });
});

describe('validateQaEvaluations', () => {
  const forms = new Map([['7', FORM]]);
  const contacts = new Map([['c-1', '101']]);
  const good = {
    externalId: 'e-1', contactExternalId: 'c-1', formId: '7', evaluator: 'sam', evaluatedAt: new Date('2026-03-02T10:00:00Z'),
    scores: [{ criterion: 'greeting', score: 1 }, { criterion: 'solution', score: 0.5 }, { criterion: 'privacy', score: 1 }],
  };

  it('scores a valid batch', () => {
    const { records, problems } = validateQaEvaluations([good], forms, contacts);
    expect(problems).toEqual([]);
    expect(records).toEqual([{ ...good, contactExternalId: undefined, contactId: '101', scores: { greeting: 1, solution: 0.5, privacy: 1 }, score: 0.7, fatalErrors: [] }].map(({ contactExternalId, ...r }) => r));
  });

  it('refuses the whole batch, naming each index and field', () => {
    const { records, problems } = validateQaEvaluations(
      [
        good,
        { ...good, externalId: 'e-1' },
        { ...good, externalId: 'e-3', contactExternalId: 'nobody', formId: '8' },
        { ...good, externalId: 'e-4', scores: [{ criterion: 'greeting', score: 1.5 }, { criterion: 'tone', score: 1 }, { criterion: 'greeting', score: 1 }] },
      ],
      forms,
      contacts,
    );
    expect(records).toEqual([]);
    expect(problems.map((p) => `${p.field} ${p.rule}`)).toEqual([
      'evaluations[1].externalId DUPLICATE',
      'evaluations[2].contactExternalId UNKNOWN_CONTACT',
      'evaluations[2].formId UNKNOWN_FORM',
      'evaluations[3].scores[0].score OUT_OF_RANGE',
      'evaluations[3].scores[1].criterion UNKNOWN_CRITERION',
      'evaluations[3].scores[2].criterion DUPLICATE',
      'evaluations[3].scores MISSING_CRITERION',
      'evaluations[3].scores MISSING_CRITERION',
    ]);
  });
});
