import type { RequestHandler } from 'express';
import { documentShape, exceededLimit, DOCUMENT_LIMITS, type DocumentLimits } from './document-shape';
import { queryTooComplexBody } from './limit-error';

/**
 * Express middleware on /graphql, after the body is parsed and before Apollo:
 * refuses a document whose shape passes a limit (tokens, depth, aliases, …) with
 * HTTP 400 and QUERY_TOO_COMPLEX, before graphql-js parses it — parsing and
 * validating a 10 MB document of aliases takes seconds; this scan, milliseconds.
 */
export function documentLimits(limits: DocumentLimits = DOCUMENT_LIMITS): RequestHandler {
  return (req, res, next) => {
    for (const query of queriesOf(req.method === 'GET' ? req.query : req.body)) {
      const exceeded = exceededLimit(documentShape(query, limits), limits);
      if (exceeded) {
        res.locals.logger?.info({ limit: exceeded.limit, max: exceeded.max, actual: exceeded.actual }, 'query refused: document limit');
        res.status(400).json(queryTooComplexBody(exceeded));
        return;
      }
    }
    next();
  };
}

/** The documents of a GET's parameters, a POST's body, or each operation of a batch. */
function queriesOf(payload: unknown): string[] {
  if (Array.isArray(payload)) return payload.flatMap(queriesOf);
  const query = payload && typeof payload === 'object' ? (payload as { query?: unknown }).query : undefined;
  return typeof query === 'string' ? [query] : [];
}
