import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../org/context';
import { estimateCost } from './cost-model';
import { NO_DIRECTORY, type DirectorySizeCache } from '../platform/limits/directory-sizes';
import { DOCUMENT_LIMITS } from '../platform/limits/document-shape';
import { queryTooComplex } from '../platform/limits/limit-error';
import { operationDepth } from '../platform/limits/operation-depth';

export interface CostLimits {
  /** MAX_QUERY_COST: the estimated cost above which an operation is refused. */
  maxQueryCost: number;
  /** The depth with fragments expanded (the pre-parse scan cannot expand them). */
  maxDepth?: number;
}

/**
 * Refuses an operation, once parsed and validated and before it runs, when its
 * depth with fragments expanded or its estimated cost (cost-model.ts, with the
 * caller's organization's directory sizes) passes the limits: HTTP 400,
 * QUERY_TOO_COMPLEX, naming the limit and both numbers.
 */
export function costLimitPlugin(limits: CostLimits, directory: DirectorySizeCache): ApolloServerPlugin<Context> {
  const maxDepth = limits.maxDepth ?? DOCUMENT_LIMITS.depth;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, request, contextValue, schema }) {
          if (!operation) return;
          const depth = operationDepth(document, operation);
          if (depth > maxDepth) {
            throw queryTooComplex({
              limit: 'depth',
              max: maxDepth,
              actual: depth,
              message: `Query refused before execution: ${depth} levels of nested selections with fragments expanded, more than the limit of ${maxDepth} (depth)`,
            });
          }
          const principal = await contextValue.principal();
          const sizes = principal ? await directory.sizes(principal.organizationId) : NO_DIRECTORY;
          const cost = estimateCost({ schema, document, operationName, variables: request.variables, sizes });
          contextValue.logger?.debug({ cost, maxQueryCost: limits.maxQueryCost }, 'estimated query cost');
          if (cost > limits.maxQueryCost) {
            throw queryTooComplex({
              limit: 'cost',
              max: limits.maxQueryCost,
              actual: cost,
              message:
                `Query refused before execution: estimated cost ${cost} is more than the limit of ${limits.maxQueryCost} (MAX_QUERY_COST); ` +
                'ask for fewer rows (shorter range, coarser granularity, fewer groupBy dimensions), fewer fields or fewer aliases per request',
            });
          }
        },
      };
    },
  };
}
