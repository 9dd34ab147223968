import { afterAll, beforeAll } from 'vitest';
import { startHttpServer, type HttpOptions, type HttpServer } from '../../src/app/http';
import { createLogger } from '../../src/platform/logger';
import { openOrm, type MikroORM } from '../../src/app/orm';
import { buildAppSchema } from '../../src/app/schema';
import { Role } from '../../src/org/api-key.entity';
import { hashSecret, newSecret } from '../../src/org/api-keys.crypto';
import { ApiKey } from '../../src/org/api-key.entity';
import { Organization } from '../../src/org/organization.entity';
import { createTestDatabase, type TestDatabase } from './database';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestOrganization {
  id: number;
  /** Keys of each role for this organization. */
  keys: Record<Role, string>;
}

export interface TestServer {
  url: string;
  db: TestDatabase;
  /** The first organization with keys of every role. */
  org: TestOrganization;
  createOrganization(slug: string): Promise<TestOrganization>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  /** Waits for the event handlers detached from finished requests (survey auto-invite). */
  settled(): Promise<void>;
}

/** What a test may set on its server; rate limits are off unless a test sets them. */
export type TestServerOptions = Pick<HttpOptions, 'jit' | 'explorerDemoKey'> & { limits?: HttpOptions['limits'] };

const TEST_LIMITS: HttpOptions['limits'] = { rateLimitPerMinute: 0, authFailuresPerMinute: 0, surveyRateLimitPerMinute: 0 };

/**
 * The real HTTP server on a fresh database of this test file's own, started
 * before the file's tests and stopped after them.
 */
export function useTestServer(options: TestServerOptions = {}): TestServer {
  let http: HttpServer;
  let requestOrm: MikroORM | undefined;
  const server = {} as TestServer;
  beforeAll(async () => {
    const db = await createTestDatabase();
    // A statement timeout lives on the pool's sessions: such a server gets a pool of its own.
    const statementTimeoutMs = options.limits?.statementTimeoutMs;
    if (statementTimeoutMs) requestOrm = await openOrm(db.url, {}, { statementTimeoutMs });
    http = await startHttpServer({
      orm: requestOrm ?? db.orm,
      schema: await buildAppSchema(),
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      jit: options.jit,
      limits: { ...TEST_LIMITS, ...options.limits },
      explorerDemoKey: options.explorerDemoKey,
    });
    server.url = `http://127.0.0.1:${http.port}/graphql`;
    server.db = db;
    server.createOrganization = async (slug) => {
      const em = db.orm.em.fork();
      const org = new Organization(slug, slug);
      await em.persistAndFlush(org);
      const keys = {} as Record<Role, string>;
      for (const role of Object.values(Role)) {
        keys[role] = newSecret();
        em.persist(new ApiKey(org.id, `${role.toLowerCase()} key`, role, hashSecret(keys[role])));
      }
      await em.flush();
      return { id: org.id, keys };
    };
    server.org = await server.createOrganization('acme');
    server.gql = (query, variables, key = server.org.keys.ADMIN) => postGraphQL(server.url, query, variables, key);
    server.settled = () => http.settled();
  });
  afterAll(async () => {
    await http?.close();
    await requestOrm?.close(true);
    await server.db?.drop();
  });
  return server;
}

export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  key?: string | null,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}
