import type { FieldProblem } from '../platform/errors';

/** One customer's answers, as received from the widget (before validation). */
export interface SurveyAnswersInput {
  csat: number;
  resolved?: boolean | null;
  complaint?: boolean | null;
  complaintCategory?: string | null;
  nps?: number | null;
  comment?: string | null;
}

/** Answers after validation: text trimmed (empty → null), defaults applied. */
export interface SurveyAnswers {
  csat: number;
  resolved: boolean | null;
  complaint: boolean;
  complaintCategory: string | null;
  nps: number | null;
  comment: string | null;
}

export const MAX_COMMENT = 2000;
export const MAX_CATEGORY = 100;

/** Text is stored as given, trimmed; it is never interpreted (no HTML is ever rendered from it). */
const trimmed = (text: string | null | undefined) => {
  const t = text?.trim();
  return t ? t : null;
};

/** Checks every rule at once, so the widget can show every problem; pure. */
export function validateAnswers(input: SurveyAnswersInput, prefix = 'input.'): { answers: SurveyAnswers; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (field: string, rule: string, message: string) => problems.push({ field: prefix + field, rule, message });

  if (!Number.isInteger(input.csat) || input.csat < 1 || input.csat > 5) problem('csat', 'OUT_OF_RANGE', 'must be a whole number from 1 to 5');
  if (input.nps != null && (!Number.isInteger(input.nps) || input.nps < 0 || input.nps > 10)) {
    problem('nps', 'OUT_OF_RANGE', 'must be a whole number from 0 to 10');
  }
  const comment = trimmed(input.comment);
  if (comment !== null && comment.length > MAX_COMMENT) problem('comment', 'TOO_LONG', `must be at most ${MAX_COMMENT} characters`);
  const complaint = input.complaint ?? false;
  const complaintCategory = trimmed(input.complaintCategory);
  if (complaintCategory !== null) {
    if (!complaint) problem('complaintCategory', 'WITHOUT_COMPLAINT', 'may only be given with complaint: true');
    if (complaintCategory.length > MAX_CATEGORY) problem('complaintCategory', 'TOO_LONG', `must be at most ${MAX_CATEGORY} characters`);
  }
  return {
    answers: { csat: input.csat, resolved: input.resolved ?? null, complaint, complaintCategory, nps: input.nps ?? null, comment },
    problems,
  };
}
