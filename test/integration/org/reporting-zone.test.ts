import { describe, expect, it } from 'vitest';
import { rememberReportingZone } from '../../../src/analytics/kpi.service';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const SET = `mutation($z: String!) { setReportingTimeZone(timeZone: $z) { reportingTimeZone } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart agent { key } offered answered handled averageHandleTime } total { offered handled } } }`;
/** Berlin days around the spring DST change (29 March 2026 has 23 hours), by agent. */
const BERLIN_DAYS = { range: { from: '2026-03-27T23:00:00Z', to: '2026-03-31T22:00:00Z' }, timeZone: 'Europe/Berlin', granularity: 'DAY', groupBy: ['AGENT'] };

/** Contacts every 97 minutes over four days, offered on both sides of Berlin's midnights. */
const contacts = Array.from({ length: 60 }, (_, i) => {
  const offered = Date.parse('2026-03-27T20:00:00Z') + i * 97 * 60_000;
  return {
    externalId: `rz-${i}`,
    channel: i % 3 ? 'VOICE' : 'CHAT',
    queue: 'billing',
    agent: ['ann', 'bob'][i % 2],
    offeredAt: new Date(offered).toISOString(),
    answeredAt: new Date(offered + 12_000).toISOString(),
    endedAt: new Date(offered + 312_000).toISOString(),
    talkSeconds: 240 + i,
  };
});

describe('the reporting time zone', () => {
  const server = useTestServer();
  const localRows = async () => {
    const [row] = await server.db.orm.em.fork().getConnection().execute(
      `select (select count(*) from contact_rollup_local_day_agent where organization_id = ?)::int as agent,
              (select count(*) from contact_rollup_local_day_team where organization_id = ?)::int as team`,
      [server.org.id, server.org.id],
    );
    return row as { agent: number; team: number };
  };

  it('is UTC until set, and an unknown zone is refused, naming the argument and writing nothing', async () => {
    expect((await server.gql('{ organization { slug reportingTimeZone } }')).data.organization).toEqual({ slug: 'acme', reportingTimeZone: 'UTC' });
    const res = await server.gql(SET, { z: 'Mars/Olympus' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('timeZone');
    expect(res.errors?.[0].extensions?.problems).toEqual([expect.objectContaining({ field: 'timeZone', rule: 'UNKNOWN_TIME_ZONE' })]);
    expect((await server.gql('{ organization { reportingTimeZone } }')).data.organization.reportingTimeZone).toBe('UTC');
  });

  it('can be set by ADMIN keys only', async () => {
    const res = await server.gql(SET, { z: 'Europe/Berlin' }, server.org.keys.ANALYST);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql('{ organization { reportingTimeZone } }', {}, server.org.keys.ANALYST)).data.organization.reportingTimeZone).toBe('UTC');
  });

  it('keeps local-day rollups for it, and reports stay the same through every change of zone', async () => {
    expect((await server.gql(RECORD, { c: contacts.slice(0, 40) }, server.org.keys.INGEST)).errors).toBeUndefined();
    const before = await server.gql(KPIS, { q: BERLIN_DAYS });
    expect(before.errors).toBeUndefined();
    expect(before.data.kpis.rows.length).toBeGreaterThan(4);
    expect(await localRows()).toEqual({ agent: 0, team: 0 }); // none for UTC

    // Setting the zone rebuilds its days; later contacts keep them current.
    expect((await server.gql(SET, { z: 'Europe/Berlin' })).data.setReportingTimeZone.reportingTimeZone).toBe('Europe/Berlin');
    expect((await localRows()).agent).toBeGreaterThan(0);
    expect((await server.gql(KPIS, { q: BERLIN_DAYS })).data).toEqual(before.data);
    expect((await server.gql(RECORD, { c: contacts.slice(40) }, server.org.keys.INGEST)).errors).toBeUndefined();
    const after = await server.gql(KPIS, { q: BERLIN_DAYS });
    const inRange = contacts.filter((c) => c.offeredAt >= BERLIN_DAYS.range.from && c.offeredAt < BERLIN_DAYS.range.to);
    expect(after.data.kpis.total.offered).toBe(inRange.length);
    // 2026-03-29 has 23 hours: a day row per agent with its own contacts.
    const days = after.data.kpis.rows.map((r: { periodStart: string }) => r.periodStart);
    expect(days).toContain('2026-03-28T23:00:00.000Z');
    expect(days).toContain('2026-03-29T22:00:00.000Z');

    // Back to UTC: the local days are dropped, and a server that still takes Berlin for the
    // reporting zone (another one than the server that changed it) sees the change in the
    // same snapshot as the rows and plans again.
    expect((await server.gql(SET, { z: 'UTC' })).errors).toBeUndefined();
    expect(await localRows()).toEqual({ agent: 0, team: 0 });
    rememberReportingZone(server.org.id, 'Europe/Berlin');
    expect((await server.gql(KPIS, { q: BERLIN_DAYS })).data).toEqual(after.data);

    // And to another zone: its own days, the same figures.
    expect((await server.gql(SET, { z: 'Asia/Kathmandu' })).errors).toBeUndefined();
    expect((await localRows()).agent).toBeGreaterThan(0);
    expect((await server.gql(KPIS, { q: BERLIN_DAYS })).data).toEqual(after.data);
  });
});
