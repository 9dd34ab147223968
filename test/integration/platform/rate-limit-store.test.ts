import net from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCounters } from '../../../src/platform/rate-limit-store';
import { createTestDatabase, type TestDatabase } from '../../support/database';

/** A TCP relay to the test PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class CuttableLink {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe(SharedCounters.name, () => {
  let db: TestDatabase;
  let link: CuttableLink;
  let counters: SharedCounters;
  const logs: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const url = new URL(db.url);
    link = new CuttableLink({ host: url.hostname, port: Number(url.port || 5432) });
    await link.open();
    url.host = `127.0.0.1:${link.port}`;
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    counters = new SharedCounters({ databaseUrl: url.toString(), logger, retryStoreAfterMs: 300 });
  });
  afterAll(async () => {
    await counters?.close();
    await db?.drop();
  });

  const stored = async (key: string) =>
    ((await db.orm.em.fork().execute('select points from rate_limit where key = ?', [key])) as Array<{ points: number }>)[0]?.points;

  it('counts in the database, keeps counting in memory while it is cut off, and goes back to it when it answers', async () => {
    const counter = counters.counter('outage', 3);
    expect((await counter.consume('client')).remaining).toBe(2);
    expect((await counter.consume('client')).remaining).toBe(1);
    expect(await stored('outage:client')).toBe(2);

    await link.cut(); // idle pooled connections die too: the pool's error must not crash the process
    const during = [await counter.consume('client'), await counter.consume('client'), await counter.consume('client')];
    expect(during.map((count) => count.allowed)).toEqual([true, true, true]); // memory starts its own window
    const over = await counter.consume('client');
    expect(over).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(over.msBeforeReset).toBeGreaterThan(50_000);
    expect((await counter.exhausted('client')).allowed).toBe(false);
    expect((await counter.exhausted('someone else')).allowed).toBe(true);
    expect(logs.filter((line) => line.msg.includes('does not answer'))).toHaveLength(1); // said once, not per request
    expect(await stored('outage:client')).toBe(2); // nothing reached the database

    await link.open();
    await new Promise((resolve) => setTimeout(resolve, 400)); // past retryStoreAfterMs
    expect(await counter.consume('client')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await stored('outage:client')).toBe(3);
    expect((await counter.consume('client')).allowed).toBe(false);
    expect(logs.some((line) => line.msg.includes('answers again'))).toBe(true);
  });

  it('shares counts between two sets of counters on one database, and reads without counting', async () => {
    const other = new SharedCounters({ databaseUrl: db.url, logger: pino({ level: 'silent' }) });
    try {
      const here = counters.counter('shared', 2);
      const there = other.counter('shared', 2);
      expect((await here.consume('k')).allowed).toBe(true);
      expect((await there.exhausted('k')).allowed).toBe(true);
      expect((await there.consume('k')).allowed).toBe(true);
      expect((await here.exhausted('k')).allowed).toBe(false);
      expect((await here.consume('k')).allowed).toBe(false);
      expect(await stored('shared:k')).toBe(3);
    } finally {
      await other.close();
    }
  });
});
