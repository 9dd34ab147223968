import { GraphQLError, getOperationAST, parse, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Permission, bearerSecret, can, identifyKey, type Principal } from '../org/auth';
import type { Context } from '../org/context';
import { createDirectoryLoaders } from '../org/directory.loaders';
import type { DomainEventBus } from '../org/events';
import { KEY_REVOKED_CHANNEL } from '../org/key-notices';
import { DOCUMENT_LIMITS, exceededLimit, documentShape } from '../platform/limits/document-shape';
import type { DirectorySizeCache } from '../platform/limits/directory-sizes';
import type { KpiResultCache } from '../platform/kpi-result-cache';
import { queryTooComplex } from '../platform/limits/limit-error';
import { operationDepth } from '../platform/limits/operation-depth';
import type { Logger } from '../platform/logger';
import { listenToPostgres, type PgListener } from '../platform/pg-listener';
import { WorkGate } from '../platform/work-gate';
import { FACTS_CHANNEL, decodeFactNotice } from '../warehouse/fact-notices';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, LiveHub, type LiveConnection, type LiveLimits } from '../live/live-hub';
import type { LiveContext, LiveReading } from '../live/live-kpis';
import { SharedReads } from '../live/shared-reads';
import { sharedResultsSubscribe } from '../live/shared-results';
import { estimateCost } from './cost-model';

/** A subscribe message (document and variables) may be this large; a socket sending more is closed (1009). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** A socket must send connection_init this soon after opening, or it is closed (4408). */
export const CONNECTION_INIT_TIMEOUT_MS = 10_000;
/** Live reports read at once on a server: each holds one of the request pool's connections. */
export const LIVE_READS_AT_ONCE = 3;
/** At most one message per subscription per second (API.md). */
export const LIVE_MIN_INTERVAL_MS = 1_000;

export interface LiveSocketOptions {
  httpServer: http.Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  events: DomainEventBus;
  logger: Logger;
  limits: LiveLimits & { maxQueryCost: number };
  directory: DirectorySizeCache;
  /** The server's KPI result cache, shared with its HTTP requests. */
  kpiResults: KpiResultCache | null;
  /** Counts a failed authentication (a key presented and not found) for the socket's client address. */
  onFailedAuthentication(request: http.IncomingMessage): Promise<void>;
  clientAddressOf(request: http.IncomingMessage): string;
}

export interface LiveSocketServer {
  hub: LiveHub;
  /** The connection that listens for notices of changed facts and revoked keys is up. */
  readonly listening: boolean;
  /** Resolves once listening (or after a few seconds without a database: it keeps trying). */
  ready(): Promise<void>;
  /** Closes every socket (1001 going away) and stops listening. */
  close(): Promise<void>;
}

interface Connection extends LiveConnection {
  principal: Principal;
  closed: () => void;
}

/**
 * `liveKpis` over graphql-ws at /graphql, beside HTTP on the same server: the key
 * is checked in connection_init (unknown: 4401, revoked or not allowed to read:
 * 4403, each with its reason), a subscription passes the same document limits and
 * cost model as a query, and notices from PostgreSQL (any server's committed
 * writes, revoked keys) reach the subscriptions and sockets they concern.
 */
export function startLiveSockets(options: LiveSocketOptions): LiveSocketServer {
  const { orm, schema, logger, limits } = options;
  const hub = new LiveHub(limits);
  const gate = new WorkGate(LIVE_READS_AT_ONCE);
  const reads = new SharedReads<LiveReading>(() => hub.clock);
  const connections = new WeakMap<WsContext<Record<string, unknown>, Extra & Record<PropertyKey, unknown>>, Connection>();
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql', maxPayload: MAX_MESSAGE_BYTES });

  const contextFor = (principal: Principal, requestId: string, clientAddress: string): Context => {
    const em = orm.em.fork();
    return {
      em,
      requestId,
      logger: logger.child({ requestId }),
      principal: async () => principal,
      clientAddress,
      loaders: createDirectoryLoaders(em, async () => principal.organizationId),
      kpiResults: options.kpiResults,
      events: options.events,
    };
  };

  const server = useServer<Record<string, unknown>, Extra & Record<PropertyKey, unknown>>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      subscribe: sharedResultsSubscribe(),
      onConnect: async (ctx) => {
        const refuse = (code: number, reason: string) => {
          ctx.extra.socket.close(code, reason); // graphql-ws's own close after `false` then finds the socket closing
          return false;
        };
        const header = ctx.connectionParams?.authorization;
        const secret = bearerSecret(typeof header === 'string' ? header : undefined);
        if (!secret) return refuse(CLOSE_UNAUTHORIZED, 'Unauthorized: send { authorization: "Bearer <api key>" } in connection_init');
        const key = await identifyKey(orm.em.fork(), secret);
        if (!key) {
          await options.onFailedAuthentication(ctx.extra.request).catch(() => undefined);
          return refuse(CLOSE_UNAUTHORIZED, 'Unauthorized: unknown API key');
        }
        if (key.revoked) return refuse(CLOSE_FORBIDDEN, 'Forbidden: the API key was revoked');
        if (!can(key.principal.role, Permission.READ)) {
          return refuse(CLOSE_FORBIDDEN, `Forbidden: the ${key.principal.role} role may not read KPIs`);
        }
        const connection: Connection = {
          apiKeyId: key.principal.apiKeyId,
          principal: key.principal,
          close: (code, reason) => ctx.extra.socket.close(code, reason),
          closed: () => undefined,
        };
        connection.closed = hub.openConnection(connection);
        connections.set(ctx, connection);
        return true;
      },
      onClose: (ctx) => {
        connections.get(ctx)?.closed();
        connections.delete(ctx);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const connection = connections.get(ctx)!;
        const query = typeof payload.query === 'string' ? payload.query : '';
        const exceeded = exceededLimit(documentShape(query));
        if (exceeded) return [queryTooComplex(exceeded)];
        let document;
        try {
          document = parse(query, { maxTokens: DOCUMENT_LIMITS.tokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('the document does not parse')];
        }
        const invalid = validate(schema, document);
        if (invalid.length) return [...invalid];
        const operation = getOperationAST(document, payload.operationName ?? undefined);
        if (!operation) return [new GraphQLError('no operation of that name in the document', { extensions: { code: 'BAD_USER_INPUT' } })];
        if (operation.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions travel over the WebSocket: send queries and mutations to POST /graphql', {
            extensions: { code: 'BAD_USER_INPUT' },
          })];
        }
        const depth = operationDepth(document, operation);
        if (depth > DOCUMENT_LIMITS.depth) {
          return [queryTooComplex({ limit: 'depth', max: DOCUMENT_LIMITS.depth, actual: depth,
            message: `Subscription refused: ${depth} levels of nested selections with fragments expanded, more than the limit of ${DOCUMENT_LIMITS.depth} (depth)` })];
        }
        const sizes = await options.directory.sizes(connection.principal.organizationId);
        const cost = estimateCost({ schema, document, operationName: payload.operationName, variables: payload.variables ?? {}, sizes });
        if (cost > limits.maxQueryCost) {
          return [queryTooComplex({ limit: 'cost', max: limits.maxQueryCost, actual: cost,
            message: `Subscription refused: estimated cost ${cost} of each report is more than the limit of ${limits.maxQueryCost} (MAX_QUERY_COST); ` +
              'ask for fewer rows (shorter range, coarser granularity, fewer groupBy dimensions) or fewer fields' })];
        }
        const clientAddress = options.clientAddressOf(ctx.extra.request);
        const base = contextFor(connection.principal, randomUUID(), clientAddress);
        const contextValue: LiveContext = {
          ...base,
          live: {
            hub,
            connection,
            gate,
            fresh: () => contextFor(connection.principal, base.requestId, clientAddress),
            minIntervalMs: LIVE_MIN_INTERVAL_MS,
            reads,
          },
        };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue } satisfies ExecutionArgs;
      },
    },
    wss,
  );

  const listener: PgListener = listenToPostgres({
    databaseUrl: orm.config.getClientUrl(),
    channels: [FACTS_CHANNEL, KEY_REVOKED_CHANNEL],
    logger,
    onNotice: (channel, payload) => {
      if (channel === KEY_REVOKED_CHANNEL) return hub.keyRevoked(Number(payload));
      const notice = decodeFactNotice(payload);
      if (notice) hub.notice(notice);
    },
    // Notices sent while not listening are lost: every report is read again, and every open key checked again.
    onListening: () => {
      hub.pokeAll();
      void recheckKeys().catch((error) => logger.warn({ err: error }, 'could not check the keys of open sockets again'));
    },
  });

  async function recheckKeys(): Promise<void> {
    const open = hub.openKeys();
    if (open.length === 0) return;
    const revoked: Array<{ id: number }> = await orm.em.fork().getConnection().execute(
      'select id from api_key where id in (?) and revoked_at is not null', [open],
    );
    for (const { id } of revoked) hub.keyRevoked(Number(id));
  }

  return {
    hub,
    get listening() {
      return listener.listening;
    },
    ready: () => listener.ready(5_000),
    async close() {
      await listener.close();
      await server.dispose();
    },
  };
}
