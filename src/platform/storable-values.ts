import { GraphQLError, type ASTNode } from 'graphql';

/**
 * Values that PostgreSQL (or this service's time arithmetic) cannot store, found
 * before any statement runs, so that a client gets BAD_USER_INPUT naming the field
 * instead of an internal error from deep inside a write. Pure: used by the GraphQL
 * input check (input-refusals.ts), the DateTime scalar and the file importers.
 */

/** Timestamps must fall in these UTC years: wide enough for any contact center's history and plans. */
export const EARLIEST_YEAR = 1970;
export const LATEST_YEAR = 2100;

export interface ValueProblem {
  rule: 'NUL_CHARACTER' | 'LONE_SURROGATE' | 'YEAR_OUT_OF_RANGE' | 'NOT_FINITE';
  message: string;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Any NUL or surrogate at all: one cheap scan, so that ordinary strings skip the checks below. */
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** PostgreSQL text cannot hold U+0000, and a lone surrogate is not Unicode (jsonb refuses it, UTF-8 cannot encode it). */
export function stringProblem(value: string): ValueProblem | null {
  if (!SUSPECT.test(value)) return null;
  if (value.includes('\u0000')) return { rule: 'NUL_CHARACTER', message: 'must not contain the NUL character (U+0000)' };
  if (LONE_SURROGATE.test(value)) {
    return { rule: 'LONE_SURROGATE', message: 'must be valid Unicode: it contains a lone UTF-16 surrogate (U+D800..U+DFFF)' };
  }
  return null;
}

/** An instant outside 1970..2100 (UTC years) is a typo or a sentinel, never a contact: refused rather than stored. */
export function instantProblem(value: Date): ValueProblem | null {
  const year = value.getUTCFullYear();
  if (year >= EARLIEST_YEAR && year <= LATEST_YEAR) return null;
  return { rule: 'YEAR_OUT_OF_RANGE', message: `must be in the years ${EARLIEST_YEAR} to ${LATEST_YEAR} (UTC), got year ${year}` };
}

/**
 * A scalar may declare how to find a value it would refuse, without parsing it
 * (`extensions.storableProblem`): the input check calls it on every variable
 * value of that scalar, so it must be cheap (10,000 contacts carry 30,000 instants).
 */
export type StorableCheck = (value: unknown) => ValueProblem | null;

/** A Float literal such as 1e999 parses to Infinity, which no column or formula can use. */
export function numberProblem(value: number): ValueProblem | null {
  return Number.isFinite(value) ? null : { rule: 'NOT_FINITE', message: 'must be a finite number' };
}

/**
 * Thrown by a scalar's parseValue/parseLiteral for a well-formed value that cannot
 * be stored. `extensions.code` is BAD_USER_INPUT; `problem.rule` says which rule.
 * The input check locates it (the field path), as graphql-js cannot for literals.
 */
export class RefusedValueError extends GraphQLError {
  /** `node`: the literal refused, so that its location and field can be reported. */
  constructor(readonly problem: ValueProblem, node?: ASTNode) {
    super(`${problem.message} (${problem.rule})`, { nodes: node, extensions: { code: 'BAD_USER_INPUT', rule: problem.rule } });
  }
}
