import { afterAll, describe, expect, it } from 'vitest';
import { openLiveClient, type LiveClient } from '../../support/live-client';
import { postGraphQL, useTestServer } from '../../support/server';
import { rebuildOrganizationFacts } from '../../../src/warehouse/rebuild';

const server = useTestServer({ limits: { liveSubscriptionsPerConnection: 2, maxQueryCost: 20_000 } });

const FIELDS = 'rows { periodStart queue { key } offered answered abandoned serviceLevel } total { offered answered abandoned averageSpeedOfAnswer }';
const LIVE = `subscription($q: KpiQuery!) { liveKpis(query: $q) { ${FIELDS} } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { ${FIELDS} } }`;
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated } }';
const ACTIVITY = 'mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created } }';
const DAY = { range: { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }, granularity: 'HOUR', groupBy: ['QUEUE'] };

let serial = 0;
/** A contact offered at `at` on `queue`, answered after `wait` seconds (null: abandoned). */
function contact(queue: string, at: string, wait: number | null) {
  const offered = Date.parse(at);
  const end = offered + (wait ?? 30) * 1000 + (wait === null ? 0 : 120_000);
  return {
    externalId: `live-${++serial}`,
    channel: 'VOICE',
    queue,
    agent: wait === null ? null : 'ann',
    offeredAt: new Date(offered).toISOString(),
    answeredAt: wait === null ? null : new Date(offered + wait * 1000).toISOString(),
    endedAt: new Date(end).toISOString(),
    talkSeconds: wait === null ? 0 : 120,
  };
}

async function record(contacts: unknown[], key = server.org.keys.INGEST) {
  const answer = await server.gql(RECORD, { c: contacts }, key);
  expect(answer.errors).toBeUndefined();
}

async function kpis(query: unknown) {
  const answer = await server.gql(KPIS, { q: query });
  expect(answer.errors).toBeUndefined();
  return answer.data.kpis;
}

const clients: LiveClient[] = [];
function live(key: string | null = server.org.keys.ANALYST): LiveClient {
  const client = openLiveClient(server.url, key);
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

describe('liveKpis', () => {
  it('sends the report at once, then the report after each committed write that changes it, equal to kpis', async () => {
    await record([contact('care', '2026-03-02T09:05:00Z', 10), contact('sales', '2026-03-02T10:00:00Z', null)]);
    const sub = live().subscribe(LIVE, { q: DAY });
    expect((await sub.nth(1)).data!.liveKpis).toEqual(await kpis(DAY));

    await record([contact('care', '2026-03-02T09:20:00Z', 40), contact('care', '2026-03-02T11:00:00Z', 5)]);
    const second = await sub.nth(2);
    expect(second.errors).toBeUndefined();
    expect(second.data!.liveKpis).toEqual(await kpis(DAY));
    expect(second.data!.liveKpis.total.offered).toBe(4);
    sub.unsubscribe();
  });

  it('sends nothing for writes of another organization, outside the range or outside the filter', async () => {
    const query = { ...DAY, filter: { queueKeys: ['care'] } };
    const sub = live().subscribe(LIVE, { q: query });
    const first = (await sub.nth(1)).data!.liveKpis;

    const other = await server.createOrganization('other-center');
    await record([contact('care', '2026-03-02T09:30:00Z', 3)], other.keys.INGEST); // another organization
    await record([contact('sales', '2026-03-02T09:30:00Z', 3)]); // outside the filter
    await record([contact('care', '2026-03-04T09:30:00Z', 3)]); // outside the range
    await record([contact('care', '2026-03-02T13:30:00Z', null)]); // inside: one more abandoned

    const second = (await sub.nth(2)).data!.liveKpis;
    expect(second.total.offered).toBe(first.total.offered + 1);
    expect(second.total.abandoned).toBe(first.total.abandoned + 1);
    expect(second).toEqual(await kpis(query));
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a stray message would have come by now
    expect(sub.messages).toHaveLength(2);
    sub.unsubscribe();
  });

  it('sends again after an operator rebuilds the organization\'s facts (npm run rebuild), with the repaired figures', async () => {
    await record([contact('care', '2026-03-02T13:05:00Z', 10)]);
    const offered = (await kpis(DAY)).total.offered;
    // Rollups changed by hand, without the API: the wallboard opened now shows what is left.
    const db = server.db.orm.em.fork().getConnection();
    const lost = await db.execute<Array<{ offered: number }>>(`delete from contact_rollup_hour_team where organization_id = ? and bucket = '2026-03-02T13:00:00Z' returning offered`, [server.org.id]);
    const lostOffered = lost.reduce((n, r) => n + r.offered, 0);
    expect(lostOffered).toBeGreaterThan(0);
    await db.execute(`update organization_facts_version set version = nextval('organization_facts_version_seq') where organization_id = ?`, [server.org.id]);
    const sub = live().subscribe(LIVE, { q: DAY });
    expect((await sub.nth(1)).data!.liveKpis.total.offered).toBe(offered - lostOffered);
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);
    const second = (await sub.nth(2)).data!.liveKpis;
    expect(second.total.offered).toBe(offered);
    expect(second).toEqual(await kpis(DAY));
    sub.unsubscribe();
  });

  it('sends again after agent activity that changes the report', async () => {
    const query = { range: DAY.range };
    const sub = live().subscribe('subscription($q: KpiQuery!) { liveKpis(query: $q) { total { loggedInSeconds occupancy } } }', { q: query });
    const first = (await sub.nth(1)).data!.liveKpis;
    const answer = await server.gql(ACTIVITY, {
      a: [{ agent: 'ann', intervalStart: '2026-03-02T09:00:00Z', loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 500, notReadySeconds: 100 }],
    }, server.org.keys.INGEST);
    expect(answer.errors).toBeUndefined();
    const second = (await sub.nth(2)).data!.liveKpis;
    expect(second.total.loggedInSeconds).toBe((first.total.loggedInSeconds ?? 0) + 900);
    sub.unsubscribe();
  });

  it('sends again after a survey answer and after a QA evaluation, each report equal to kpis', async () => {
    const march5 = { range: { from: '2026-03-05T00:00:00Z', to: '2026-03-06T00:00:00Z' }, groupBy: ['QUEUE'] };
    const fields = 'rows { queue { key } offered surveyResponses csatAverage qaEvaluations qaScore } total { offered surveyResponses csatAverage qaEvaluations qaScore }';
    const c = contact('care', '2026-03-05T09:00:00Z', 10);
    await record([c]);
    const sub = live().subscribe(`subscription($q: KpiQuery!) { liveKpis(query: $q) { ${fields} } }`, { q: march5 });
    await sub.nth(1);
    const reportNow = async () => {
      const answer = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { ${fields} } }`, { q: march5 });
      expect(answer.errors).toBeUndefined();
      return answer.data.kpis;
    };
    /** The last pushed report, once it equals kpis (a write that was not pushed fails here). */
    const settled = async () => {
      const expected = await reportNow();
      const deadline = Date.now() + 15_000;
      while (JSON.stringify(sub.messages.at(-1)!.data!.liveKpis) !== JSON.stringify(expected)) {
        if (Date.now() > deadline) throw new Error(`no push equal to kpis: last ${JSON.stringify(sub.messages.at(-1))}, kpis ${JSON.stringify(expected)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return expected.total;
    };
    expect(await settled()).toMatchObject({ offered: 1, surveyResponses: 0, qaEvaluations: 0 });

    const invited = await server.gql('mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token } }', { ids: [c.externalId] }, server.org.keys.INGEST);
    expect(invited.errors).toBeUndefined();
    const answered = await server.gql('mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id } }', {
      i: { token: invited.data.createSurveyInvitations[0].token, csat: 4 },
    }, null);
    expect(answered.errors).toBeUndefined();
    expect(await settled()).toMatchObject({ surveyResponses: 1, csatAverage: 4, qaEvaluations: 0 });

    const form = await server.gql('mutation($c: [QaCriterionInput!]!) { createQaForm(name: "Calls", criteria: $c) { id } }', {
      c: [{ key: 'greeting', label: 'Greets', weight: 1 }, { key: 'solution', label: 'Solves', weight: 3 }],
    });
    expect(form.errors).toBeUndefined();
    const evaluated = await server.gql('mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { created } }', {
      e: [{ externalId: 'live-qa-1', contactExternalId: c.externalId, formId: form.data.createQaForm.id, evaluator: 'sam', evaluatedAt: '2026-03-06T10:00:00Z',
        scores: [{ criterion: 'greeting', score: 1 }, { criterion: 'solution', score: 0.5 }] }],
    }, server.org.keys.INGEST);
    expect(evaluated.errors).toBeUndefined();
    expect(await settled()).toMatchObject({ surveyResponses: 1, qaEvaluations: 1, qaScore: (1 + 3 * 0.5) / 4 });
    sub.unsubscribe();
  });

  it('answers a bad query with an error naming the field, and a query too costly with QUERY_TOO_COMPLEX', async () => {
    const client = live();
    const bad = client.subscribe(LIVE, { q: { ...DAY, timeZone: 'Mars/Olympus' } });
    await bad.completed;
    expect(bad.messages[0]!.errors![0]!.message).toContain('timeZone');

    const month = { range: { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, granularity: 'FIFTEEN_MINUTES', groupBy: ['QUEUE'] };
    const costly = client.subscribe(LIVE, { q: month });
    await costly.completed;
    expect(costly.messages[0]!.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });

    const query = client.subscribe(KPIS, { q: DAY });
    await query.completed;
    expect(query.messages[0]!.errors![0]!.message).toContain('POST /graphql');
  });

  it('refuses more subscriptions on one connection than LIVE_SUBSCRIPTIONS_PER_CONNECTION', async () => {
    const client = live();
    const a = client.subscribe(LIVE, { q: DAY });
    const b = client.subscribe(LIVE, { q: DAY });
    await Promise.all([a.nth(1), b.nth(1)]);
    const c = client.subscribe(LIVE, { q: DAY });
    await c.completed;
    expect(c.messages[0]!.errors![0]!.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', max: 2 });
    a.unsubscribe();
    const d = client.subscribe(LIVE, { q: DAY }); // a place freed
    expect((await d.nth(1)).data).toBeDefined();
  });
});

describe('liveKpis authentication', () => {
  const createKey = async (role: string) =>
    (await server.gql('mutation($r: Role!) { createApiKey(role: $r, name: "wallboard") { key { id } secret } }', { r: role })).data.createApiKey;

  it.each([
    ['no key', null],
    ['an unknown key', 'not-a-key-of-anyone'],
  ])('closes the socket with 4401 for %s', async (_, key) => {
    const client = live(key);
    client.subscribe(LIVE, { q: DAY });
    const closed = await client.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/Unauthorized/);
  });

  it('closes the socket with 4403 for a key that may not read (INGEST) and for a revoked key', async () => {
    const ingest = live(server.org.keys.INGEST);
    ingest.subscribe(LIVE, { q: DAY });
    expect(await ingest.closed).toEqual({ code: 4403, reason: 'Forbidden: the INGEST role may not read KPIs' });

    const created = await createKey('ANALYST');
    await server.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: created.key.id });
    const revoked = live(created.secret);
    revoked.subscribe(LIVE, { q: DAY });
    expect(await revoked.closed).toEqual({ code: 4403, reason: 'Forbidden: the API key was revoked' });
  });

  it('closes the open sockets of a key when it is revoked', async () => {
    const created = await createKey('ANALYST');
    const client = live(created.secret);
    const sub = client.subscribe(LIVE, { q: DAY });
    await sub.nth(1);
    const other = live(); // another key's socket stays open
    const kept = other.subscribe(LIVE, { q: DAY });
    await kept.nth(1);
    await server.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: created.key.id });
    expect(await client.closed).toEqual({ code: 4403, reason: 'Forbidden: the API key was revoked' });
    await record([contact('care', '2026-03-02T15:00:00Z', 1)]);
    expect((await kept.nth(2)).data).toBeDefined();
  });

  it('is refused over HTTP, with a message that says where it is served', async () => {
    const answer = await postGraphQL(server.url, LIVE, { q: DAY }, server.org.keys.ANALYST);
    expect(JSON.stringify(answer)).toMatch(/WebSocket|subscription/i);
  });
});
