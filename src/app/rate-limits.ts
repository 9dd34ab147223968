import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { createHash } from 'node:crypto';
import { bearerSecret } from '../org/auth';
import { addressKey, clientAddressOf } from '../platform/client-address';
import type { OperationalLimits } from '../platform/config';
import type { Context } from '../org/context';
import type { Logger } from '../platform/logger';
import { SharedCounters, type Count, type Counter } from '../platform/rate-limit-store';
import { errorBody } from '../platform/errors';

/**
 * Rate limits (API.md "Operations"): HTTP 429 with Retry-After and a GraphQL error
 * of code RATE_LIMITED when
 * - an API key sends more than RATE_LIMIT_PER_MINUTE requests to /graphql in a minute
 *   (a request without a key counts under its client address, with the same limit);
 * - a client address has failed authentication (an unknown or revoked key)
 *   AUTH_FAILURES_PER_MINUTE times this minute: its requests with a key are refused
 *   before the key is looked up;
 * - a client address submits more than SURVEY_RATE_LIMIT_PER_MINUTE survey answers
 *   (each `submitSurveyResponse` field of a request counts, aliases included).
 * Counts live in PostgreSQL (rate-limit-store.ts), so every instance on one database
 * shares them. 0 turns a limit off.
 */
export interface RateLimits {
  /** Express middleware for /graphql, before body parsing and authentication. */
  admitRequest: RequestHandler;
  /** Apollo plugin: counts survey submissions per client address once the operation is known. */
  surveySubmissions(): ApolloServerPlugin<Context>;
  /** Counts a failed authentication (a key presented and not found) for a client address. */
  recordFailedAuthentication(clientAddress: string): Promise<void>;
  clientAddressOf(req: Request): string;
  close(): Promise<void>;
}

export interface RateLimitsOptions {
  /** The database whose `rate_limit` table holds the shared counts. */
  databaseUrl: string;
  limits: Pick<OperationalLimits, 'rateLimitPerMinute' | 'authFailuresPerMinute' | 'surveyRateLimitPerMinute' | 'trustProxy'>;
  logger: Logger;
}

/** Which limit refused a request: the environment variable that sets it, and what it counts. */
interface Rule {
  setting: 'RATE_LIMIT_PER_MINUTE' | 'AUTH_FAILURES_PER_MINUTE' | 'SURVEY_RATE_LIMIT_PER_MINUTE';
  counts: string;
}

const PER_KEY: Rule = { setting: 'RATE_LIMIT_PER_MINUTE', counts: 'requests per minute per API key' };
const ANONYMOUS: Rule = { setting: 'RATE_LIMIT_PER_MINUTE', counts: 'requests without an API key per minute per client address' };
const AUTH_FAILURES: Rule = { setting: 'AUTH_FAILURES_PER_MINUTE', counts: 'failed authentications per minute per client address' };
const SURVEYS: Rule = { setting: 'SURVEY_RATE_LIMIT_PER_MINUTE', counts: 'survey submissions per minute per client address' };

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { limits } = options;
  const addressOf = (req: Request) => clientAddressOf(req, limits.trustProxy);
  const enabled = limits.rateLimitPerMinute > 0 || limits.authFailuresPerMinute > 0 || limits.surveyRateLimitPerMinute > 0;
  if (!enabled) {
    return {
      admitRequest: (_req, _res, next) => next(),
      surveySubmissions: () => ({}),
      recordFailedAuthentication: async () => {},
      clientAddressOf: addressOf,
      close: async () => {},
    };
  }

  const counters = new SharedCounters({ databaseUrl: options.databaseUrl, logger: options.logger });
  const counterOf = (name: string, limit: number) => (limit > 0 ? counters.counter(name, limit) : null);
  const perKey = counterOf('key', limits.rateLimitPerMinute);
  const anonymous = counterOf('anon', limits.rateLimitPerMinute);
  const authFailures = counterOf('authfail', limits.authFailuresPerMinute);
  const surveys = counterOf('survey', limits.surveyRateLimitPerMinute);

  async function admit(req: Request, res: Response, next: NextFunction): Promise<void> {
    if (req.method === 'OPTIONS') return next(); // CORS preflight: answered before this, but never counted
    const address = addressOf(req);
    const secret = bearerSecret(req.headers.authorization);
    // Both lookups at once: one round trip to the database, not two.
    const [failures, count] = await Promise.all([
      secret && authFailures ? authFailures.exhausted(addressKey(address)) : null,
      secret ? perKey?.consume(keyOfSecret(secret)) : anonymous?.consume(addressKey(address)),
    ]);
    if (failures && !failures.allowed) return refuse(res, AUTH_FAILURES, failures);
    if (count) {
      setRateLimitHeaders(res, count);
      if (!count.allowed) return refuse(res, secret ? PER_KEY : ANONYMOUS, count);
    }
    next();
  }

  return {
    admitRequest: (req, res, next) => void admit(req, res, next).catch(next),
    surveySubmissions: () => (surveys ? surveySubmissionPlugin(surveys) : {}),
    async recordFailedAuthentication(clientAddress) {
      await authFailures?.consume(addressKey(clientAddress));
    },
    clientAddressOf: addressOf,
    close: () => counters.close(),
  };
}

/** What a limited key is counted under: a hash of its secret, never the secret (nor the hash stored in api_key). */
export function keyOfSecret(secret: string): string {
  return createHash('sha256').update('callpulse rate limit\0').update(secret, 'utf8').digest('base64url');
}

function surveySubmissionPlugin(surveys: Counter): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const submissions = operation ? countRootFields(operation, document, 'submitSurveyResponse') : 0;
          if (submissions === 0) return;
          const count = await surveys.consume(addressKey(contextValue.clientAddress), submissions);
          if (!count.allowed) throw rateLimitedError(SURVEYS, count);
        },
      };
    },
  };
}

/**
 * How many times an operation asks for root field `name`: aliases, fragment spreads and
 * inline fragments all count (the document is validated, so fragments do not cycle);
 * @skip/@include are not evaluated, so a skipped field counts too.
 */
export function countRootFields(operation: OperationDefinitionNode, document: DocumentNode, name: string): number {
  if (operation.operation !== 'mutation') return 0; // submitSurveyResponse is a mutation
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const count = (selectionSet: SelectionSetNode): number =>
    selectionSet.selections.reduce((total, selection) => {
      if (selection.kind === Kind.FIELD) return total + (selection.name.value === name ? 1 : 0);
      if (selection.kind === Kind.INLINE_FRAGMENT) return total + count(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      return total + (fragment ? count(fragment.selectionSet) : 0);
    }, 0);
  return count(operation.selectionSet);
}

/** Whole seconds until the window ends, at least 1 (Retry-After takes whole seconds). */
export function retryAfterSeconds(count: Count): number {
  return Math.max(1, Math.ceil(count.msBeforeReset / 1000));
}

export function rateLimitedError(rule: Rule, count: Count): GraphQLError {
  const retryAfter = retryAfterSeconds(count);
  return new GraphQLError(
    `Rate limit: at most ${count.limit} ${rule.counts} (${rule.setting}); retry in ${retryAfter} s`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        limit: rule.setting,
        limitPerMinute: count.limit,
        retryAfterSeconds: retryAfter,
        // Apollo turns this into the response's status and headers and drops it from the body.
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
      },
    },
  );
}

function refuse(res: Response, rule: Rule, count: Count): void {
  const { message, extensions } = rateLimitedError(rule, count);
  const { http: _http, ...visible } = extensions;
  res.status(429);
  res.setHeader('Retry-After', String(retryAfterSeconds(count)));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS); // the survey widget reads Retry-After
  res.end(JSON.stringify(errorBody(message, visible)));
}

/** The IETF draft's RateLimit-* fields (as express-rate-limit's draft-6), readable by browser code too. */
function setRateLimitHeaders(res: Response, count: Count): void {
  res.setHeader('RateLimit-Limit', String(count.limit));
  res.setHeader('RateLimit-Remaining', String(count.remaining));
  res.setHeader('RateLimit-Reset', String(retryAfterSeconds(count)));
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

const EXPOSED_HEADERS = 'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset';
