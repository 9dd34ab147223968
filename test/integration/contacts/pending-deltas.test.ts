import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { FOLD_LOCK_SPACE } from '../../../src/warehouse/pending-deltas';
import { useTestServer } from '../../support/server';
import { openOrm } from '../../../src/app/orm';
import { ContactsService } from '../../../src/contacts/contacts.service';
import { random } from '../../support/random';

/**
 * Rollup deltas are folded after the writer's commit (src/warehouse/pending-deltas.ts);
 * reads add what is still pending. Here the folds are held back (their lock taken)
 * while contacts are recorded and corrected, so every answer below is read from
 * rollups plus pending deltas; then the folds run, and every answer read again from
 * the rollups alone must be the same, figure for figure and row for row (no group
 * left over whose contacts all moved away). Local days of a half-hour zone, a
 * threshold outside the precomputed ones (the wait distribution), percentiles.
 */

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated } }`;
const ROW = `periodStart queue { key } agent { key } team { key } offered answered abandoned handled serviceLevel
  answeredWithinThreshold(thresholdSeconds: 37) averageHandleTime firstContactResolutionRate
  waitTimePercentile(p: 0.9) handleTimePercentile(p: 0.5)`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { ${ROW} } total { offered answered serviceLevel waitTimePercentile(p: 0.5) } } }`;
const range = { from: '2026-04-01T00:00:00Z', to: '2026-04-15T00:00:00Z' };
const QUERIES = [
  { range, granularity: 'DAY', groupBy: ['QUEUE'], timeZone: 'Asia/Kolkata' },
  { range, granularity: 'DAY', groupBy: ['AGENT', 'TEAM'], timeZone: 'Asia/Kolkata' },
  { range, granularity: 'HOUR', groupBy: ['TEAM'], timeZone: 'UTC' },
  { range, granularity: 'FIFTEEN_MINUTES', groupBy: ['AGENT'], timeZone: 'UTC' },
  { range, granularity: 'WEEK', groupBy: [], timeZone: 'UTC' },
];

describe('pending rollup deltas', () => {
  const server = useTestServer({ limits: { kpiResultCacheMb: 0 } });

  it('are added by every read: answers with the folds held back equal those after them', async () => {
    expect((await server.gql(`mutation { setReportingTimeZone(timeZone: "Asia/Kolkata") { reportingTimeZone } }`)).errors).toBeUndefined();
    const next = random(7);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const draw = (i: number) => {
      const offered = Date.parse(range.from) + Math.floor(next() * 13 * 96) * 900_000 + Math.floor(next() * 900) * 1000;
      const answered = next() < 0.8;
      const wait = Math.floor(next() * 80);
      const agent = answered ? pick(['a1', 'a2', 'a3']) : null;
      return {
        externalId: `pd-${i}`,
        channel: pick(['VOICE', 'CHAT']),
        queue: pick(['q1', 'q2']),
        agent,
        team: agent ? pick(['t1', 't2']) : null,
        customerRef: pick(['c1', 'c2', 'c3', 'c4']),
        offeredAt: new Date(offered).toISOString(),
        answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
        endedAt: new Date(offered + wait * 1000 + (answered ? 90_000 : 0)).toISOString(),
        talkSeconds: answered ? 60 + Math.floor(next() * 300) : 0,
      };
    };
    const first = Array.from({ length: 150 }, (_, i) => draw(i));
    expect((await server.gql(RECORD, { c: first })).data.recordContacts.created).toBe(150);
    await server.settled(); // folded: some rows are in the rollups, what follows stays pending

    const ask = async () => Promise.all(QUERIES.map(async (q) => {
      const res = await server.gql(KPIS, { q });
      expect(res.errors).toBeUndefined();
      return res.data.kpis;
    }));

    // Hold the folds: a transaction takes the organization's fold lock and waits.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const holder = server.db.orm.em.fork().transactional(async (tx: EntityManager) => {
      await tx.execute('select pg_advisory_xact_lock(?, ?)', [FOLD_LOCK_SPACE, server.org.id]);
      taken();
      await released;
    });
    await lockTaken;
    // New contacts, and corrections: every one of agent a3's moved to a4 (its groups empty), others to another day and outcome.
    const withoutA3 = <T extends { agent: string | null }>(c: T): T => (c.agent === 'a3' ? { ...c, agent: 'a4' } : c);
    const more = Array.from({ length: 100 }, (_, i) => withoutA3(draw(150 + i)));
    const corrected = first.map((c, i) => withoutA3(i % 4 === 0 ? draw(i) : c));
    // One batch: a second one would wait for the fold held back (a writer waits for the fold running before its own).
    const both = (await server.gql(RECORD, { c: [...more, ...corrected] })).data.recordContacts;
    expect(both.created).toBe(100);
    expect(both.updated).toBeGreaterThan(30);
    const db = server.db.orm.em.fork().getConnection();
    const pending = async () => (await db.execute(`select count(*)::int as n from contact_delta_pending where organization_id = ?`, [server.org.id]))[0].n;
    expect(await pending()).toBeGreaterThan(100);
    const withPending = await ask();

    release();
    await holder;
    await server.settled();
    expect(await pending()).toBe(0);
    const folded = await ask();
    expect(withPending).toEqual(folded);
    // The corrections emptied agent a3's groups: no row names it any more.
    expect(JSON.stringify(folded[1])).not.toContain('"a3"');
    expect(folded[1].rows.some((r: { agent: { key: string } | null }) => r.agent?.key === 'a4')).toBe(true);
    expect(folded[4].total.offered).toBeGreaterThan(200);
  });

  it('are folded by every server\'s sweep when the process that wrote them did not (another process, or one that stopped)', async () => {
    const org = await server.createOrganization('pending-sweep');
    // Another process's writes: an ORM of its own, with no folder (as a crash right after the commit leaves them).
    const other = await openOrm(server.db.url);
    try {
      const written = await new ContactsService(other.em.fork()).record(org.id, Array.from({ length: 40 }, (_, i) => ({
        externalId: `sweep-${i}`,
        channel: 'VOICE',
        queue: 'q1',
        offeredAt: new Date(Date.parse('2026-05-04T08:00:00Z') + i * 600_000),
        endedAt: new Date(Date.parse('2026-05-04T08:01:00Z') + i * 600_000),
      })));
      expect(written.created).toBe(40);
    } finally {
      await other.close(true);
    }
    const db = server.db.orm.em.fork().getConnection();
    const state = async () => {
      const [row] = await db.execute(
        `select (select count(*)::int from contact_delta_pending where organization_id = ?) as pending,
                (select coalesce(sum(contacts), 0)::int from contact_rollup_day_total where organization_id = ?) as rolled`,
        [org.id, org.id],
      );
      return row;
    };
    await expect.poll(state, { timeout: 5_000, interval: 100 }).toEqual({ pending: 0, rolled: 40 });
  });

  it('make a writer wait for the fold already running before its own: a fast sender cannot pile them up', async () => {
    const org = await server.createOrganization('pending-backpressure');
    const batch = (from: number) => Array.from({ length: 20 }, (_, i) => ({
      externalId: `bp-${from + i}`,
      channel: 'VOICE',
      queue: 'q1',
      offeredAt: new Date(Date.parse('2026-05-05T08:00:00Z') + (from + i) * 60_000).toISOString(),
      endedAt: new Date(Date.parse('2026-05-05T08:00:30Z') + (from + i) * 60_000).toISOString(),
    }));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const holder = server.db.orm.em.fork().transactional(async (tx: EntityManager) => {
      await tx.execute('select pg_advisory_xact_lock(?, ?)', [FOLD_LOCK_SPACE, org.id]);
      taken();
      await released;
    });
    await lockTaken;
    // The first batch's fold starts and waits for the lock; the first batch itself returns.
    expect((await server.gql(RECORD, { c: batch(0) }, org.keys.ADMIN)).data.recordContacts.created).toBe(20);
    let answered = false;
    const second = server.gql(RECORD, { c: batch(20) }, org.keys.ADMIN).then((res) => ((answered = true), res));
    const db = server.db.orm.em.fork().getConnection();
    const stored = async () => (await db.execute(`select count(*)::int as n from contact where organization_id = ?`, [org.id]))[0].n;
    await expect.poll(stored, { timeout: 5_000 }).toBe(40); // committed, and in every answer (pending)
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false); // waiting for the fold before its own
    release();
    await holder;
    expect((await second).data.recordContacts.created).toBe(20);
    await server.settled();
    const rolled = await db.execute(`select coalesce(sum(contacts), 0)::int as n from contact_rollup_day_total where organization_id = ?`, [org.id]);
    expect(rolled[0].n).toBe(40);
  });
});
