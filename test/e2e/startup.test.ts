import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  REPO_ROOT,
  freePort,
  killAllCliProcesses,
  processesMentioning,
  runCli,
  stopStrayPostgres,
  type CliProcess,
} from '../support/child-server';
import { adminQuery, databaseUrl } from '../support/postgres-server';
import { send } from '../resilience/support/raw-http';

/**
 * The real CLI as an operator runs it: `node --import tsx src/main.ts serve` in
 * a child process with an environment of its own.
 */

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;

async function graphql(url: string, query: string, key: string | null, variables?: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string }> } };
}

const healthz = (graphqlUrl: string) => fetch(new URL('/healthz', graphqlUrl));

afterAll(killAllCliProcesses);

describe('a configuration mistake', () => {
  it('stops the server at once with exit code 2 and one stderr line naming the variable', async () => {
    const cli = runCli(['serve'], { PORT: 'abc', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    const exit = await cli.exitWithin(20_000);
    expect(exit.code).toBe(2);
    expect(cli.stderr()).toBe('callpulse: PORT must be an integer from 1 to 65535, got "abc"\n');
    expect(cli.stdout()).toBe('');
    expect(exit.afterMs).toBeLessThan(10_000);
  });

  it('is reported before any database is touched (no embedded PostgreSQL starts)', async () => {
    const dataDir = path.join('.test-data', `never-${randomBytes(4).toString('hex')}`);
    const cli = runCli(['serve'], { LOG_LEVEL: 'loud', CALLPULSE_DATA_DIR: dataDir });
    expect((await cli.exitWithin(20_000)).code).toBe(2);
    expect(cli.stderr().trimEnd().split('\n')).toEqual([
      'callpulse: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect(existsSync(path.join(REPO_ROOT, dataDir))).toBe(false);
  });
});

describe('serving from an external database (DATABASE_URL)', () => {
  const KEY = 'some-secret-123';
  const dbName = `callpulse_e2e_${randomBytes(6).toString('hex')}`;
  let dbUrl: string;
  let cli: CliProcess;
  let url: string;

  beforeAll(async () => {
    const adminUrl = inject('pgAdminUrl');
    await adminQuery(adminUrl, `create database ${dbName}`); // empty: the server migrates it
    dbUrl = databaseUrl(adminUrl, dbName);
    cli = runCli(['serve'], {
      DATABASE_URL: dbUrl,
      PORT: String(await freePort()),
      BOOTSTRAP_API_KEY: KEY,
      DEMO_DATA: '0',
      LOG_LEVEL: 'info',
    });
    url = (await cli.waitForStderr(READY, 90_000))[1];
  }, 120_000);

  afterAll(async () => {
    await killAllCliProcesses();
    await adminQuery(inject('pgAdminUrl'), `drop database if exists ${dbName} with (force)`);
  });

  it('migrates the empty database, then prints its URL without echoing the bootstrap key', () => {
    expect(url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
    expect(cli.stderr()).toContain('API key: the BOOTSTRAP_API_KEY you set');
    expect(cli.stderr()).not.toContain(KEY);
    expect(cli.logLines().find((line) => line.msg === 'migrations applied')?.migrations.length).toBeGreaterThan(0);
  });

  it('answers GET /healthz with 200 while the database answers', async () => {
    const response = await healthz(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', webhooks: { running: true } });
  });

  it('answers a query with the bootstrap key, and no demo data was loaded', async () => {
    expect(await graphql(url, '{ queues { key } }', KEY)).toEqual({ status: 200, body: { data: { queues: [] } } });
  });

  it('serves the API explorer at / with no key in the page (not an embedded database)', async () => {
    const response = await fetch(new URL('/', url), { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<title>CallPulse API explorer</title>');
    expect(html).not.toContain('callpulse-demo-key');
    expect(html).not.toContain(KEY);
  });

  it('delivers the refusal of a 10 MB document to key holders still sending it, on connections they asked to close', async () => {
    // Refused on the body's first 256 KB and closed under the senders, the answer was
    // lost to a connection reset in 2 to 25 % of sends (EPIPE): the rest is now read first.
    const query = `{ ${Array.from({ length: 550_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const body = Buffer.from(JSON.stringify({ query }));
    for (let round = 0; round < 8; round++) {
      const answers = await Promise.all(Array.from({ length: 5 }, () => send({ url, key: KEY, body })));
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 400, json: { errors: [{ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'aliases' } }] } });
      }
    }
  });

  it('refuses the same query without a key', async () => {
    const { body } = await graphql(url, '{ queues { key } }', null);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('logs one JSON line per request on stdout, with a request id and a duration', async () => {
    const response = await fetch(new URL('/healthz', url), { headers: { 'x-request-id': 'probe-42' } });
    expect(response.headers.get('x-request-id')).toBe('probe-42');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the line follows the response
    const lines = cli.logLines(); // every stdout line parses as JSON
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests) {
      expect(line).toMatchObject({ level: 30, service: 'callpulse', requestId: expect.any(String), durationMs: expect.any(Number) });
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(requests.at(-1)).toMatchObject({ requestId: 'probe-42', method: 'GET', path: '/healthz', status: 200 });
    const graphqlLines = requests.filter((line) => line.path === '/graphql');
    expect(graphqlLines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(requests.map((line) => line.requestId)).size).toBe(requests.length);
  });

  it('finishes an in-flight request on SIGTERM, then exits with code 0', async () => {
    const contacts = Array.from({ length: 10_000 }, (_, i) => {
      const offered = Date.UTC(2026, 2, 2, 8) + i * 7_000;
      const answered = i % 10 !== 0;
      return {
        externalId: `shutdown-${i}`,
        channel: ['VOICE', 'CHAT', 'EMAIL', 'MESSAGING'][i % 4],
        queue: `queue-${i % 7}`,
        team: `team-${i % 3}`,
        agent: answered ? `agent-${i % 40}` : null,
        customerRef: `customer-${i % 2_500}`,
        offeredAt: new Date(offered).toISOString(),
        answeredAt: answered ? new Date(offered + 15_000).toISOString() : null,
        endedAt: new Date(offered + (answered ? 300_000 : 40_000)).toISOString(),
        talkSeconds: answered ? 270 : 0,
      };
    });

    const inFlight = graphql(
      url,
      'mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { received created updated unchanged } }',
      KEY,
      { contacts },
    );
    // SIGTERM once the mutation is working in the database, so it is surely in flight
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { rows } = await client.query(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()
              and (state = 'active' or state like 'idle in transaction%')`,
        );
        if (rows[0].n > 0) break;
        if (Date.now() > deadline) throw new Error('the mutation never reached the database');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const signalledAt = Date.now();
      cli.child.kill('SIGTERM');

      expect(await inFlight).toEqual({
        status: 200,
        body: { data: { recordContacts: { received: 10_000, created: 10_000, updated: 0, unchanged: 0 } } },
      });
      const exit = await cli.exitWithin(15_000);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(15_000);

      const { rows } = await client.query(`select count(*)::int as n from contact where external_id like 'shutdown-%'`);
      expect(rows[0].n).toBe(10_000);
    } finally {
      await client.end();
    }
    // the log shows the order: signal first, the mutation's request line after it, then 'stopped'
    const lines = cli.logLines();
    const signalled = lines.findIndex((line) => line.msg === 'shutting down: finishing in-flight requests' && line.signal === 'SIGTERM');
    expect(signalled).toBeGreaterThan(0);
    expect(lines.slice(signalled).filter((line) => line.msg === 'request')).toEqual([
      expect.objectContaining({ method: 'POST', path: '/graphql', status: 200 }),
    ]);
    expect(lines.at(-1)?.msg).toBe('stopped');
  }, 60_000);
});

describe('serving from an embedded PostgreSQL (no DATABASE_URL)', () => {
  const dataDir = path.join(REPO_ROOT, '.test-data', `embedded-${randomBytes(6).toString('hex')}`);
  const clusterDir = path.join(dataDir, 'pg');
  const start = async () =>
    runCli(['serve'], { CALLPULSE_DATA_DIR: dataDir, PORT: String(await freePort()), DEMO_DATA: '0', LOG_LEVEL: 'warn' });
  const ready = async (cli: CliProcess) => ({
    url: (await cli.waitForStderr(READY, 90_000))[1],
    key: (await cli.waitForStderr(/API key \(ADMIN\): (\S+)\n/, 5_000))[1],
  });
  let firstKey: string;

  beforeAll(async () => {
    // the embedded server runs as the `postgres` OS user, which must reach the directory
    await mkdir(dataDir, { recursive: true });
    await chmod(path.dirname(dataDir), 0o755);
    await chmod(dataDir, 0o755);
  });

  afterAll(async () => {
    await killAllCliProcesses();
    await stopStrayPostgres(clusterDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function expectCleanStop(cli: CliProcess, signal: NodeJS.Signals = 'SIGTERM') {
    cli.child.kill(signal);
    const exit = await cli.exitWithin(20_000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(processesMentioning(clusterDir)).toEqual([]);
    expect(existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
  }

  it('starts its own PostgreSQL, prints the URL and an admin key, and serves with that key', async () => {
    const cli = await start();
    const { url, key } = await ready(cli);
    firstKey = key;
    expect(url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
    expect(key).toMatch(/^\S{20,}$/);
    expect(processesMentioning(clusterDir).length).toBe(1); // the postmaster, with -D <clusterDir>

    expect((await healthz(url)).status).toBe(200);
    expect(await graphql(url, '{ queues { key } }', key)).toEqual({ status: 200, body: { data: { queues: [] } } });
    // The explorer's key field is filled with the printed key, for a browser on this machine.
    const page = await (await fetch(new URL('/', url), { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(`<meta name="callpulse-demo-key" content="${key}">`);

    await expectCleanStop(cli);
  }, 120_000);

  it('starts again on the same data directory with the same key, and stops cleanly on SIGHUP (a closed terminal)', async () => {
    expect(firstKey).toBeDefined();
    const cli = await start();
    const { url, key } = await ready(cli);
    expect(key).toBe(firstKey);
    expect(await graphql(url, '{ queues { key } }', key)).toEqual({ status: 200, body: { data: { queues: [] } } });
    await expectCleanStop(cli, 'SIGHUP');
  }, 120_000);
});
