import type { FieldProblem } from '../platform/errors';
import { instantProblem, stringProblem } from '../platform/storable-values';

/** A problem with one cell (or the whole row) of an import file, named by its column. */
export interface CellProblem {
  field: string;
  rule: string;
  message: string;
}

/** A problem located in the file, so the user can go straight to the line. */
export interface LineProblem extends CellProblem {
  line: number;
}

/** "line 17: ended_at: must not be before offered_at (ENDED_BEFORE_OFFERED)" */
export function formatProblem(p: LineProblem): string {
  return `line ${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message} (${p.rule})`;
}

/** offeredAt → offered_at: import files name contact fields in snake_case. */
export function toColumnName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * validateContacts speaks GraphQL ("contacts[0].endedAt", "must not be before
 * offeredAt"); files speak columns, so both the field and the message are renamed.
 */
export function fromValidationProblem(problem: FieldProblem): CellProblem {
  const field = problem.field.replace(/^.*\]\./, '');
  return {
    field: toColumnName(field),
    rule: problem.rule,
    message: problem.message.replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, toColumnName),
  };
}

/**
 * Cells PostgreSQL could not store (a NUL byte, a lone surrogate, a year outside
 * 1970..2100), by the same rules as the GraphQL input check: the row is rejected
 * with a clear problem instead of failing its whole batch inside the database.
 */
export function unstorableFields(fields: object): CellProblem[] {
  const problems: CellProblem[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const problem =
      typeof value === 'string' ? stringProblem(value)
      : value instanceof Date && !Number.isNaN(value.getTime()) ? instantProblem(value)
      : null;
    if (problem) problems.push({ field: toColumnName(name), ...problem });
  }
  return problems;
}

/** The file as a whole cannot be read (bad header, broken CSV quoting): the import stops. */
export class ImportFileError extends Error {}
