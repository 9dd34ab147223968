import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { bearerSecret, findPrincipal, type Principal } from '../org/auth';
import type { VerifiedKeys } from '../org/verified-keys';
import { errorBody } from '../platform/errors';

/**
 * Authentication before the body is read, so the body limit can depend on who
 * asks: an API key's holder may send a 10,000-contact batch (25 MB); without a
 * valid key only introspection and survey submissions work, which fit in 100 KB
 * — an anonymous 10 MB document is refused before it is read or parsed.
 */

export const KEYED_BODY_LIMIT = '25mb'; // 10,000 contacts of JSON fit well within this
export const ANONYMOUS_BODY_LIMIT = '100kb';

export interface EarlyAuthOptions {
  /** Keys verified a moment ago, to skip their lookup. */
  verifiedKeys?: VerifiedKeys;
  /**
   * Called when a request carries a key that is unknown or revoked (the request
   * then goes on as anonymous, and resolvers answer UNAUTHENTICATED): where the
   * rate limits count failed authentications per address. If the hook answers
   * the request itself (e.g. 429), the request stops there.
   */
  onFailedAuthentication?: (req: Request, res: Response) => void | Promise<void>;
}

/**
 * Resolves the Authorization header's key into res.locals.principal (null when
 * anonymous or unknown); the GraphQL context reuses it. A database error goes to
 * next(err), for the error handler that answers 503.
 */
export function resolvePrincipal(orm: MikroORM, options: EarlyAuthOptions = {}): RequestHandler {
  return async (req, res, next) => {
    try {
      const secret = bearerSecret(req.headers.authorization);
      const principal = secret ? await findPrincipal(orm.em.fork(), secret, options.verifiedKeys) : null;
      res.locals.principal = principal;
      if (secret && !principal && options.onFailedAuthentication) {
        await options.onFailedAuthentication(req, res);
        if (res.headersSent) return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The principal resolvePrincipal found; undefined when it did not run for this request. */
export function earlyPrincipal(res: Response): Principal | null | undefined {
  return res.locals.principal as Principal | null | undefined;
}

/** JSON bodies up to KEYED_BODY_LIMIT with a valid key, ANONYMOUS_BODY_LIMIT without. */
export function jsonBodyByPrincipal(): RequestHandler {
  const type = ['application/json', 'application/graphql-response+json'];
  const keyed = express.json({ limit: KEYED_BODY_LIMIT, type });
  const anonymous = express.json({ limit: ANONYMOUS_BODY_LIMIT, type });
  return (req, res, next) => (earlyPrincipal(res) ? keyed : anonymous)(req, res, next);
}

/**
 * A body over its limit is HTTP 413 with a GraphQL-style error (PAYLOAD_TOO_LARGE,
 * the limit and whether a key would raise it); a body that is not JSON, 400.
 * body-parser refuses from Content-Length before reading, or stops reading at the limit.
 */
export const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (error?.type === 'entity.too.large') {
    const keyed = Boolean(earlyPrincipal(res));
    const limit = keyed ? KEYED_BODY_LIMIT : ANONYMOUS_BODY_LIMIT;
    const hint = keyed ? '' : ' without a valid API key (25mb with one)';
    res.status(413).json(
      errorBody(`Request body of ${error.length ?? 'more than'} bytes is larger than the limit of ${limit}${hint}`, {
        code: 'PAYLOAD_TOO_LARGE',
        limit: error.limit,
        actual: error.length ?? null,
      }),
    );
    return;
  }
  if (error?.type === 'entity.parse.failed') {
    res.status(400).json(errorBody(`Request body is not valid JSON: ${error.message}`, { code: 'BAD_REQUEST' }));
    return;
  }
  next(error);
};
