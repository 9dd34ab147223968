import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import pgClient from 'pg';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '../../../src/platform/embedded-postgres';
import { startHttpServer, type HttpServer } from '../../../src/app/http';
import { createLogger } from '../../../src/platform/logger';
import { migrate, openOrm, type MikroORM } from '../../../src/app/orm';
import { buildAppSchema } from '../../../src/app/schema';
import { ensureBootstrapKey, ensureDefaultOrganization } from '../../../src/org/api-keys.service';
import { postGraphQL } from '../../support/server';

const KEY = 'outage-test-admin-key';
const QUEUES = `{ queues { key } }`;
const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;

/**
 * A database that goes away and comes back: an embedded PostgreSQL cluster of this
 * file's own (the shared test server must not be stopped), stopped and started on
 * the same port under a running server.
 */
describe('database outage', () => {
  const logger = createLogger('silent');
  let dir: string;
  let port: number;
  let pg: RunningPostgres | null = null;
  let orm: MikroORM;
  let server: HttpServer;
  let url: string;

  beforeAll(async () => {
    // Not under a mode-700 temp dir: initdb runs as the `postgres` OS user when we are root.
    await mkdir(path.resolve('.test-data'), { recursive: true }); // absent on a fresh clone when no other test made it
    dir = await mkdtemp(path.resolve('.test-data/outage-'));
    pg = await startEmbeddedPostgres(dir, logger);
    port = Number(new URL(pg.url).port);
    orm = await openOrm(pg.url, {}, { statementTimeoutMs: 5_000, logger });
    await migrate(orm);
    const org = await ensureDefaultOrganization(orm.em.fork());
    await ensureBootstrapKey(orm.em.fork(), org.id, KEY);
    server = await startHttpServer({
      orm, schema: await buildAppSchema(), logger, port: 0, host: '127.0.0.1',
      // Middleware that reads the database before GraphQL (as the early key lookup does).
      mount: (app) => app.get('/probe', async (_req, res) => res.json(await orm.em.fork().getConnection().execute('select 1 as one'))),
    });
    url = `http://127.0.0.1:${server.port}/graphql`;
  });
  afterAll(async () => {
    await server?.close();
    await orm?.close(true);
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const health = async () => (await fetch(url.replace('/graphql', '/healthz'))).status;
  const ask = async (query: string, variables?: Record<string, unknown>) => {
    const started = Date.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any, ms: Date.now() - started };
  };

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After within 5 s while the database is down, then recovers by itself', async () => {
    expect((await ask(QUEUES)).status).toBe(200);
    expect(await health()).toBe(200);

    await pg!.stop();
    pg = null;
    for (const query of [QUEUES, RECORD]) {
      const answer = await ask(query, query === RECORD ? { c: [{ externalId: 'x1', channel: 'VOICE', queue: 'q', offeredAt: '2026-03-02T09:00:00Z', endedAt: '2026-03-02T09:05:00Z' }] } : undefined);
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('2');
      expect(answer.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      expect(answer.body.errors[0].message).not.toMatch(/select|insert|ECONN/i);
      expect(answer.ms).toBeLessThan(5_000);
    }
    expect(await health()).toBe(503);
    const probe = await fetch(url.replace('/graphql', '/probe'));
    expect(probe.status).toBe(503);
    expect(probe.headers.get('retry-after')).toBe('2');
    expect(((await probe.json()) as any).errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');

    pg = await startEmbeddedPostgres(dir, logger, { port });
    // No restart of the server: the pool connects anew, the breaker closes after its second.
    const deadline = Date.now() + 15_000;
    let last = await ask(QUEUES);
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      last = await ask(QUEUES);
    }
    expect(last.status).toBe(200);
    expect(last.body.errors).toBeUndefined();
    const record = await ask(RECORD, { c: [{ externalId: 'x1', channel: 'VOICE', queue: 'q', offeredAt: '2026-03-02T09:00:00Z', endedAt: '2026-03-02T09:05:00Z' }] });
    expect(record.body.data.recordContacts.created).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await health()).toBe(200);
  });
  it('answers 503 DATABASE_UNAVAILABLE to a batch whose connection the stopping database ends, and the batch is not written', async () => {
    const [{ id: organizationId }] = await orm.em.fork().getConnection().execute<Array<{ id: number }>>(`select id from organization limit 1`);
    const contacts = Array.from({ length: 20 }, (_, i) => ({ externalId: `mid-${i}`, channel: 'VOICE', queue: 'q', offeredAt: '2026-03-03T09:00:00Z', endedAt: '2026-03-03T09:05:00Z' }));
    // The batch waits for the organization's write lock, held here, when the database stops under it.
    const holder = new pgClient.Client({ connectionString: pg!.url });
    await holder.connect();
    holder.on('error', () => {}); // its connection ends with the database
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(7100, $1)', [organizationId]);
    const pending = ask(RECORD, { c: contacts });
    for (let waited = 0; ; waited += 50) {
      const { rows } = await holder.query(`select count(*)::int as n from pg_stat_activity where wait_event = 'advisory'`);
      if (rows[0].n > 0) break;
      if (waited > 5_000) throw new Error('the batch never waited for the lock');
      await new Promise((r) => setTimeout(r, 50));
    }
    await pg!.stop();
    pg = null;
    const answer = await pending;
    expect(answer.status).toBe(503);
    expect(answer.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');

    pg = await startEmbeddedPostgres(dir, logger, { port });
    const check = new pgClient.Client({ connectionString: pg.url });
    await check.connect();
    const { rows } = await check.query(`select count(*)::int as n from contact where external_id like 'mid-%'`);
    await check.end();
    expect(rows[0].n).toBe(0);
  });
});
