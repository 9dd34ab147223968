import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestServer } from '../../support/server';
import { isBackgroundStatement } from '../../support/statements';

const RECORD = `mutation($contacts: [ContactInput!]!) {
  recordContacts(contacts: $contacts) { received created updated unchanged }
}`;

const CONTACTS = `query($range: TimeRange!, $filter: ContactFilter, $answered: Boolean, $minWaitSeconds: Int, $first: Int, $after: String) {
  contacts(range: $range, filter: $filter, answered: $answered, minWaitSeconds: $minWaitSeconds, first: $first, after: $after) {
    edges { cursor node { id externalId offeredAt waitSeconds firstContactResolved } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const at = (iso: string, seconds = 0) => new Date(new Date(iso).getTime() + seconds * 1000).toISOString();

/** An answered (default) or unanswered contact offered at `offeredAt`, waiting `wait` seconds. */
function contact(externalId: string, offeredAt: string, wait: number, overrides: Record<string, unknown> = {}) {
  const answered = overrides.answered !== false;
  const { answered: _ignored, ...rest } = overrides;
  return {
    externalId,
    channel: 'VOICE',
    queue: 'billing',
    team: 'north',
    agent: answered ? 'ann' : null,
    offeredAt,
    answeredAt: answered ? at(offeredAt, wait) : null,
    endedAt: at(offeredAt, wait + (answered ? 300 : 0)),
    talkSeconds: answered ? 280 : 0,
    ...rest,
  };
}

// The drill-through window: [09:00, 10:00) on 2 March 2026.
const FROM = '2026-03-02T09:00:00.000Z';
const TO = '2026-03-02T10:00:00.000Z';
const RANGE = { from: FROM, to: TO };

const WINDOW = [
  contact('a0', '2026-03-02T08:59:59Z', 5), // just before `from`
  contact('a1', FROM, 10), // exactly at `from`
  contact('a2', '2026-03-02T09:10:00Z', 5, { channel: 'CHAT', queue: 'sales', team: 'south', agent: 'bob' }),
  contact('a3', '2026-03-02T09:20:00Z', 45, { answered: false }),
  contact('a4', '2026-03-02T09:30:00Z', 10, { answered: false }),
  // a5 (same offeredAt as a4) is recorded in a later batch, so its id is larger.
  contact('a6', '2026-03-02T09:40:00Z', 3, { queue: 'sales', team: 'south', agent: 'cara' }),
  contact('a7', TO, 60, { answered: false }), // exactly at `to`
];
const A5 = contact('a5', '2026-03-02T09:30:00Z', 40, { channel: 'EMAIL', queue: 'support', team: 'south', agent: 'bob' });
const NEWEST_FIRST = ['a6', 'a5', 'a4', 'a3', 'a2', 'a1'];

describe('Query.contacts', () => {
  const server = useTestServer();
  const ids: Record<'queues' | 'teams' | 'agents', Record<string, string>> = { queues: {}, teams: {}, agents: {} };

  async function record(contacts: unknown[], key?: string) {
    const res = await server.gql(RECORD, { contacts }, key);
    expect(res.errors).toBeUndefined();
    return res.data.recordContacts;
  }

  async function contacts(variables: Record<string, unknown>, key?: string) {
    const res = await server.gql(CONTACTS, { range: RANGE, ...variables }, key);
    expect(res.errors).toBeUndefined();
    return res.data.contacts as {
      edges: Array<{ cursor: string; node: { id: string; externalId: string; offeredAt: string; waitSeconds: number; firstContactResolved: boolean | null } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }
  const externalIds = async (variables: Record<string, unknown>, key?: string) =>
    (await contacts(variables, key)).edges.map((e) => e.node.externalId);

  async function badInput(variables: Record<string, unknown>) {
    const res = await server.gql(CONTACTS, { range: RANGE, ...variables });
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    return res.errors![0].message;
  }

  beforeAll(async () => {
    await record(WINDOW);
    await record([A5]);
    const res = await server.gql(`{ queues { id key } teams { id key } agents { id key } }`);
    for (const kind of ['queues', 'teams', 'agents'] as const) {
      for (const row of res.data[kind]) ids[kind][row.key] = row.id;
    }
  });

  it('lists the contacts of [from, to) newest first, id breaking ties, with every field', async () => {
    expect(await externalIds({})).toEqual(NEWEST_FIRST);
    const res = await server.gql(
      `query($range: TimeRange!) { contacts(range: $range, first: 1) { edges { node {
        id externalId channel direction customerRef offeredAt answeredAt endedAt waitSeconds talkSeconds holdSeconds
        afterContactWorkSeconds transfers resolved disposition firstContactResolved
        queue { id key name } team { key } agent { key team { key } } } } } }`,
      { range: RANGE },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.contacts.edges[0].node).toEqual({
      id: expect.stringMatching(/^\d+$/),
      externalId: 'a6',
      channel: 'VOICE',
      direction: 'INBOUND',
      customerRef: null,
      offeredAt: '2026-03-02T09:40:00.000Z',
      answeredAt: '2026-03-02T09:40:03.000Z',
      endedAt: '2026-03-02T09:45:03.000Z',
      waitSeconds: 3,
      talkSeconds: 280,
      holdSeconds: 0,
      afterContactWorkSeconds: 0,
      transfers: 0,
      resolved: null,
      disposition: null,
      firstContactResolved: null,
      queue: { id: ids.queues.sales, key: 'sales', name: 'sales' },
      team: { key: 'south' },
      agent: { key: 'cara', team: { key: 'south' } },
    });
    const unanswered = await server.gql(
      `query($range: TimeRange!) { contacts(range: $range, answered: false, first: 1) { edges { node { externalId agent { key } team { key } } } } }`,
      { range: RANGE },
    );
    expect(unanswered.data.contacts.edges[0].node).toEqual({ externalId: 'a4', agent: null, team: { key: 'north' } });
  });

  it('pages with `first` and `after` over every contact exactly once', async () => {
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const res = await contacts({ first: 2, after });
      expect(res.edges).toHaveLength(2);
      seen.push(...res.edges.map((e) => e.node.externalId));
      hasNext.push(res.pageInfo.hasNextPage);
      expect(res.pageInfo.endCursor).toBe(res.edges[1].cursor);
      after = res.pageInfo.endCursor;
    }
    expect(seen).toEqual(NEWEST_FIRST); // the a5/a4 tie spans the first page boundary
    expect(hasNext).toEqual([true, true, false]);
    const beyond = await contacts({ first: 2, after });
    expect(beyond).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    // Each edge's cursor resumes right after it.
    const all = await contacts({});
    expect(await externalIds({ after: all.edges[2].cursor })).toEqual(NEWEST_FIRST.slice(3));
  });

  it('defaults to 50 contacts a page and allows up to 500', async () => {
    const many = Array.from({ length: 60 }, (_, i) => contact(`d-${i}`, at('2026-03-03T00:00:00Z', i * 60), 1));
    await record(many);
    const range = { from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z' };
    const page = await contacts({ range });
    expect(page.edges).toHaveLength(50);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const max = await contacts({ range, first: 500 });
    expect(max.edges).toHaveLength(60);
    expect(max.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by channels, queues, teams and agents; an empty list matches nothing', async () => {
    expect(await externalIds({ filter: { channels: ['VOICE'] } })).toEqual(['a6', 'a4', 'a3', 'a1']);
    expect(await externalIds({ filter: { channels: ['CHAT', 'EMAIL'] } })).toEqual(['a5', 'a2']);
    expect(await externalIds({ filter: { queueIds: [ids.queues.billing] } })).toEqual(['a4', 'a3', 'a1']);
    expect(await externalIds({ filter: { queueIds: [ids.queues.sales, ids.queues.support] } })).toEqual(['a6', 'a5', 'a2']);
    expect(await externalIds({ filter: { teamIds: [ids.teams.south] } })).toEqual(['a6', 'a5', 'a2']);
    expect(await externalIds({ filter: { agentIds: [ids.agents.bob] } })).toEqual(['a5', 'a2']);
    expect(await externalIds({ filter: { queueIds: [ids.queues.sales], agentIds: [ids.agents.cara] } })).toEqual(['a6']);
    expect(await externalIds({ filter: { channels: ['VOICE'], teamIds: [ids.teams.south] } })).toEqual(['a6']);
    expect(await externalIds({ filter: { channels: null, queueIds: null, teamIds: null, agentIds: null } })).toEqual(NEWEST_FIRST);
    expect(await externalIds({ filter: {} })).toEqual(NEWEST_FIRST);
    for (const empty of [{ channels: [] }, { queueIds: [] }, { teamIds: [] }, { agentIds: [] }]) {
      expect(await externalIds({ filter: empty })).toEqual([]);
    }
  });

  it('selects answered or unanswered contacts and a minimum wait', async () => {
    // The abandoned calls that waited 30 s or more (a7, at `to`, is outside the range).
    expect(await externalIds({ answered: false, minWaitSeconds: 30 })).toEqual(['a3']);
    expect(await externalIds({ answered: false })).toEqual(['a4', 'a3']);
    expect(await externalIds({ answered: true })).toEqual(['a6', 'a5', 'a2', 'a1']);
    expect(await externalIds({ minWaitSeconds: 40 })).toEqual(['a5', 'a3']); // 40 s counts
    expect(await externalIds({ minWaitSeconds: 0 })).toEqual(NEWEST_FIRST);
    const waits = (await contacts({ answered: true, minWaitSeconds: 5 })).edges.map((e) => [e.node.externalId, e.node.waitSeconds]);
    expect(waits).toEqual([['a5', 40], ['a2', 5], ['a1', 10]]);
  });

  it('treats the range as half-open: a contact at `from` is in, one at `to` is out', async () => {
    const listed = await externalIds({});
    expect(listed).toContain('a1');
    expect(listed).not.toContain('a7');
    expect(listed).not.toContain('a0');
    expect(await externalIds({ range: { from: TO, to: at(TO, 1) } })).toEqual(['a7']);
    expect(await externalIds({ range: { from: '2026-03-02T08:59:59Z', to: FROM } })).toEqual(['a0']);
    // Offsets other than Z name the same instants.
    expect(await externalIds({ range: { from: '2026-03-02T10:00:00+01:00', to: '2026-03-02T10:00:00Z' } })).toEqual(NEWEST_FIRST);
  });

  it('exposes system first-contact resolution, and follows corrections sent later', async () => {
    const t = '2026-04-01T10:00:00Z';
    const plus = (days: number) => at(t, days * 86_400);
    await record([
      contact('fcr-x1', t, 5, { customerRef: 'cust-x' }),
      contact('fcr-x2', plus(3), 5, { customerRef: 'cust-x', channel: 'CHAT', queue: 'sales' }),
      contact('fcr-y1', plus(1), 5, { customerRef: 'cust-y' }),
      contact('fcr-z1', plus(1.5), 20, { customerRef: 'cust-z', answered: false }),
      contact('fcr-o1', plus(2), 5, { customerRef: 'cust-w', direction: 'OUTBOUND' }),
      contact('fcr-n1', plus(2.5), 5, { customerRef: null }),
    ]);
    const range = { from: t, to: plus(10) };
    const fcr = async () =>
      Object.fromEntries((await contacts({ range })).edges.map((e) => [e.node.externalId, e.node.firstContactResolved]));
    expect(await fcr()).toEqual({
      'fcr-x1': false, // X called again 3 days later
      'fcr-x2': true,
      'fcr-y1': true,
      'fcr-z1': null, // not answered
      'fcr-o1': null, // outbound
      'fcr-n1': null, // no customer ref
    });
    // The second call is corrected to 8 days after the first: outside the 7-day window.
    const moved = await record([contact('fcr-x2', plus(8), 5, { customerRef: 'cust-x', channel: 'CHAT', queue: 'sales' })]);
    expect(moved).toEqual({ received: 1, created: 0, updated: 1, unchanged: 0 });
    expect(await fcr()).toMatchObject({ 'fcr-x1': true, 'fcr-x2': true });
  });

  it('rejects bad arguments with BAD_USER_INPUT naming the argument', async () => {
    expect(await badInput({ first: 0 })).toMatch(/\bfirst\b/);
    expect(await badInput({ first: -3 })).toMatch(/\bfirst\b/);
    expect(await badInput({ first: 501 })).toMatch(/\bfirst\b/);
    expect(await badInput({ after: 'not a cursor!' })).toMatch(/\bafter\b/);
    expect(await badInput({ after: Buffer.from('hello|12').toString('base64url') })).toMatch(/\bafter\b/);
    expect(await badInput({ after: '' })).toMatch(/\bafter\b/);
    expect(await badInput({ range: { from: TO, to: FROM } })).toMatch(/\brange\b/);
    expect(await badInput({ range: { from: FROM, to: FROM } })).toMatch(/\brange\b/);
    expect(await badInput({ range: { from: '2025-01-01T00:00:00Z', to: '2026-02-05T00:00:01Z' } })).toMatch(/\brange\b.*400 days/);
    expect(await badInput({ minWaitSeconds: -1 })).toMatch(/\bminWaitSeconds\b/);
    expect(await badInput({ filter: { queueIds: ['billing'] } })).toMatch(/filter\.queueIds\[0\]/);
    // The limits themselves are fine.
    expect(await contacts({ first: 500, range: { from: '2025-01-01T00:00:00Z', to: '2026-02-05T00:00:00Z' } })).toBeDefined();
  });

  it('needs the READ permission', async () => {
    expect(await externalIds({}, server.org.keys.ANALYST)).toEqual(NEWEST_FIRST);
    const ingest = await server.gql(CONTACTS, { range: RANGE }, server.org.keys.INGEST);
    expect(ingest.errors![0].extensions!.code).toBe('FORBIDDEN');
    const anonymous = await server.gql(CONTACTS, { range: RANGE }, null);
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it("never shows another organization's contacts", async () => {
    const other = await server.createOrganization('other');
    const wide = { range: { from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }, first: 500 };
    expect(await externalIds(wide, other.keys.ANALYST)).toEqual([]);
    // Not even through ids or cursors of the first organization: its queue's id names nothing in the other.
    const mine = await contacts({});
    expect(await externalIds({ after: mine.edges[0].cursor }, other.keys.ANALYST)).toEqual([]);
    const foreign = await server.gql(CONTACTS, { range: RANGE, filter: { queueIds: [ids.queues.billing] } }, other.keys.ANALYST);
    expect(foreign.errors![0]!.extensions!.problems).toEqual([
      { field: 'filter.queueIds[0]', rule: 'UNKNOWN_ID', message: `no queue has id "${ids.queues.billing}"` },
    ]);
    // Its own contacts, with the same external ids, stay its own.
    await record([contact('a1', '2026-03-02T09:05:00Z', 1, { queue: 'other-queue', team: null, agent: 'other-agent' })], other.keys.INGEST);
    const theirs = await server.gql(
      `query($range: TimeRange!) { contacts(range: $range) { edges { node { externalId offeredAt queue { key } agent { key } } } } }`,
      { range: RANGE },
      other.keys.ANALYST,
    );
    expect(theirs.data.contacts.edges.map((e: any) => e.node)).toEqual([
      { externalId: 'a1', offeredAt: '2026-03-02T09:05:00.000Z', queue: { key: 'other-queue' }, agent: { key: 'other-agent' } },
    ]);
    expect(await externalIds({})).toEqual(NEWEST_FIRST);
  });

  it('resolves queue, team and agent of a 500-contact page with a constant number of SQL statements', async () => {
    const start = '2026-05-04T08:00:00Z';
    const big = Array.from({ length: 500 }, (_, i) =>
      contact(`big-${String(i).padStart(3, '0')}`, at(start, i * 30), 4, {
        queue: `q-${i % 10}`,
        agent: `agent-${i % 50}`,
        team: `team-${i % 5}`,
      }),
    );
    expect(await record(big)).toMatchObject({ created: 500 });
    await server.settled(); // the batch's detached handlers (survey auto-invite) issue no statement during the count
    const range = { from: start, to: at(start, 500 * 30) };
    const query = `query($range: TimeRange!, $first: Int) { contacts(range: $range, first: $first) {
      edges { node { externalId queue { key } team { key } agent { key team { key } } } }
      pageInfo { hasNextPage } } }`;

    // Every statement of this ORM goes through the connection's execute (queries of
    // em.find included); the test server runs in this process on the same ORM.
    const connection = server.db.orm.em.getConnection();
    async function statementsFor(first: number) {
      const spy = vi.spyOn(connection, 'execute');
      try {
        const res = await server.gql(query, { range, first });
        expect(res.errors).toBeUndefined();
        expect(res.data.contacts.edges).toHaveLength(first);
        const statements = spy.mock.calls.map((call) => String(call[0])).filter((text) => !isBackgroundStatement(text));
        return { res, statements };
      } finally {
        spy.mockRestore();
      }
    }

    const small = await statementsFor(5);
    const page = await statementsFor(500);
    const nodes = page.res.data.contacts.edges.map((e: any) => e.node);
    expect(nodes[0]).toEqual({ externalId: 'big-499', queue: { key: 'q-9' }, team: { key: 'team-4' }, agent: { key: 'agent-49', team: { key: 'team-4' } } });
    expect(new Set(nodes.map((n: any) => n.queue.key)).size).toBe(10);
    expect(new Set(nodes.map((n: any) => n.agent.key)).size).toBe(50);
    // The contacts, then one batch each for queues, teams and agents
    // (the agents' teams are already in the team loader's cache).
    expect(page.statements).toHaveLength(4);
    expect(page.statements.length).toBe(small.statements.length);
    const reading = (table: string) => page.statements.filter((s) => new RegExp(`\\bfrom\\s+"?${table}"?\\s`, 'i').test(s));
    for (const table of ['contact', 'queue', 'team', 'agent']) expect(reading(table), table).toHaveLength(1);
  });
});
