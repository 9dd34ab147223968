import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { bearerSecret, findPrincipal, type Principal } from '../org/auth';
import { VERIFIED_KEY_TTL_MS, VerifiedKeys } from '../org/verified-keys';
import { DEFAULT_LIMITS, type OperationalLimits } from '../platform/config';
import type { Context } from '../org/context';
import { databaseFailureHandler,
  lastErrorHandler, databaseFailureStatus, formatDatabaseFailure, RETRY_AFTER_SECONDS } from '../platform/db-failures';
import { cancelOnDisconnect } from '../platform/db-guard';
import { openDatabaseLine } from '../platform/db-health';
import { httpServerOptions } from '../platform/http-timeouts';
import { bodyErrors, earlyPrincipal, jsonBodyByPrincipal, resolvePrincipal, type EarlyAuthOptions } from './early-auth';
import { costLimitPlugin } from './cost-plugin';
import { DirectorySizeCache } from '../platform/limits/directory-sizes';
import { KpiResultCache } from '../platform/kpi-result-cache';
import { DOCUMENT_LIMITS } from '../platform/limits/document-shape';
import { documentLimits, documentPrefixLimits } from '../platform/limits/preflight';
import { formatInputRefusal, refuseUnstorableInputs } from '../platform/input-refusals';
import { jitGateway } from '../platform/jit-executor';
import type { Logger } from '../platform/logger';
import { createRateLimits } from './rate-limits';
import { createDirectoryLoaders } from '../org/directory.loaders';
import { createEvents } from './events';
import { explorerAssets, mountExplorer } from '../explorer/routes';
import { dashboardAssets, mountDashboard } from '../dashboard/routes';
import { mountSurveyWidget } from '../surveys/widget/routes';
import { startTallySweeper } from '../warehouse/survey-tallies';
import { mountExports } from '../exports/exports.routes';
import { CONNECT_TIMEOUT_MS } from './orm';
import { clientAddressOf } from '../platform/client-address';
import { startLiveSockets } from './websocket';
import { startDeliveryWorker } from '../webhooks/delivery-worker';
import { allowPrivateTargets } from '../webhooks/webhooks.resolver';

export interface HttpServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests and the event handlers they started finish, then closes. */
  close(): Promise<void>;
  /** Resolves once the event handlers detached from finished requests (survey auto-invite) are done. */
  settled(): Promise<void>;
}

export interface HttpOptions {
  orm: MikroORM;
  schema: GraphQLSchema;
  logger: Logger;
  port: number;
  host?: string;
  /** Extra routes mounted before GraphQL: a seam for tests of the HTTP layer (a route that reads the database). */
  mount?: (app: Express) => void;
  /** Execute with graphql-jit (default) or plain graphql-js (reference answers in tests). */
  jit?: boolean;
  /** The operator's bounds (MAX_QUERY_COST, rate limits…); each one unset takes its default. */
  limits?: Partial<OperationalLimits>;
  /** Hooks of the authentication made before the body is read (failed keys: rate limits). */
  auth?: EarlyAuthOptions;
  /** The embedded database's local ADMIN key, prefilled in the explorer and the dashboard for browsers on this machine. */
  explorerDemoKey?: string;
}

export async function startHttpServer(options: HttpOptions): Promise<HttpServer> {
  const { orm, schema, logger } = options;
  const limits: OperationalLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(httpServerOptions(), app); // slow clients cannot hold sockets for minutes
  // /healthz and statement cancels use connections of their own, never the request pool (db-health.ts).
  const databaseLine = openDatabaseLine(orm.config.get('clientUrl')!, logger);
  // 429s per API key, per client address for survey submissions and failed authentication.
  const rateLimits = createRateLimits({ databaseUrl: orm.config.getClientUrl(), limits, logger });
  const directory = new DirectorySizeCache(() => orm.em.fork());
  // KPI statement results by organization facts version (KPI_RESULT_CACHE_MB; 0: none).
  const kpiResults = limits.kpiResultCacheMb > 0 ? new KpiResultCache(limits.kpiResultCacheMb * 1024 * 1024) : null;

  const apollo = new ApolloServer<Context>({
    // Operations run compiled by graphql-jit (see jit-executor.ts), or by graphql-js.
    ...(options.jit === false ? { schema } : { gateway: jitGateway(schema, { logger }) }),
    // Keys travel in the Authorization header, never in cookies, so a cross-site
    // request cannot borrow them: Apollo's CSRF preflight rule would only refuse
    // plain GET queries that GraphQL-over-HTTP clients are entitled to send.
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // The CLI owns SIGINT/SIGTERM (src/main.ts): Apollo's own handler would stop and
    // then re-raise the signal, killing the process before the database is closed.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      maskInternalError(formatDatabaseFailure(formatInputRefusal(formatted, error), error, limits.statementTimeoutMs, logger), error, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's landing page loads Sandbox from a CDN: the explorer (src/explorer/) is served instead.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's default cache-control plugin hooks every resolved field (on a 6,000-row
      // report, more time than graphql-js's execution itself) to compute a header that,
      // with no cache hints in the schema, always says no-store: send that directly.
      ApolloServerPluginCacheControlDisabled(),
      noStore(),
      logOperations(),
      refuseUnstorableInputs(), // NUL, lone surrogates, years outside 1970..2100: BAD_USER_INPUT before anything runs
      databaseFailureStatus(), // DATABASE_UNAVAILABLE/SERVER_BUSY: 503 + Retry-After; WRITE_CONFLICT: 409
      // Depth with fragments expanded and the estimated cost (MAX_QUERY_COST): QUERY_TOO_COMPLEX before anything runs.
      costLimitPlugin({ maxQueryCost: limits.maxQueryCost }, directory),
      rateLimits.surveySubmissions(),
    ],
    // A second guard behind the pre-parse scan (limits/preflight.ts), for documents that reach Apollo otherwise.
    parseOptions: { maxTokens: DOCUMENT_LIMITS.tokens },
  });
  const [explorer, dashboard] = await Promise.all([explorerAssets(logger), dashboardAssets(logger), apollo.start()]);

  // Keys verified in the last few seconds, forgotten when revoked through this server.
  const verifiedKeys = new VerifiedKeys(VERIFIED_KEY_TTL_MS);
  const events = createEvents(orm, logger, verifiedKeys);
  // SLA events from the outbox to the webhooks (webhooks/delivery-worker.ts).
  const webhooks = startDeliveryWorker({ em: () => orm.em.fork(), logger, allowPrivate: allowPrivateTargets });
  // liveKpis over graphql-ws on the same port and path (API.md "Live wallboard and SLA alerts").
  const live = startLiveSockets({
    httpServer,
    schema,
    orm,
    events,
    logger,
    directory,
    kpiResults,
    limits: {
      maxQueryCost: limits.maxQueryCost,
      perConnection: limits.liveSubscriptionsPerConnection,
      perKey: limits.liveSubscriptionsPerKey,
      perServer: limits.liveSubscriptionsPerServer,
    },
    onFailedAuthentication: (req) => rateLimits.recordFailedAuthentication(clientAddressOf(req, limits.trustProxy)),
    clientAddressOf: (req) => clientAddressOf(req, limits.trustProxy),
  });
  /** A request's GraphQL context; the exports run their operations with the same. */
  const contextOf = (req: express.Request): Context => {
    const em = orm.em.fork();
    const early = earlyPrincipal(res(req));
    let resolved: Promise<Principal | null> | undefined =
      early === undefined ? undefined : Promise.resolve(early);
    const principal = () => (resolved ??= findPrincipal(em.fork(), bearerSecret(req.headers.authorization), verifiedKeys));
    const clientAddress = rateLimits.clientAddressOf(req);
    return {
      em,
      requestId: res(req).locals.requestId as string,
      logger: res(req).locals.logger as Logger,
      principal,
      clientAddress,
      loaders: createDirectoryLoaders(em, async () => (await principal())?.organizationId ?? null),
      kpiResults,
      events,
    };
  };
  // An unknown or revoked key counts against its client address (AUTH_FAILURES_PER_MINUTE).
  const authenticate = resolvePrincipal(orm, {
    verifiedKeys,
    onFailedAuthentication: async (req, res) => {
      await rateLimits.recordFailedAuthentication(rateLimits.clientAddressOf(req));
      await options.auth?.onFailedAuthentication?.(req, res);
    },
  });

  app.use(requestLogger(logger));
  app.get('/healthz', async (_req, res) => {
    const health = await databaseLine.check();
    const workers = { webhooks: webhooks.health(), live: { listening: live.listening, ...live.hub.counts } };
    if (health.ok) res.json({ status: 'ok', ...workers });
    else res.status(503).setHeader('retry-after', String(RETRY_AFTER_SECONDS)).json({ status: 'unavailable', reason: health.reason, ...workers });
  });
  mountSurveyWidget(app);
  mountExplorer(app, { assets: explorer, demoKey: options.explorerDemoKey }); // before /graphql: browsers' GETs
  mountDashboard(app, { assets: dashboard, demoKey: options.explorerDemoKey });
  options.mount?.(app);
  // GraphQL answers are never cached (no-store), so Express's ETag, a hash of each body,
  // only cost time there (about 10 ms for a 6,000-row report); the widget's assets keep theirs.
  const graphql = express();
  graphql.disable('x-powered-by');
  graphql.set('etag', false);
  app.use('/graphql', graphql);
  graphql.use(allowCrossOrigin);
  graphql.use(rateLimits.admitRequest);
  graphql.use(
    // The key before the body: its limit depends on it (25 MB with a valid key, 100 KB without).
    authenticate,
    keyedOnly(documentPrefixLimits()), // a key holder's 10 MB document is refused from its first 256 KB
    jsonBodyByPrincipal(),
    // After the body is read: a client leaving now cancels its statements and never commits.
    cancelOnDisconnect(databaseLine.cancel, logger),
    documentLimits(), // tokens, depth, aliases, directives… counted before graphql-js parses anything
    expressMiddleware(apollo, {
      context: async ({ req }) => contextOf(req),
    }),
  );
  graphql.use(bodyErrors); // 413 PAYLOAD_TOO_LARGE, 400 for a body that is not JSON

  // Downloads (API.md "Exports"): the same key, roles, rate limit and disconnect guard as /graphql.
  const downloads = express();
  downloads.disable('x-powered-by');
  downloads.set('etag', false);
  app.use('/export', downloads);
  downloads.use(allowCrossOrigin, rateLimits.admitRequest, authenticate, cancelOnDisconnect(databaseLine.cancel, logger));
  const cursorConnection = {
    connectionString: orm.config.getClientUrl(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
  };
  mountExports(downloads, { apollo, schema, orm, contextOf, maxConcurrentExports: limits.maxConcurrentExports, cursorConnection, logger });

  // Middleware that met the database (key lookup, counters) answers 503 DATABASE_UNAVAILABLE too.
  app.use(databaseFailureHandler(limits.statementTimeoutMs, logger));
  app.use(lastErrorHandler(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  // Ready only once notices are heard: a subscriber of this server misses no write from then on.
  await live.ready();
  // Survey answers that found the write lock held are applied by its next holder, or by this sweep.
  const tallies = startTallySweeper(orm.em.fork(), logger);
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    settled: () => events.settled(),
    async close() {
      await live.close(); // sockets are not HTTP requests: the drain below does not wait for them
      await webhooks.stop(); // posts in flight finish within a few seconds, or are given back for later
      await apollo.stop(); // the drain plugin closes the HTTP server gracefully
      await events.settled();
      await tallies.stop();
      await databaseLine.close();
      await rateLimits.close();
    },
  };
}

/** Anonymous bodies never reach the sizes this is for: their limit (100 KB) answers first. */
function keyedOnly(handler: express.RequestHandler): express.RequestHandler {
  return (req, response, next) => (earlyPrincipal(response) ? handler(req, response, next) : next());
}

function res(req: express.Request): express.Response {
  return req.res!;
}

/** One JSON log line per request: id, method, path, status, duration. */
function requestLogger(logger: Logger): express.RequestHandler {
  return (req, response, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    const path = req.path; // read now: a mounted router (app.use('/graphql', …)) strips its prefix
    response.locals.requestId = requestId;
    response.locals.logger = logger.child({ requestId });
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { requestId, method: req.method, path, status: response.statusCode, durationMs: Math.round(durationMs * 10) / 10 },
        'request',
      );
    });
    next();
  };
}

function logOperations(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operationName, operation }) {
          contextValue.logger?.debug({ operationName, operation: operation?.operation }, 'graphql operation');
        },
      };
    },
  };
}

/** Every GraphQL answer is per API key and current: never stored by a cache. */
function noStore(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/** Client errors pass through; anything unexpected is logged and masked. */
function maskInternalError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError || formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  logger.error({ err: original, path: formatted.path }, 'internal error');
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * Any origin may call /graphql: the survey widget runs on customers' pages, and
 * dashboards in browsers send their key in the Authorization header, never in a
 * cookie, so a foreign page cannot borrow anyone's credentials.
 */
function allowCrossOrigin(req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, x-request-id');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
}
