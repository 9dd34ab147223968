import { badUserInput, describeProblems, type FieldProblem } from './errors';

/** What a batch write did: every received item is exactly one of created, updated or unchanged. */
export interface WriteTotals {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * A batch validated whole, before anything is written: more than `max` items, or
 * any invalid item, is BAD_USER_INPUT listing every problem (index, field, rule).
 */
export function validBatch<T, V>(
  inputs: readonly T[],
  batch: { field: string; noun: string; max: number },
  validate: (inputs: readonly T[]) => { valid: V[]; problems: FieldProblem[] },
): V[] {
  if (inputs.length > batch.max) {
    throw badUserInput(`${batch.field}: at most ${batch.max} ${batch.noun} per call, got ${inputs.length}`, [
      { field: batch.field, rule: 'TOO_MANY', message: `at most ${batch.max} per call` },
    ]);
  }
  const { valid, problems } = validate(inputs);
  if (problems.length) {
    const bad = new Set(problems.map((p) => p.index)).size;
    throw badUserInput(describeProblems(`${bad} of ${inputs.length} ${batch.noun} are invalid; nothing was written`, problems), problems);
  }
  return valid;
}
