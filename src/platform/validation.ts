import { validate, type ValidationError } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { badUserInput, describeProblems, type FieldProblem } from './errors';

/**
 * Runs the class-validator rules declared next to input fields and reports every
 * broken rule as a BAD_USER_INPUT problem naming the field. Inputs without
 * decorators (batches validated by their own pure validators) pass through.
 */
export const validateInput: ValidatorFn = async (value) => {
  if (value === null || typeof value !== 'object') return;
  const items = Array.isArray(value) ? value : [value];
  const problems: FieldProblem[] = [];
  for (const [index, item] of items.entries()) {
    if (item === null || typeof item !== 'object') continue;
    const errors = await validate(item, { forbidUnknownValues: false, skipMissingProperties: true });
    const prefix = Array.isArray(value) ? `[${index}].` : '';
    problems.push(...errors.flatMap((error) => flatten(error, prefix)));
  }
  if (problems.length) throw badUserInput(describeProblems('Invalid input', problems), problems);
};

function flatten(error: ValidationError, prefix: string): FieldProblem[] {
  const field = `${prefix}${error.property}`;
  const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
  const nested = (error.children ?? []).flatMap((child) => flatten(child, `${field}.`));
  return [...own, ...nested];
}
