import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const WRITE_LOCK_SPACE = 7100; // warehouse/write-lock.ts: the organization's write lock

const contacts = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    externalId: `${prefix}-${i}`, channel: 'VOICE', queue: 'care', agent: 'ann', customerRef: `cust-${prefix}-${i}`,
    offeredAt: new Date(Date.UTC(2026, 2, 2, 9, i % 60)).toISOString(),
    endedAt: new Date(Date.UTC(2026, 2, 2, 10, i % 60)).toISOString(),
  }));

/** Holds the organization's write lock on a connection of its own, as a long contact batch would. */
async function holdWriteLock(url: string, organizationId: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query('select pg_advisory_xact_lock($1, $2)', [WRITE_LOCK_SPACE, organizationId]);
  return { release: async () => (await client.query('commit'), await client.end()) };
}

/** Statements of the test database waiting for an advisory lock (the server's, blocked behind ours). */
async function abortedTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

async function waitingForLock(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const contactCount = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('select count(*)::int as n from contact')).rows[0].n as number;
  } finally {
    await client.end();
  }
};

describe('request isolation', () => {
  const server = useTestServer({ limits: { statementTimeoutMs: 1_000 } });
  let lock: { release(): Promise<void> } | null = null;
  afterEach(async () => {
    await lock?.release();
    lock = null;
  });

  it('gives TIMEOUT naming STATEMENT_TIMEOUT_MS when a statement runs past it, and writes nothing', async () => {
    const before = await contactCount(server.db.url);
    lock = await holdWriteLock(server.db.url, server.org.id);
    const res = await server.gql(RECORD, { c: contacts('t', 3) });
    expect(res.status).toBe(200);
    expect(res.errors?.[0].extensions?.code).toBe('TIMEOUT');
    expect(res.errors?.[0].message).toMatch(/STATEMENT_TIMEOUT_MS \(1000 ms\)/);
    await lock.release();
    lock = null;
    expect(await contactCount(server.db.url)).toBe(before);
    // The cancelled transaction was rolled back: no pooled connection is left inside it,
    // and every keyed request after it (more than the pool holds) is answered.
    expect(await abortedTransactions(server.db.url)).toBe(0);
    for (let i = 0; i < 15; i++) {
      const answer = await server.gql(`{ queues { key } }`);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
    }
  });

});

describe('without a statement timeout', () => {
  const server = useTestServer();
  let lock: { release(): Promise<void> } | null = null;
  afterEach(async () => {
    await lock?.release();
    lock = null;
  });

  it('answers /healthz while every pooled connection waits behind a held lock', async () => {
    lock = await holdWriteLock(server.db.url, server.org.id);
    // More waiting writers than the request pool has connections (10).
    const writes = Array.from({ length: 12 }, (_, i) => server.gql(RECORD, { c: contacts(`h${i}`, 1) }));
    await until('writers waiting', () => waitingForLock(server.db.url), (n) => n >= 10);
    const health = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', webhooks: { running: true }, live: { listening: true } });
    // The writers were still waiting when /healthz answered.
    expect(await waitingForLock(server.db.url)).toBeGreaterThanOrEqual(1);
    await lock.release();
    lock = null;
    const answers = await Promise.all(writes);
    for (const answer of answers) expect(answer.data.recordContacts.created).toBe(1);
  });

  it('answers 503 SERVER_BUSY with Retry-After when no pooled connection frees up within 10 s', async () => {
    lock = await holdWriteLock(server.db.url, server.org.id);
    const writes = Array.from({ length: 10 }, (_, i) => server.gql(RECORD, { c: contacts(`b${i}`, 1) }));
    await until('writers waiting', () => waitingForLock(server.db.url), (n) => n === 10);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.org.keys.ADMIN}` },
      body: JSON.stringify({ query: '{ queues { key } }' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('SERVER_BUSY');
    await lock.release();
    lock = null;
    for (const answer of await Promise.all(writes)) expect(answer.data.recordContacts.created).toBe(1);
  }, 30_000);

  it('cancels the statement of a client that disconnects, and its batch never commits', async () => {
    const before = await contactCount(server.db.url);
    lock = await holdWriteLock(server.db.url, server.org.id);
    const abort = new AbortController();
    const sent = fetch(server.url, {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.org.keys.ADMIN}` },
      body: JSON.stringify({ query: RECORD, variables: { c: contacts('gone', 50) } }),
    }).catch((error: Error) => error);
    await until('batch waiting for the lock', () => waitingForLock(server.db.url), (n) => n === 1);
    abort.abort();
    expect(await sent).toBeInstanceOf(Error);
    // Nothing else would end this wait while the lock is held: the server cancelled it.
    await until('statement cancelled', () => waitingForLock(server.db.url), (n) => n === 0, 5_000);
    await lock.release();
    lock = null;
    await new Promise((r) => setTimeout(r, 300));
    expect(await contactCount(server.db.url)).toBe(before);
    // Its transaction was rolled back (a refused ROLLBACK once left the pooled connection
    // idle in an aborted transaction, failing every later request that drew it).
    expect(await abortedTransactions(server.db.url)).toBe(0);
    for (let i = 0; i < 15; i++) {
      const answer = await server.gql(`{ queues { key } }`);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
    }
  });


  it('closes a connection whose headers trickle in for longer than 10 s, with 408', async () => {
    const { port } = new URL(server.url);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    // A header line written as the server closes may meet a reset (ECONNRESET): the close below still comes.
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 500);
    const at = await closed;
    clearInterval(trickle);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    // Node checks the limit every second: closed after 10 s, long before its 300 s default.
    expect(at - started).toBeGreaterThanOrEqual(9_000);
    expect(at - started).toBeLessThan(20_000);
  }, 30_000);
});
