import { afterAll, describe, expect, it } from 'vitest';
import { killAllCliProcesses, runCliToEnd } from '../support/child-server';
import { useTestServer } from '../support/server';

/** `npm run rebuild -- --organization SLUG`, the operator's repair after data was changed by hand, through the real CLI. */

const server = useTestServer();
const rebuild = (...args: string[]) => runCliToEnd(['rebuild', ...args], { DATABASE_URL: server.db.url }, 60_000);

afterAll(killAllCliProcesses);

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const MONTH = `query { kpis(query: { range: { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" } }) { total { offered answered firstContactResolutionRate } } }`;

describe('rebuild', () => {
  it('derives the FCR flags and rollups of the organization afresh, and leaves other organizations alone', async () => {
    const contacts = Array.from({ length: 12 }, (_, i) => ({
      externalId: `r-${i}`,
      channel: 'VOICE',
      queue: 'billing',
      agent: i % 3 ? 'ann' : null,
      customerRef: `cust-${i % 4}`,
      offeredAt: new Date(Date.UTC(2026, 2, 2 + (i % 3), 9, i * 7)).toISOString(),
      answeredAt: i % 3 ? new Date(Date.UTC(2026, 2, 2 + (i % 3), 9, i * 7, 15)).toISOString() : null,
      endedAt: new Date(Date.UTC(2026, 2, 2 + (i % 3), 9, i * 7 + 5)).toISOString(),
      talkSeconds: i % 3 ? 200 : 0,
    }));
    expect((await server.gql(RECORD, { c: contacts })).data.recordContacts.created).toBe(12);
    const other = await server.createOrganization('other-org');
    const db = server.db.orm.em.fork().getConnection();
    await db.execute(`insert into contact_rollup_day_total (organization_id, bucket, contacts, offered) values (?, '2026-03-02', 7, 7)`, [other.id]);
    const before = (await server.gql(MONTH)).data.kpis.total;
    expect(before.offered).toBe(12);

    // Data changed by hand: every rollup row of the organization gone, every FCR flag cleared.
    for (const table of ['contact_rollup_day_total', 'contact_rollup_day_team', 'contact_rollup_day_agent', 'contact_rollup_day']) {
      await db.execute(`delete from ${table} where organization_id = ?`, [server.org.id]);
    }
    await db.execute(`update contact set first_contact_resolved = null where organization_id = ?`, [server.org.id]);
    const stored = async () => ({
      flags: (await db.execute(`select count(first_contact_resolved)::int as n from contact where organization_id = ?`, [server.org.id]))[0].n,
      days: (await db.execute(`select coalesce(sum(contacts), 0)::int as n from contact_rollup_day_total where organization_id = ?`, [server.org.id]))[0].n,
    });
    expect(await stored()).toEqual({ flags: 0, days: 0 });

    const result = await rebuild('--organization', 'acme');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toMatch(/^rebuild: every FCR flag, survey and QA tally and rollup derived afresh .*\nrebuild: done in \d+\.\d s\n$/);
    expect(await stored()).toEqual({ flags: 8, days: 12 }); // answered inbound contacts with a customer: 8
    expect((await server.gql(MONTH)).data.kpis.total).toEqual(before);
    const [kept] = await db.execute(`select contacts from contact_rollup_day_total where organization_id = ?`, [other.id]);
    expect(kept.contacts).toBe(7);
  });

  it.each([
    [['--organization', 'nobody'], 2, 'rebuild: no organization with slug "nobody"\n'],
    [['extra'], 2, 'rebuild: unexpected argument "extra": use rebuild [--organization SLUG]\n'],
    [['--days', '3'], 2, 'rebuild: unknown option --days (options: --organization)\n'],
  ])('refuses %j with exit code %i and one line', async (args, code, stderr) => {
    expect(await rebuild(...args)).toEqual({ code, stdout: '', stderr });
  });
});
