import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { ROLLUP_AGGREGATES, ROLLUP_GRAINS } from '../../../src/warehouse/contact-grains';
import { rebuildOrganizationFacts } from '../../../src/warehouse/rebuild';
import { lockOrganizationWrites } from '../../../src/warehouse/write-lock';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated } }`;

/** 120 contacts over 3 weeks from 9 customers: repeats inside and outside 7 days, some unanswered, some outbound. */
function contacts() {
  return Array.from({ length: 120 }, (_, i) => {
    const offered = Date.parse('2026-03-20T08:00:00Z') + i * 4 * 3_600_000 + (i % 7) * 61_000;
    const answered = i % 5 !== 0;
    const wait = (i * 13) % 70;
    return {
      externalId: `rb-${i}`,
      channel: ['VOICE', 'CHAT', 'EMAIL'][i % 3],
      direction: i % 11 === 0 ? 'OUTBOUND' : 'INBOUND',
      queue: `q-${i % 3}`,
      agent: answered ? `a-${i % 4}` : null,
      team: answered ? `t-${i % 2}` : null,
      customerRef: i % 6 === 0 ? null : `cust-${i % 9}`,
      offeredAt: new Date(offered).toISOString(),
      answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
      endedAt: new Date(offered + wait * 1000 + (answered ? 200_000 : 0)).toISOString(),
      talkSeconds: answered ? 200 : 0,
    };
  });
}

describe('rebuildOrganizationFacts', () => {
  const server = useTestServer();
  const snapshot = async () => {
    const db = server.db.orm.em.fork().getConnection();
    return {
      fcr: await db.execute('select external_id, first_contact_resolved from contact order by external_id'),
      ...Object.fromEntries(
        await Promise.all(
          ROLLUP_GRAINS.map(async (g) => [
            g.table,
            await db.execute(`select * from ${g.table} order by ${['bucket', ...g.dimensions].join(', ')}`),
          ]),
        ),
      ),
      waits: await db.execute(
        'select * from contact_wait_rollup order by bucket, channel, queue_id, team_id, agent_id, answered, wait_seconds',
      ),
      waitDays: await db.execute(
        'select * from contact_wait_rollup_day_team order by bucket, channel, queue_id, team_id, answered, wait_seconds',
      ),
      handles: await db.execute(
        'select * from contact_handle_rollup order by bucket, channel, queue_id, team_id, agent_id, handle_seconds',
      ),
    };
  };

  it('rebuilds exactly the FCR flags and rollups that incremental ingestion keeps', async () => {
    // A reporting zone whose midnights are on the half hour (18:30 UTC): its days are kept from quarter hours.
    const zone = await server.gql(`mutation { setReportingTimeZone(timeZone: "Asia/Kolkata") { reportingTimeZone } }`);
    expect(zone.data.setReportingTimeZone.reportingTimeZone).toBe('Asia/Kolkata');
    const all = contacts();
    for (let i = 0; i < all.length; i += 40) {
      expect((await server.gql(RECORD, { c: all.slice(i, i + 40) })).data.recordContacts.created).toBe(40);
    }
    // Corrections move contacts to another day, agent and outcome: old and new buckets of every grain must follow.
    const moved = all.slice(0, 30).filter((_, i) => i % 3 === 0).map((c) => ({
      ...c,
      agent: 'a-moved',
      offeredAt: new Date(Date.parse(c.offeredAt) + 26 * 3_600_000).toISOString(),
      answeredAt: null,
      endedAt: new Date(Date.parse(c.offeredAt) + 26 * 3_600_000 + 5_000).toISOString(),
      talkSeconds: 0,
    }));
    expect((await server.gql(RECORD, { c: moved })).data.recordContacts.updated).toBe(moved.length);
    const incremental = await snapshot();
    expect(incremental.fcr.filter((r: any) => r.first_contact_resolved === false).length).toBeGreaterThan(0);
    expect(incremental.fcr.filter((r: any) => r.first_contact_resolved === true).length).toBeGreaterThan(0);
    expect(incremental.contact_rollup_day.length).toBeGreaterThan(0);
    // Days without agents hold the same sums in no more rows.
    expect(incremental.contact_rollup_day_team.length).toBeGreaterThan(0);
    expect(incremental.contact_rollup_day_team.length).toBeLessThanOrEqual(incremental.contact_rollup_day.length);
    const total = (rows: any[]) => rows.reduce((n, r) => n + Number(r.contacts), 0);
    expect(total(incremental.contact_rollup_day_team)).toBe(total(incremental.contact_rollup_day));
    expect(total(incremental.contact_rollup_day_team)).toBe(incremental.fcr.length);
    // Days by team × agent too; the corrections moved contacts to another agent ('a-moved').
    expect(incremental.contact_rollup_day_agent.length).toBeGreaterThan(0);
    expect(incremental.contact_rollup_day_agent.length).toBeLessThanOrEqual(incremental.contact_rollup_day.length);
    expect(total(incremental.contact_rollup_day_agent)).toBe(incremental.fcr.length);
    const agentIds = await server.db.orm.em.fork().getConnection().execute(`select id from agent where organization_id = ? and key = 'a-moved'`, [server.org.id]);
    expect(incremental.contact_rollup_day_agent.some((r: any) => r.agent_id === agentIds[0].id)).toBe(true);
    // Hours without agents and by team × agent likewise.
        expect(total(incremental.contact_rollup_hour_team)).toBe(incremental.fcr.length);
        expect(total(incremental.contact_rollup_hour_agent)).toBe(incremental.fcr.length);
    expect(incremental.contact_rollup_hour_agent.some((r: any) => r.agent_id === agentIds[0].id)).toBe(true);
    // Quarter hours without agents, and the days of the reporting zone.
    expect(total(incremental.contact_rollup_team)).toBe(incremental.fcr.length);
    for (const table of ['contact_rollup_local_day_team', 'contact_rollup_local_day_agent']) {
      expect(total(incremental[table])).toBe(incremental.fcr.length);
      expect(new Set(incremental[table].map((r: any) => new Date(r.bucket).toISOString().slice(11)))).toEqual(new Set(['18:30:00.000Z']));
    }

    // The handle distribution counts every handled contact once, by talk + hold + ACW.
    const handled = await server.db.orm.em.fork().getConnection().execute(
      `select count(*)::int as n, coalesce(sum(talk_seconds + hold_seconds + after_contact_work_seconds), 0)::int as s from contact where answered_at is not null`,
    );
    expect(handled[0].n).toBeGreaterThan(0);
    expect(total(incremental.handles)).toBe(handled[0].n);
    // The day distribution of waits folds the quarter hours' (no agents): the same inbound contacts in fewer rows.
    expect(total(incremental.waitDays)).toBe(total(incremental.waits));
    expect(incremental.waitDays.length).toBeLessThanOrEqual(incremental.waits.length);
    expect(incremental.handles.reduce((n: number, r: any) => n + r.contacts * r.handle_seconds, 0)).toBe(handled[0].s);

    const db = server.db.orm.em.fork().getConnection();
    await db.execute('update contact set first_contact_resolved = null');
    for (const g of ROLLUP_GRAINS) await db.execute(`delete from ${g.table}`);
    await db.execute('delete from contact_wait_rollup');
    await db.execute('delete from contact_handle_rollup');
    await db.execute('delete from contact_wait_rollup_day_team');
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);

    expect(await snapshot()).toEqual(incremental);

    // A repair over stored rollups: rows changed, missing and extra (some with no team or
    // agent) are set right, and another organization's rows stay.
    const other = await server.createOrganization('other-rebuild');
    await db.execute(`insert into contact_rollup_day_total select ${other.id}, bucket, ${Object.keys(ROLLUP_AGGREGATES).join(', ')} from contact_rollup_day_total`);
    const changedRows = 'select ctid from contact_rollup_day where agent_id is not null order by bucket limit 3';
    await db.execute(`update contact_rollup_day set contacts = contacts + 1, offered = offered + 5 where ctid in (${changedRows})`);
    await db.execute('update contact_wait_rollup set contacts = contacts + 2 where ctid in (select ctid from contact_wait_rollup where agent_id is null limit 2)');
    await db.execute('delete from contact_handle_rollup where ctid in (select ctid from contact_handle_rollup order by bucket desc limit 4)');
    await db.execute('delete from contact_rollup_team where ctid in (select ctid from contact_rollup_team limit 2)');
    for (const table of ['contact_rollup_hour_team', 'contact_wait_rollup_day_team', 'contact_rollup_day_total']) {
      await db.execute(`create temp table extra as select * from ${table} where organization_id = ${server.org.id} limit 2`);
      await db.execute(`update extra set bucket = bucket + interval '400 days'${table.endsWith('_total') ? '' : ', team_id = null'}`);
      await db.execute(`insert into ${table} select * from extra`);
      await db.execute('drop table extra');
    }
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id, 1); // one session: the same rows as several
    const others = await db.execute(`delete from contact_rollup_day_total where organization_id = ? returning bucket`, [other.id]);
    expect(others.length).toBe(incremental.contact_rollup_day_total.length);
    expect(await snapshot()).toEqual(incremental);
  });

  it('runs under the organization\'s write lock: it starts once the lock is free, and writers wait until it has finished', async () => {
    const org = await server.createOrganization('rebuild-lock');
    const gql = (query: string, variables?: Record<string, unknown>) => server.gql(query, variables, org.keys.ADMIN);
    expect((await gql(RECORD, { c: contacts().slice(0, 60) })).data.recordContacts.created).toBe(60);
    const db = server.db.orm.em.fork().getConnection();
    const flag = async () =>
      (await db.execute(`select first_contact_resolved as f from contact where organization_id = ? and external_id = 'rb-1'`, [org.id]))[0].f;
    const right = await flag();
    expect(right).not.toBeNull();
    await db.execute(`update contact set first_contact_resolved = not first_contact_resolved where organization_id = ? and external_id = 'rb-1'`, [org.id]);

    // Another writer holds the lock: the rebuild waits for it and changes nothing meanwhile.
    const hold = (work: (tx: EntityManager) => Promise<void>) => server.db.orm.em.fork().transactional(work);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const writer = hold(async (tx) => {
      await lockOrganizationWrites(tx, org.id);
      taken();
      await released;
    });
    await lockTaken;
    // A row of the day totals locked too: the rebuild's step for that rollup waits for it, after the lock is free.
    let releaseRow!: () => void;
    const rowReleased = new Promise<void>((resolve) => (releaseRow = resolve));
    let rowTaken!: () => void;
    const rowLocked = new Promise<void>((resolve) => (rowTaken = resolve));
    const rowHolder = hold(async (tx) => {
      await tx.execute('select 1 from contact_rollup_day_total where organization_id = ? limit 1 for update', [org.id]);
      rowTaken();
      await rowReleased;
    });
    await rowLocked;
    const order: string[] = [];
    const rebuild = rebuildOrganizationFacts(server.db.orm.em.fork(), org.id).then(() => order.push('rebuild'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await flag()).toBe(!right);
    release();
    await writer;
    // The rebuild holds the lock now (its FCR step mends the flag, committed at once); a batch sent now waits for the whole rebuild.
    await expect.poll(flag, { timeout: 10_000 }).toBe(right);
    const batch = gql(RECORD, { c: contacts().slice(60, 80) }).then((r) => {
      order.push('batch');
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual([]);
    releaseRow();
    await rowHolder;
    await rebuild;
    expect((await batch).data.recordContacts.created).toBe(20);
    expect(order).toEqual(['rebuild', 'batch']);
  });
});
