import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, killAllCliProcesses, runCli, type CliProcess } from '../support/child-server';
import { adminQuery, databaseUrl } from '../support/postgres-server';
import { random } from '../support/random';
import { openLiveClient, type LiveClient } from '../support/live-client';

/**
 * Two server processes on one database, ingesting overlapping batches at once:
 * re-sends and corrections of the same contacts through either instance, shared
 * customers across batches (first-contact resolution). Whatever order the
 * batches commit in, each instance's KPIs (from the rollups) must equal what the
 * stored contacts themselves give, and nothing may be lost or counted twice.
 */

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;
const KEY = 'two-instances-key';
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { received created updated unchanged } }';
const WEEK = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' }; // a week of contacts, and the 7 days FCR looks ahead
const QUEUES = ['care', 'sales', 'billing'];
const AGENTS = ['ann', 'bob', 'cy', 'dee'];
const POOL = 4_000; // external ids the batches draw from, so they overlap
const CUSTOMERS = 400;
const DAY = 86_400_000;

interface Totals { received: number; created: number; updated: number; unchanged: number }

/** One version of contact `id`: `version` changes its queue, agent, answer and times. */
function contact(id: number, version: number) {
  const next = random(id * 7 + version * 7919);
  const offered = Date.parse(WEEK.from) + Math.floor(next() * 7 * DAY);
  const wait = Math.floor(next() * 120);
  const answered = next() < 0.85;
  const talk = 60 + Math.floor(next() * 400);
  return {
    externalId: `two-${id}`,
    channel: next() < 0.8 ? 'VOICE' : 'CHAT',
    direction: next() < 0.9 ? 'INBOUND' : 'OUTBOUND',
    queue: QUEUES[Math.floor(next() * QUEUES.length)]!,
    agent: answered ? AGENTS[Math.floor(next() * AGENTS.length)]! : null,
    customerRef: next() < 0.9 ? `cust-${Math.floor(next() * CUSTOMERS)}` : null,
    offeredAt: new Date(offered).toISOString(),
    answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
    endedAt: new Date(offered + wait * 1000 + (answered ? talk * 1000 : 0)).toISOString(),
    talkSeconds: answered ? talk : 0,
  };
}

/** A batch of `size` distinct ids from the pool, each at `version`. */
function batch(seed: number, size: number, version: (id: number) => number) {
  const next = random(seed);
  const ids = new Set<number>();
  while (ids.size < size) ids.add(Math.floor(next() * POOL));
  return [...ids].map((id) => contact(id, version(id)));
}

let url: { a: string; b: string };
let dbUrl: string;
const dbName = `callpulse_two_${randomBytes(6).toString('hex')}`;

async function post(server: string, contacts: unknown[]): Promise<Totals> {
  const response = await fetch(server, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query: RECORD, variables: { c: contacts } }),
  });
  const body = (await response.json()) as { data?: { recordContacts: Totals }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!.recordContacts;
}

async function kpis(server: string) {
  const response = await fetch(server, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      query: `query($r: TimeRange!) { kpis(query: { range: $r, granularity: DAY, groupBy: [QUEUE] }) {
        rows { periodStart queue { key } offered answered abandoned handled firstContactResolutionRate averageTalkTime }
        total { offered answered handled firstContactResolutionRate } } }`,
      variables: { r: WEEK },
    }),
  });
  return ((await response.json()) as any).data.kpis;
}

/** What the stored contacts give, by the formulas of DOMAIN.md, computed here from the raw rows. */
async function expectedFromStoredContacts() {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query(
    `select c.external_id, q.key as queue, c.direction, c.customer_ref, c.offered_at, c.answered_at, c.talk_seconds
     from contact c join queue q on q.organization_id = c.organization_id and q.id = c.queue_id`,
  );
  await client.end();
  const inbound = rows.filter((r) => r.direction === 'INBOUND');
  const repeats = new Map<string, number[]>();
  for (const r of inbound) if (r.customer_ref) repeats.set(r.customer_ref, [...(repeats.get(r.customer_ref) ?? []), r.offered_at.getTime()]);
  const resolved = (r: any) => !repeats.get(r.customer_ref)!.some((t) => t > r.offered_at.getTime() && t <= r.offered_at.getTime() + 7 * DAY);
  const groups = new Map<string, any>();
  for (const r of rows) {
    const day = new Date(Math.floor(r.offered_at.getTime() / DAY) * DAY).toISOString();
    const key = `${day} ${r.queue}`;
    const g = groups.get(key) ?? { periodStart: day, queue: r.queue, offered: 0, answered: 0, abandoned: 0, handled: 0, talk: 0, fcrBase: 0, fcr: 0 };
    groups.set(key, g);
    if (r.answered_at) g.handled++, (g.talk += r.talk_seconds);
    if (r.direction !== 'INBOUND') continue;
    g.offered++;
    if (!r.answered_at) g.abandoned++;
    else {
      g.answered++;
      if (r.customer_ref) g.fcrBase++, resolved(r) && g.fcr++;
    }
  }
  return { count: rows.length, groups };
}

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl');
  await adminQuery(adminUrl, `create database ${dbName}`);
  dbUrl = databaseUrl(adminUrl, dbName);
  const start = async () =>
    runCli(['serve'], { DATABASE_URL: dbUrl, PORT: String(await freePort()), BOOTSTRAP_API_KEY: KEY, DEMO_DATA: '0', LOG_LEVEL: 'warn' });
  // One after the other: the first migrates the empty database.
  const a: CliProcess = await start();
  const urlA = (await a.waitForStderr(READY, 90_000))[1]!;
  const b: CliProcess = await start();
  const urlB = (await b.waitForStderr(READY, 90_000))[1]!;
  url = { a: urlA, b: urlB };
}, 200_000);

const liveClients: LiveClient[] = [];

afterAll(async () => {
  await Promise.all(liveClients.map((c) => c.dispose()));
  await killAllCliProcesses();
  await adminQuery(inject('pgAdminUrl'), `drop database if exists ${dbName} with (force)`);
});

describe('two server instances on one database', () => {
  it('ingest overlapping batches at once, and both answer exactly what the stored contacts give', async () => {
    // Round 1: six batches of 1,500 from 4,000 ids, half through each instance, all at once
    // (every id at version 0, so overlaps are re-sends).
    const first = Array.from({ length: 6 }, (_, i) => batch(100 + i, 1_500, () => 0));
    const round1 = await Promise.all(first.map((contacts, i) => post(i % 2 ? url.b : url.a, contacts)));
    const distinct1 = new Set(first.flat().map((c) => c.externalId)).size;
    expect(round1.reduce((n, t) => n + t.created, 0)).toBe(distinct1);
    expect(round1.reduce((n, t) => n + t.updated, 0)).toBe(0);

    // Round 2: corrections (a new version: other queue, agent, times) racing re-sends of version 0.
    const second = Array.from({ length: 6 }, (_, i) => batch(200 + i, 1_500, () => (i % 3 === 0 ? 0 : i)));
    const round2 = await Promise.all(second.map((contacts, i) => post(i % 2 ? url.a : url.b, contacts)));
    const distinct = new Set([...first.flat(), ...second.flat()].map((c) => c.externalId)).size;
    expect(round1.concat(round2).reduce((n, t) => n + t.created, 0)).toBe(distinct);
    for (const totals of round2) expect(totals.created + totals.updated + totals.unchanged).toBe(totals.received);

    const expected = await expectedFromStoredContacts();
    expect(expected.count).toBe(distinct);
    for (const server of [url.a, url.b]) {
      const report = await kpis(server);
      const got = new Map<string, any>(report.rows.map((r: any) => [`${r.periodStart} ${r.queue?.key}`, r]));
      for (const [key, g] of expected.groups) {
        const row = got.get(key);
        expect(row, key).toBeDefined();
        expect({ offered: row.offered, answered: row.answered, abandoned: row.abandoned, handled: row.handled }, key).toEqual({
          offered: g.offered, answered: g.answered, abandoned: g.abandoned, handled: g.handled,
        });
        if (g.fcrBase) expect(row.firstContactResolutionRate, key).toBeCloseTo(g.fcr / g.fcrBase, 12);
        else expect(row.firstContactResolutionRate, key).toBeNull();
        if (g.handled) expect(row.averageTalkTime, key).toBeCloseTo(g.talk / g.handled, 9);
      }
      const sum = (f: string) => [...expected.groups.values()].reduce((n, g) => n + g[f], 0);
      expect(report.total).toMatchObject({ offered: sum('offered'), answered: sum('answered'), handled: sum('handled') });
    }
  }, 240_000);

  it('push a write through one instance to a liveKpis subscriber of the other (PostgreSQL LISTEN/NOTIFY)', async () => {
    const LIVE = `subscription($q: KpiQuery!) { liveKpis(query: $q) {
      rows { periodStart queue { key } offered answered abandoned } total { offered answered abandoned } } }`;
    const KPIS = LIVE.replace('subscription', 'query').replace('liveKpis', 'kpis');
    const query = { range: { from: '2026-04-06T00:00:00Z', to: '2026-04-07T00:00:00Z' }, granularity: 'HOUR', groupBy: ['QUEUE'] };
    const kpisOf = async (server: string) => {
      const response = await fetch(server, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query: KPIS, variables: { q: query } }),
      });
      return ((await response.json()) as any).data.kpis;
    };
    const onApril6 = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({
        ...contact(100_000 + offset + i, 0),
        externalId: `live-${offset + i}`,
        direction: 'INBOUND',
        offeredAt: new Date(Date.parse('2026-04-06T08:00:00Z') + i * 600_000).toISOString(),
        answeredAt: null,
        endedAt: new Date(Date.parse('2026-04-06T08:01:00Z') + i * 600_000).toISOString(),
        talkSeconds: 0,
        agent: null,
      }));
    for (const [subscriber, writer, offset] of [[url.b, url.a, 0], [url.a, url.b, 100]] as const) {
      const client = openLiveClient(subscriber, KEY);
      liveClients.push(client);
      const sub = client.subscribe(LIVE, { q: query });
      const first = (await sub.nth(1, 30_000)).data!.liveKpis;
      await post(writer, onApril6(5, offset));
      const pushed = (await sub.nth(2, 30_000)).data!.liveKpis;
      expect(pushed.total.offered).toBe(first.total.offered + 5);
      expect(pushed).toEqual(await kpisOf(subscriber));
      sub.unsubscribe();
    }
  }, 120_000);
});
