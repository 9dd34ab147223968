import 'reflect-metadata';
/**
 * Database failures as a client sees them, on an embedded PostgreSQL cluster of
 * this run's own (stopped and started under the running server):
 * - /healthz while every pooled connection waits behind a held write lock;
 * - time to the 503 DATABASE_UNAVAILABLE answer while the database is down;
 * - time from the database's start to the first good answer.
 *
 *   npx tsx bench/db-failures.bench.ts          # BENCH_RUNS=30 by default
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../src/platform/embedded-postgres';
import { startHttpServer } from '../src/app/http';
import { createLogger } from '../src/platform/logger';
import { migrate, openOrm } from '../src/app/orm';
import { buildAppSchema } from '../src/app/schema';
import { ensureBootstrapKey, ensureDefaultOrganization } from '../src/org/api-keys.service';
import { formatSummary, machine, runBench, summarize } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const KEY = 'bench-db-failures-key';
const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;

runBench(async () => {
  const logger = createLogger('silent');
  const dir = await mkdtemp(path.resolve('.test-data/bench-failures-'));
  let db: RunningPostgres | null = await startEmbeddedPostgres(dir, logger);
  const port = Number(new URL(db.url).port);
  const orm = await openOrm(db.url, {}, { statementTimeoutMs: 30_000, logger });
  await migrate(orm);
  const org = await ensureDefaultOrganization(orm.em.fork());
  await ensureBootstrapKey(orm.em.fork(), org.id, KEY);
  const server = await startHttpServer({ orm, schema: await buildAppSchema(), logger, port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${server.port}`;
  const timed = async (run: () => Promise<Response>) => {
    const started = performance.now();
    const response = await run();
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  };
  const health = () => timed(() => fetch(`${base}/healthz`));
  const query = () =>
    timed(() =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query: '{ queues { key } }' }),
      }),
    );
  console.log(machine());

  try {
    // 1. /healthz while 12 writers (pool: 10) wait for a write lock held elsewhere.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(7100, $1)', [org.id]);
    const contact = (i: number) => ({ externalId: `w${i}`, channel: 'VOICE', queue: 'q', offeredAt: '2026-03-02T09:00:00Z', endedAt: '2026-03-02T09:05:00Z' });
    const writers = Array.from({ length: 12 }, (_, i) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query: RECORD, variables: { c: [contact(i)] } }),
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const busy: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const answer = await health();
      if (answer.status !== 200) throw new Error(`/healthz answered ${answer.status} with the pool saturated`);
      busy.push(answer.ms);
    }
    await holder.query('commit');
    await holder.end();
    await Promise.all(writers);
    console.log(`/healthz, request pool saturated (${RUNS} sequential): ${formatSummary(summarize(busy))}`);

    // 2. The database down: each request's time to its 503.
    await db.stop();
    db = null;
    const down: number[] = [];
    const downHealth: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const answer = await query();
      if (answer.status !== 503) throw new Error(`a query answered ${answer.status} with the database down`);
      down.push(answer.ms);
      const h = await health();
      if (h.status !== 503) throw new Error(`/healthz answered ${h.status} with the database down`);
      downHealth.push(h.ms);
    }
    console.log(`query → 503 DATABASE_UNAVAILABLE, database down (${RUNS}): ${formatSummary(summarize(down))}`);
    console.log(`/healthz → 503, database down (${RUNS}): ${formatSummary(summarize(downHealth))}`);

    // 3. Back: from the cluster's start to the first 200.
    const started = performance.now();
    db = await startEmbeddedPostgres(dir, logger, { port });
    const up = performance.now();
    let answer = await query();
    while (answer.status !== 200) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await query();
    }
    console.log(`recovery: cluster start ${Math.round(up - started)} ms, then first 200 after ${Math.round(performance.now() - up)} ms`);
  } finally {
    await server.close();
    await orm.close(true);
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
