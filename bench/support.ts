import 'reflect-metadata';
import os from 'node:os';
import pg from 'pg';
import { ensureBootstrapKey, ensureDefaultOrganization } from '../src/org/api-keys.service';
import { startHttpServer, type HttpServer } from '../src/app/http';
import { createLogger } from '../src/platform/logger';
import type { OperationalLimits } from '../src/platform/config';
import { migrate, openOrm, type MikroORM } from '../src/app/orm';
import { buildAppSchema } from '../src/app/schema';
import { adminQuery, databaseUrl } from '../test/support/postgres-server';

/** What every benchmark shares: a fresh database, the real server, min/median/max. */

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const API_KEY = 'bench-key';

export interface BenchDatabase {
  url: string;
  orm: MikroORM;
  organizationId: number;
  /** A database kept by an earlier run (BENCH_REUSE): its data is already loaded. */
  reused: boolean;
}

/**
 * A fresh, migrated database with the default organization and an ADMIN key, dropped
 * afterwards; or, with BENCH_REUSE=<url of a database kept by BENCH_KEEP=1>, that one
 * as it is, to time again without loading again.
 */
export async function withBenchDatabase<T>(name: string, fn: (db: BenchDatabase) => Promise<T>): Promise<T> {
  const reuse = process.env.BENCH_REUSE;
  const database = `callpulse_${name}_${process.pid}`;
  if (!reuse) await adminQuery(adminUrl, `create database ${database}`);
  const url = reuse ?? databaseUrl(adminUrl, database);
  const orm = await openOrm(url);
  try {
    await migrate(orm);
    const org = await ensureDefaultOrganization(orm.em.fork());
    await ensureBootstrapKey(orm.em.fork(), org.id, API_KEY);
    return await fn({ url, orm, organizationId: org.id, reused: Boolean(reuse) });
  } finally {
    await orm.close(true);
    // BENCH_KEEP=1 keeps the database for a closer look (psql, profiling, BENCH_REUSE); drop it by hand after.
    // A reused database is not ours to drop.
    if (!reuse) {
      if (process.env.BENCH_KEEP) console.error(`kept ${url}`);
      else await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
    }
  }
}

export interface BenchServer {
  server: HttpServer;
  /** POSTs one GraphQL operation with the bench key; throws on GraphQL errors. */
  post<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

export async function startBenchServer(orm: MikroORM, limits: Partial<OperationalLimits> = {}): Promise<BenchServer> {
  const server = await startHttpServer({ orm, schema: await buildAppSchema(), logger: createLogger('silent'), port: 0, host: '127.0.0.1', limits });
  return {
    server,
    async post<T>(query: string, variables: Record<string, unknown>) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
      return body.data!;
    },
  };
}

export async function withClient<T>(connectionString: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function machine(): string {
  return `machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export interface Summary {
  min: number;
  median: number;
  max: number;
}

/** min / median / max, rounded to 0.1. */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { min: r(sorted[0]), median: r(median), max: r(sorted[sorted.length - 1]) };
}

export const formatSummary = (s: Summary) => `${s.min} / ${s.median} / ${s.max} ms`;

export function runBench(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * COPY … FROM STDIN of `data` (already in COPY's text format) on a pg client,
 * through pg's submittable-query hooks (the protocol pg-copy-streams drives),
 * so the benchmarks need no extra package.
 */
export function copyIn(client: pg.Client, statement: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const CHUNK = 1 << 20;
    const query = {
      submit(connection: { query(text: string): void }) {
        connection.query(statement);
      },
      handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
        for (let i = 0; i < data.length; i += CHUNK) connection.sendCopyFromChunk(Buffer.from(data.slice(i, i + CHUNK)));
        connection.endCopyFrom();
      },
      handleCommandComplete() {},
      handleError(error: Error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve();
      },
    };
    void client.query(query as never);
  });
}
