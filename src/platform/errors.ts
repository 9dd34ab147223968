import { GraphQLError } from 'graphql';

/**
 * Errors meant for the client carry `extensions.code` and a message that names
 * the field and the rule. Anything else is an internal error and is masked.
 */

export interface FieldProblem {
  /** Dotted path of the offending input, e.g. "contacts[3].endedAt". */
  field: string;
  /** Short machine-readable rule name, e.g. "ENDED_BEFORE_OFFERED". */
  rule: string;
  message: string;
  /** Position in a batch, when the input is a list. */
  index?: number;
}

export function badUserInput(message: string, problems: FieldProblem[] = []): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(problems.length ? { problems } : {}) },
  });
}

export function unauthenticated(message = 'Missing or unknown API key: send "Authorization: Bearer <api key>"') {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string) {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function notFound(message: string) {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/** Formats a list of problems as one readable message. */
export function describeProblems(what: string, problems: FieldProblem[], shown = 5): string {
  const head = problems.slice(0, shown).map((p) => `${p.field}: ${p.message}`).join('; ');
  const more = problems.length > shown ? `; and ${problems.length - shown} more (see extensions.problems)` : '';
  return `${what}: ${head}${more}`;
}

/** The body of an error answered outside GraphQL's execution, in GraphQL's shape, so every client reads it one way. */
export function errorBody(message: string, extensions: Record<string, unknown>): { errors: [{ message: string; extensions: Record<string, unknown> }] } {
  return { errors: [{ message, extensions }] };
}
