import type { FieldProblem } from '../platform/errors';

/**
 * QA forms and evaluations, pure (DOMAIN.md "Quality"): a form's criteria with
 * weights, some fatal; an evaluation scores every criterion 0..1; its score is
 * Σ(score × weight) / Σ weight, and 0 when a fatal criterion scored below 1 (a
 * fatal error). Whole-batch validation reports every broken rule (index, field, rule).
 */

export interface QaCriterion {
  key: string;
  label: string;
  weight: number;
  fatal: boolean;
}

export const MAX_CRITERIA = 50;
export const MAX_QA_EVALUATIONS_PER_BATCH = 10_000;
const TEXT_LIMIT = 200;

export interface QaCriterionInput {
  key: string;
  label: string;
  weight: number;
  fatal?: boolean | null;
}

/** Checks a form; field paths are `name` and `criteria[i].…`. */
export function validateQaForm(name: string, criteria: readonly QaCriterionInput[]): { name: string; criteria: QaCriterion[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > TEXT_LIMIT) problems.push({ field: 'name', rule: trimmed ? 'TOO_LONG' : 'REQUIRED', message: `must be 1 to ${TEXT_LIMIT} characters` });
  if (criteria.length === 0 || criteria.length > MAX_CRITERIA) {
    problems.push({ field: 'criteria', rule: criteria.length ? 'TOO_MANY' : 'REQUIRED', message: `must list 1 to ${MAX_CRITERIA} criteria` });
  }
  criteria.forEach((c, i) => {
    const at = (f: string) => `criteria[${i}].${f}`;
    if (!textOk(c.key)) problems.push({ field: at('key'), rule: 'LENGTH', message: `must be 1 to ${TEXT_LIMIT} characters` });
    else if (criteria.findIndex((o) => o.key === c.key) !== i) problems.push({ field: at('key'), rule: 'DUPLICATE', message: `"${c.key}" is listed more than once` });
    if (!textOk(c.label)) problems.push({ field: at('label'), rule: 'LENGTH', message: `must be 1 to ${TEXT_LIMIT} characters` });
    if (!(Number.isFinite(c.weight) && c.weight > 0 && c.weight <= 1000)) problems.push({ field: at('weight'), rule: 'OUT_OF_RANGE', message: 'must be > 0 and ≤ 1000' });
  });
  return { name: trimmed, criteria: criteria.map((c) => ({ key: c.key, label: c.label, weight: c.weight, fatal: c.fatal ?? false })), problems };
}

const textOk = (s: string) => s.trim().length > 0 && s.length <= TEXT_LIMIT;

/** An evaluation's score and the fatal criteria it failed (scored below 1). */
export function scoreEvaluation(criteria: readonly QaCriterion[], scores: ReadonlyMap<string, number>): { score: number; fatalErrors: string[] } {
  const fatalErrors = criteria.filter((c) => c.fatal && (scores.get(c.key) ?? 0) < 1).map((c) => c.key);
  if (fatalErrors.length) return { score: 0, fatalErrors };
  let weighted = 0;
  let weights = 0;
  for (const c of criteria) {
    weighted += (scores.get(c.key) ?? 0) * c.weight;
    weights += c.weight;
  }
  return { score: weights > 0 ? weighted / weights : 0, fatalErrors };
}

/** An evaluation as received. */
export interface QaEvaluationFields {
  externalId: string;
  contactExternalId: string;
  formId: string;
  evaluator: string;
  evaluatedAt: Date;
  scores: ReadonlyArray<{ criterion: string; score: number }>;
}

export interface ValidQaEvaluation {
  externalId: string;
  contactId: string;
  formId: string;
  evaluator: string;
  evaluatedAt: Date;
  scores: Record<string, number>;
  score: number;
  fatalErrors: string[];
}

/**
 * Checks a batch against the organization's forms (by id) and contacts (by external
 * id); nothing is valid unless everything is.
 */
export function validateQaEvaluations(
  inputs: readonly QaEvaluationFields[],
  forms: ReadonlyMap<string, readonly QaCriterion[]>,
  contactIdOf: ReadonlyMap<string, string>,
  field = 'evaluations',
): { records: ValidQaEvaluation[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const records: ValidQaEvaluation[] = [];
  if (inputs.length > MAX_QA_EVALUATIONS_PER_BATCH) {
    problems.push({ field, rule: 'TOO_MANY', message: `at most ${MAX_QA_EVALUATIONS_PER_BATCH} evaluations a batch` });
    return { records, problems };
  }
  const firstIndexOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    const report = (name: string, rule: string, message: string) => problems.push({ index, field: `${field}[${index}].${name}`, rule, message });
    const before = problems.length;
    if (!textOk(input.externalId)) report('externalId', 'LENGTH', `must be 1 to ${TEXT_LIMIT} characters`);
    else if (firstIndexOf.has(input.externalId)) report('externalId', 'DUPLICATE', `"${input.externalId}" is in the batch twice (first at index ${firstIndexOf.get(input.externalId)})`);
    else firstIndexOf.set(input.externalId, index);
    const contactId = contactIdOf.get(input.contactExternalId);
    if (contactId === undefined) report('contactExternalId', 'UNKNOWN_CONTACT', `no contact "${input.contactExternalId}" in this organization`);
    if (!textOk(input.evaluator)) report('evaluator', 'LENGTH', `must be 1 to ${TEXT_LIMIT} characters`);
    if (Number.isNaN(input.evaluatedAt.getTime())) report('evaluatedAt', 'INVALID', 'must be an instant');
    const criteria = forms.get(input.formId);
    if (!criteria) report('formId', 'UNKNOWN_FORM', `no QA form ${input.formId} in this organization`);
    const scores = new Map<string, number>();
    input.scores.forEach(({ criterion, score }, i) => {
      if (criteria && !criteria.some((c) => c.key === criterion)) report(`scores[${i}].criterion`, 'UNKNOWN_CRITERION', `"${criterion}" is not a criterion of form ${input.formId}`);
      else if (scores.has(criterion)) report(`scores[${i}].criterion`, 'DUPLICATE', `"${criterion}" is scored twice`);
      if (!(Number.isFinite(score) && score >= 0 && score <= 1)) report(`scores[${i}].score`, 'OUT_OF_RANGE', 'must be from 0 to 1');
      scores.set(criterion, score);
    });
    for (const c of criteria ?? []) if (!scores.has(c.key)) report('scores', 'MISSING_CRITERION', `criterion "${c.key}" is not scored`);
    if (problems.length > before || !criteria || contactId === undefined) return;
    records.push({
      externalId: input.externalId,
      contactId,
      formId: input.formId,
      evaluator: input.evaluator.trim(),
      evaluatedAt: input.evaluatedAt,
      scores: Object.fromEntries(scores),
      ...scoreEvaluation(criteria, scores),
    });
  });
  return { records: problems.length ? [] : records, problems };
}
