import { setImmediate as nextTurn } from 'node:timers/promises';
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
 * The event loop gets a turn before and after: GraphQL's coercion of a
 * 10,000-item batch, its validation and its rows are each tens of milliseconds
 * of synchronous work, and chained without a turn they held /healthz and every
 * other client for hundreds.
 */
export async function validBatch<T, V>(
  inputs: readonly T[],
  batch: { field: string; noun: string; max: number },
  validate: (inputs: readonly T[]) => { valid: V[]; problems: FieldProblem[] },
): Promise<V[]> {
  if (inputs.length > batch.max) {
    throw badUserInput(`${batch.field}: at most ${batch.max} ${batch.noun} per call, got ${inputs.length}`, [
      { field: batch.field, rule: 'TOO_MANY', message: `at most ${batch.max} per call` },
    ]);
  }
  await nextTurn();
  const { valid, problems } = validate(inputs);
  await nextTurn();
  if (problems.length) {
    const bad = new Set(problems.map((p) => p.index)).size;
    throw badUserInput(describeProblems(`${bad} of ${inputs.length} ${batch.noun} are invalid; nothing was written`, problems), problems);
  }
  return valid;
}
