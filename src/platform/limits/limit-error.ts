import { GraphQLError } from 'graphql';
import { errorBody } from '../errors';

/**
 * A refused request names the limit, its maximum and what the request asked for.
 * API.md "Operations": a BAD_USER_INPUT refusal with code QUERY_TOO_COMPLEX in
 * extensions — so `code` is QUERY_TOO_COMPLEX and `category` is BAD_USER_INPUT.
 */
export interface LimitExceeded {
  /** Which limit: tokens, depth, aliases, directives, rootFields, duplicateFields, introspectionDepth, cost. */
  limit: string;
  max: number;
  actual: number;
  message: string;
}

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

export function limitExtensions(exceeded: LimitExceeded) {
  return { code: QUERY_TOO_COMPLEX, category: 'BAD_USER_INPUT', limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual };
}

/** The refusal as a GraphQL error (HTTP 400 through Apollo's extensions.http). */
export function queryTooComplex(exceeded: LimitExceeded): GraphQLError {
  return new GraphQLError(exceeded.message, { extensions: { ...limitExtensions(exceeded), http: { status: 400 } } });
}

/** The refusal as a GraphQL-over-HTTP body, for refusals made before Apollo sees the request. */
export function queryTooComplexBody(exceeded: LimitExceeded) {
  return errorBody(exceeded.message, limitExtensions(exceeded));
}
