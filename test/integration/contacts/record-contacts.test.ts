import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($contacts: [ContactInput!]!) {
  recordContacts(contacts: $contacts) { received created updated unchanged }
}`;

function contact(overrides: Record<string, unknown> = {}) {
  return {
    externalId: 'c-1',
    channel: 'VOICE',
    queue: 'billing',
    team: 'north',
    agent: 'ann',
    customerRef: 'cust-1',
    offeredAt: '2026-03-02T09:00:00Z',
    answeredAt: '2026-03-02T09:00:12Z',
    endedAt: '2026-03-02T09:05:00Z',
    talkSeconds: 250,
    holdSeconds: 20,
    afterContactWorkSeconds: 30,
    ...overrides,
  };
}

describe('recordContacts', () => {
  const server = useTestServer();
  const stored = async (externalId: string) =>
    (
      await server.db.orm.em
        .fork()
        .getConnection()
        .execute('select * from contact where external_id = ? and organization_id = ?', [externalId, server.org.id])
    )[0];

  it('stores a contact with whole-second timestamps and the derived wait', async () => {
    const res = await server.gql(RECORD, {
      contacts: [contact({ externalId: 'w-1', offeredAt: '2026-03-02T09:00:00.900Z', answeredAt: '2026-03-02T09:00:20.100Z' })],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.recordContacts).toEqual({ received: 1, created: 1, updated: 0, unchanged: 0 });
    const row = await stored('w-1');
    expect(new Date(row.offered_at).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(new Date(row.answered_at).toISOString()).toBe('2026-03-02T09:00:20.000Z');
    expect(row.wait_seconds).toBe(20);
    expect(row.direction).toBe('INBOUND');
    expect(row.transfers).toBe(0);
  });

  it('derives the wait of an unanswered contact from endedAt', async () => {
    await server.gql(RECORD, {
      contacts: [contact({ externalId: 'abandon-1', agent: null, answeredAt: null, endedAt: '2026-03-02T09:00:45Z', talkSeconds: 0 })],
    });
    expect((await stored('abandon-1')).wait_seconds).toBe(45);
  });

  it('counts re-sent contacts as unchanged and corrected ones as updated, never twice', async () => {
    const batch = [contact({ externalId: 'idem-1' }), contact({ externalId: 'idem-2' })];
    expect((await server.gql(RECORD, { contacts: batch })).data.recordContacts).toEqual({
      received: 2, created: 2, updated: 0, unchanged: 0,
    });
    expect((await server.gql(RECORD, { contacts: batch })).data.recordContacts).toEqual({
      received: 2, created: 0, updated: 0, unchanged: 2,
    });
    const corrected = [batch[0], { ...batch[1], talkSeconds: 999, disposition: 'refund' }, contact({ externalId: 'idem-3' })];
    expect((await server.gql(RECORD, { contacts: corrected })).data.recordContacts).toEqual({
      received: 3, created: 1, updated: 1, unchanged: 1,
    });
    const row = await stored('idem-2');
    expect(row.talk_seconds).toBe(999);
    expect(row.disposition).toBe('refund');
    const count = await server.db.orm.em.fork().getConnection().execute(
      `select count(*)::int as n from contact where external_id like 'idem-%'`,
    );
    expect(count[0].n).toBe(3);
  });

  it('rejects the whole batch, listing every bad index and rule, and writes nothing', async () => {
    const res = await server.gql(RECORD, {
      contacts: [
        contact({ externalId: 'ok-1' }),
        contact({ externalId: 'bad-1', endedAt: '2026-03-02T08:59:00Z', answeredAt: null }),
        contact({ externalId: 'bad-2', answeredAt: '2026-03-02T08:00:00Z', talkSeconds: -5 }),
        contact({ externalId: 'ok-1' }),
        contact({ externalId: ' ', queue: '' }),
      ],
    });
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const problems = res.errors![0].extensions!.problems.map((p: any) => [p.index, p.field, p.rule]);
    expect(problems).toEqual([
      [1, 'contacts[1].endedAt', 'ENDED_BEFORE_OFFERED'],
      [2, 'contacts[2].answeredAt', 'ANSWERED_BEFORE_OFFERED'],
      [2, 'contacts[2].talkSeconds', 'NEGATIVE'],
      [3, 'contacts[3].externalId', 'DUPLICATE_EXTERNAL_ID'],
      [4, 'contacts[4].externalId', 'REQUIRED'],
      [4, 'contacts[4].queue', 'REQUIRED'],
    ]);
    expect(res.errors![0].message).toMatch(/contacts\[1\]\.endedAt/);
    expect(await stored('ok-1')).toBeUndefined();
  });

  it('refuses an unknown channel before anything runs', async () => {
    const res = await server.gql(RECORD, { contacts: [contact({ externalId: 'chan-1', channel: 'FAX' })] });
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/FAX/);
    expect(await stored('chan-1')).toBeUndefined();
  });

  it('refuses more than 10,000 contacts in one call', async () => {
    const contacts = Array.from({ length: 10_001 }, (_, i) => contact({ externalId: `many-${i}` }));
    const res = await server.gql(RECORD, { contacts });
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/at most 10000/);
  });

  it('creates queues, teams and agents on first sight, named by their keys', async () => {
    await server.gql(RECORD, {
      contacts: [contact({ externalId: 'dir-1', queue: 'sales', team: 'south', agent: 'bob' })],
    });
    const res = await server.gql(`{ queues { key name } teams { id key name } agents { key name team { key } } }`);
    expect(res.data.queues).toContainEqual({ key: 'sales', name: 'sales' });
    expect(res.data.agents).toContainEqual({ key: 'bob', name: 'bob', team: { key: 'south' } });
    const south = res.data.teams.find((t: any) => t.key === 'south');
    const byTeam = await server.gql(`query($t: ID) { agents(teamId: $t) { key } }`, { t: south.id });
    expect(byTeam.data.agents).toEqual([{ key: 'bob' }]);
  });

  it("credits a contact without a team to its agent's team, and keeps an agent on its latest team", async () => {
    await server.gql(RECORD, {
      contacts: [
        contact({ externalId: 'move-2', agent: 'cara', team: 'east', offeredAt: '2026-03-05T09:00:00Z', answeredAt: null, endedAt: '2026-03-05T09:01:00Z' }),
        contact({ externalId: 'move-1', agent: 'cara', team: 'west', offeredAt: '2026-03-01T09:00:00Z', answeredAt: null, endedAt: '2026-03-01T09:01:00Z' }),
      ],
    });
    await server.gql(RECORD, { contacts: [contact({ externalId: 'move-3', agent: 'cara', team: null })] });
    const res = await server.gql(`{ agents { key team { key } } teams { id key } }`);
    expect(res.data.agents.find((a: any) => a.key === 'cara').team).toEqual({ key: 'east' });
    const east = res.data.teams.find((t: any) => t.key === 'east').id;
    expect(String((await stored('move-3')).team_id)).toBe(east);
  });

  it('handles concurrent batches of the same contacts without duplicates', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => contact({ externalId: `conc-${i}`, queue: `q-${i % 7}` }));
    const results = await Promise.all([1, 2, 3].map(() => server.gql(RECORD, { contacts: batch })));
    const created = results.reduce((sum, r) => sum + r.data.recordContacts.created, 0);
    const unchanged = results.reduce((sum, r) => sum + r.data.recordContacts.unchanged, 0);
    expect(created).toBe(200);
    expect(unchanged).toBe(400);
  });
});
