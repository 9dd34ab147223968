import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postGraphQL, useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { id token contactExternalId expiresAt respondedAt } }`;
const INVITE_ONE = `mutation($id: String!) { createSurveyInvitation(contactExternalId: $id) { id token } }`;
const SUBMIT = `mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id csat resolved complaint complaintCategory nps comment submittedAt } }`;
const STATUS = `query($t: String!) { surveyInvitationStatus(token: $t) }`;
const SURVEY_FIELDS = 'surveyInvitations surveyResponses surveyResponseRate csatScore csatAverage selfReportedResolutionRate complaints complaintRate netPromoterScore handled';

/** Six contacts over two Berlin days, two agents in two teams; s-5 is never answered. */
const contacts = [
  { id: 's-1', at: '2026-03-02T07:30:00Z', agent: 'ann', team: 'north', channel: 'VOICE' },
  { id: 's-2', at: '2026-03-02T09:10:00Z', agent: 'ann', team: 'north', channel: 'CHAT' },
  { id: 's-3', at: '2026-03-02T22:50:00Z', agent: 'bob', team: 'south', channel: 'VOICE' }, // 23:50 in Berlin: still 2 March
  { id: 's-4', at: '2026-03-02T23:10:00Z', agent: 'bob', team: 'south', channel: 'VOICE' }, // 00:10 in Berlin: 3 March
  { id: 's-5', at: '2026-03-03T10:00:00Z', agent: null, team: null, channel: 'VOICE' },
  { id: 's-6', at: '2026-03-03T11:00:00Z', agent: 'ann', team: 'north', channel: 'EMAIL' },
].map((c) => ({
  externalId: c.id,
  channel: c.channel,
  queue: 'care',
  agent: c.agent,
  team: c.team,
  customerRef: `cust-${c.id}`,
  offeredAt: c.at,
  answeredAt: c.agent ? new Date(Date.parse(c.at) + 15_000).toISOString() : null,
  endedAt: new Date(Date.parse(c.at) + 300_000).toISOString(),
  talkSeconds: c.agent ? 240 : 0,
}));

describe('surveys', () => {
  const server = useTestServer();
  const count = async (table: string) =>
    (await server.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from ${table}`))[0].n as number;
  const anonymous = (query: string, variables: Record<string, unknown>) => server.gql(query, variables, null);
  const tokens = new Map<string, string>();

  it('invites contacts in the order given, and hands out the same open invitation again', async () => {
    expect((await server.gql(RECORD, { c: contacts })).data.recordContacts.created).toBe(6);
    const ids = ['s-3', 's-1', 's-2', 's-4', 's-5', 's-6'];
    const first = await server.gql(INVITE, { ids }, server.org.keys.INGEST);
    expect(first.errors).toBeUndefined();
    const invitations = first.data.createSurveyInvitations;
    expect(invitations.map((i: any) => i.contactExternalId)).toEqual(ids);
    for (const i of invitations) {
      expect(i.token).toMatch(/^sv_[A-Za-z0-9_-]{43}$/);
      expect(i.respondedAt).toBeNull();
      // Default lifetime: 7 days.
      expect(Date.parse(i.expiresAt) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
      tokens.set(i.contactExternalId, i.token);
    }
    expect(new Set(invitations.map((i: any) => i.token)).size).toBe(6);

    const again = await server.gql(INVITE_ONE, { id: 's-1' }, server.org.keys.INGEST);
    expect(again.data.createSurveyInvitation).toEqual({ id: invitations[1].id, token: tokens.get('s-1') });
    expect(await count('survey_invitation')).toBe(6);
    // Only the hash of a token is stored.
    const stored = await server.db.orm.em.fork().getConnection().execute('select token_hash from survey_invitation');
    expect(stored.map((r: any) => r.token_hash)).not.toContain(tokens.get('s-1'));
  });

  it('refuses unknown contacts and other roles, writing nothing', async () => {
    const bad = await server.gql(INVITE, { ids: ['s-1', 'nope', 's-2', 'missing'] });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.problems).toEqual([
      expect.objectContaining({ field: 'contactExternalIds[1]', rule: 'UNKNOWN_CONTACT', index: 1 }),
      expect.objectContaining({ field: 'contactExternalIds[3]', rule: 'UNKNOWN_CONTACT', index: 3 }),
    ]);
    expect((await server.gql(INVITE_ONE, { id: 's-1' }, server.org.keys.ANALYST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(INVITE_ONE, { id: 's-1' }, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await count('survey_invitation')).toBe(6);
  });

  it('stores a response without an API key, trimmed and as given, once', async () => {
    const token = tokens.get('s-1')!;
    expect((await anonymous(STATUS, { t: token })).data.surveyInvitationStatus).toBe('OPEN');
    const input = { token, csat: 5, resolved: true, nps: 10, comment: '  <b>Great</b> & quick!  ' };
    const first = await anonymous(SUBMIT, { i: input });
    expect(first.errors).toBeUndefined();
    expect(first.data.submitSurveyResponse).toMatchObject({
      csat: 5, resolved: true, complaint: false, complaintCategory: null, nps: 10, comment: '<b>Great</b> & quick!',
    });
    // A second submission, even with other answers, returns the first response unchanged.
    const second = await anonymous(SUBMIT, { i: { token, csat: 1, complaint: true } });
    expect(second.data.submitSurveyResponse).toEqual(first.data.submitSurveyResponse);
    expect((await anonymous(STATUS, { t: token })).data.surveyInvitationStatus).toBe('RESPONDED');
    expect(await count('survey_response')).toBe(1);
    // The contact behind a response is not for anonymous eyes.
    const peek = await anonymous(`mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id contact { customerRef } } }`, {
      i: { token, csat: 5 },
    });
    expect(peek.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stores exactly one response when the same token is submitted concurrently', async () => {
    const token = tokens.get('s-2')!;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postGraphQL(server.url, SUBMIT, { i: { token, csat: 2, resolved: false, complaint: true, complaintCategory: 'rude agent', nps: i % 11 } }),
      ),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data.submitSurveyResponse.id)).size).toBe(1);
    expect(await count('survey_response')).toBe(2);
  });

  it('refuses forged, unknown, expired and invalid submissions without a row', async () => {
    const before = await count('survey_response');
    const forged = await anonymous(SUBMIT, { i: { token: 'sv_' + 'A'.repeat(43), csat: 5 } });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'UNKNOWN_TOKEN' });
    const garbage = await anonymous(SUBMIT, { i: { token: "'; drop table survey_response; --", csat: 5 } });
    expect(garbage.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'UNKNOWN_TOKEN' });
    expect((await anonymous(STATUS, { t: 'sv_' + 'A'.repeat(43) })).data.surveyInvitationStatus).toBe('UNKNOWN');

    const invalid = await anonymous(SUBMIT, {
      i: { token: tokens.get('s-3'), csat: 6, nps: 11, comment: 'x'.repeat(2001), complaintCategory: 'billing' },
    });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(invalid.errors?.[0]?.extensions?.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([
      'input.csat OUT_OF_RANGE',
      'input.nps OUT_OF_RANGE',
      'input.comment TOO_LONG',
      'input.complaintCategory WITHOUT_COMPLAINT',
    ]);
    const tooLongCategory = await anonymous(SUBMIT, { i: { token: tokens.get('s-3'), csat: 3, complaint: true, complaintCategory: 'c'.repeat(101) } });
    expect(tooLongCategory.errors?.[0]?.extensions?.problems?.[0]).toMatchObject({ field: 'input.complaintCategory', rule: 'TOO_LONG' });

    // Expire s-6's invitation: refused, and a new invitation (new token) replaces it.
    await server.db.orm.em.fork().getConnection().execute(
      `update survey_invitation set expires_at = now() - interval '1 second'
       where contact_id = (select id from contact where external_id = 's-6')`,
    );
    const old = tokens.get('s-6')!;
    expect((await anonymous(STATUS, { t: old })).data.surveyInvitationStatus).toBe('EXPIRED');
    const expired = await anonymous(SUBMIT, { i: { token: old, csat: 4 } });
    expect(expired.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EXPIRED' });
    expect(await count('survey_response')).toBe(before);
    const renewed = (await server.gql(INVITE_ONE, { id: 's-6' })).data.createSurveyInvitation;
    expect(renewed.token).not.toBe(old);
    tokens.set('s-6', renewed.token);
    // An answered invitation keeps answering with its response, even past its expiry.
    await server.db.orm.em.fork().getConnection().execute(
      `update survey_invitation set expires_at = now() - interval '1 second'
       where contact_id = (select id from contact where external_id = 's-1')`,
    );
    expect((await anonymous(SUBMIT, { i: { token: tokens.get('s-1'), csat: 1 } })).data.submitSurveyResponse.csat).toBe(5);
  });

  it('puts survey KPIs on the contact’s period, team and agent, current after each response', async () => {
    for (const [id, input] of [
      ['s-3', { csat: 4, resolved: true, nps: 6 }],
      ['s-4', { csat: 3, nps: 9, complaint: true }],
      ['s-5', { csat: 1, resolved: false, complaint: true, complaintCategory: ' waiting ' }],
      ['s-6', { csat: 5 }],
    ] as const) {
      expect((await anonymous(SUBMIT, { i: { token: tokens.get(id), ...input } })).errors).toBeUndefined();
    }
    const report = await server.gql(
      `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart agent { key } ${SURVEY_FIELDS} } total { ${SURVEY_FIELDS} } } }`,
      { q: { range: { from: '2026-03-01T23:00:00Z', to: '2026-03-03T23:00:00Z' }, timeZone: 'Europe/Berlin', granularity: 'DAY', groupBy: ['AGENT'] } },
    );
    expect(report.errors).toBeUndefined();
    const { rows, total } = report.data.kpis;
    const pick = (day: string, agent: string | null) =>
      rows.find((r: any) => r.periodStart.startsWith(day) && (r.agent?.key ?? null) === agent);
    // 2 March (Berlin): ann s-1 (5, yes, nps 10) and s-2 (2, no, complaint, nps 0..10 from the race); bob s-3 (4, yes, nps 6).
    const ann2 = pick('2026-03-01T23', 'ann');
    expect(ann2).toMatchObject({ surveyInvitations: 2, surveyResponses: 2, surveyResponseRate: 1, csatScore: 0.5, csatAverage: 3.5 });
    expect(ann2).toMatchObject({ selfReportedResolutionRate: 0.5, complaints: 1, complaintRate: 0.5, handled: 2 });
    expect(pick('2026-03-01T23', 'bob')).toMatchObject({ surveyResponses: 1, csatScore: 1, netPromoterScore: -100, complaints: 0 });
    // 3 March: bob s-4 (3, complaint, nps 9), the unanswered s-5 (no agent: 1, complaint), ann s-6 (re-invited: 2 invitations).
    expect(pick('2026-03-02T23', 'bob')).toMatchObject({ csatScore: 0, csatAverage: 3, netPromoterScore: 100, complaints: 1, selfReportedResolutionRate: null });
    expect(pick('2026-03-02T23', null)).toMatchObject({ surveyResponses: 1, complaints: 1, complaintRate: null, handled: 0 });
    expect(pick('2026-03-02T23', 'ann')).toMatchObject({ surveyInvitations: 2, surveyResponses: 1, surveyResponseRate: 0.5 });
    expect(total).toMatchObject({ surveyInvitations: 7, surveyResponses: 6, complaints: 3, handled: 5, csatScore: 3 / 6, csatAverage: 20 / 6 });
  });

  it('lists responses for coaching and counts complaints per category and period', async () => {
    const page = await server.gql(
      `query($r: TimeRange!) { surveyResponses(range: $r, maxCsat: 3, first: 2) {
         edges { cursor node { csat complaintCategory contact { externalId agent { key } team { key } } } } pageInfo { hasNextPage endCursor } } }`,
      { r: { from: '2026-03-01T00:00:00Z', to: '2026-03-04T00:00:00Z' } },
      server.org.keys.ANALYST,
    );
    expect(page.errors).toBeUndefined();
    const { edges, pageInfo } = page.data.surveyResponses;
    expect(edges.map((e: any) => e.node.contact.externalId)).toEqual(['s-5', 's-4']);
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await server.gql(
      `query($r: TimeRange!, $a: String) { surveyResponses(range: $r, maxCsat: 3, after: $a) { edges { node { csat contact { externalId } } } pageInfo { hasNextPage } } }`,
      { r: { from: '2026-03-01T00:00:00Z', to: '2026-03-04T00:00:00Z' }, a: pageInfo.endCursor },
    );
    expect(next.data.surveyResponses.edges.map((e: any) => e.node.contact.externalId)).toEqual(['s-2']);
    expect(next.data.surveyResponses.pageInfo.hasNextPage).toBe(false);

    for (const [args, field, rule] of [
      ['maxCsat: 0', 'maxCsat', 'OUT_OF_RANGE'],
      ['first: 501', 'first', 'OUT_OF_RANGE'],
      ['after: "nope"', 'after', 'CURSOR_FORMAT'],
    ]) {
      const bad = await server.gql(
        `query($r: TimeRange!) { surveyResponses(range: $r, ${args}) { edges { cursor } } }`,
        { r: { from: '2026-03-01T00:00:00Z', to: '2026-03-04T00:00:00Z' } },
      );
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ field, rule })] });
    }

    const breakdown = await server.gql(
      `query($q: KpiQuery!) { complaintBreakdown(query: $q) { periodStart category count } }`,
      { q: { range: { from: '2026-03-01T23:00:00Z', to: '2026-03-03T23:00:00Z' }, timeZone: 'Europe/Berlin', granularity: 'DAY' } },
    );
    expect(breakdown.data.complaintBreakdown).toEqual([
      { periodStart: '2026-03-01T23:00:00.000Z', category: 'rude agent', count: 1 },
      { periodStart: '2026-03-02T23:00:00.000Z', category: 'waiting', count: 1 },
      { periodStart: '2026-03-02T23:00:00.000Z', category: null, count: 1 },
    ]);
  });
});

describe('automatic survey invitations on ingest', () => {
  const server = useTestServer();

  it('invites a deterministic sample of new answered contacts on the configured channels, once', async () => {
    const set = await server.gql(
      `mutation { configureSurveyAutoInvite(channels: [CHAT, VOICE], samplingRate: 0.5) { channels samplingRate } }`,
    );
    expect(set.data.configureSurveyAutoInvite).toEqual({ channels: ['CHAT', 'VOICE'], samplingRate: 0.5 });
    expect((await server.gql(`mutation { configureSurveyAutoInvite(channels: [], samplingRate: 1.5) { samplingRate } }`)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const batch = Array.from({ length: 200 }, (_, i) => ({
      externalId: `auto-${i}`,
      channel: ['VOICE', 'CHAT', 'EMAIL'][i % 3],
      queue: 'care',
      agent: i % 10 === 0 ? null : 'ann',
      offeredAt: new Date(Date.parse('2026-05-04T08:00:00Z') + i * 60_000).toISOString(),
      answeredAt: i % 10 === 0 ? null : new Date(Date.parse('2026-05-04T08:00:10Z') + i * 60_000).toISOString(),
      endedAt: new Date(Date.parse('2026-05-04T08:05:00Z') + i * 60_000).toISOString(),
    }));
    expect((await server.gql(RECORD, { c: batch })).errors).toBeUndefined();
    await server.settled(); // invitations are made after the batch's answer, detached from its request
    const db = server.db.orm.em.fork().getConnection();
    const invited = await db.execute(
      `select c.external_id, c.channel, c.answered_at is not null as answered from survey_invitation i join contact c on c.id = i.contact_id`,
    );
    const eligible = batch.filter((c) => c.channel !== 'EMAIL' && c.answeredAt).length;
    expect(invited.every((r: any) => r.channel !== 'EMAIL' && r.answered)).toBe(true);
    expect(invited.length).toBeGreaterThan(eligible * 0.3);
    expect(invited.length).toBeLessThan(eligible * 0.7);
    // The invitations count in the KPIs at once; re-sending the batch invites nobody again.
    const kpis = async () =>
      (await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { total { surveyInvitations } } }`, {
        q: { range: { from: '2026-05-04T00:00:00Z', to: '2026-05-05T00:00:00Z' } },
      })).data.kpis.total.surveyInvitations;
    expect(await kpis()).toBe(invited.length);
    await server.gql(RECORD, { c: batch.map((c) => ({ ...c, talkSeconds: 5 })) });
    await server.settled();
    expect(await kpis()).toBe(invited.length);
    // The platform fetches the token to send through createSurveyInvitation: the same invitation.
    const token = await server.gql(`mutation($id: String!) { createSurveyInvitation(contactExternalId: $id) { token } }`, { id: invited[0].external_id });
    expect(token.data.createSurveyInvitation.token).toMatch(/^sv_/);
    expect(await kpis()).toBe(invited.length);
  });

  it('answers a batch without waiting for its invitations, and makes them after its client has gone', async () => {
    await server.gql(`mutation { configureSurveyAutoInvite(channels: [VOICE], samplingRate: 1) { samplingRate } }`);
    const batch = Array.from({ length: 20 }, (_, i) => ({
      externalId: `left-${i}`, channel: 'VOICE', queue: 'care', agent: 'ann',
      offeredAt: new Date(Date.parse('2026-05-06T08:00:00Z') + i * 60_000).toISOString(),
      answeredAt: new Date(Date.parse('2026-05-06T08:00:10Z') + i * 60_000).toISOString(),
      endedAt: new Date(Date.parse('2026-05-06T08:05:00Z') + i * 60_000).toISOString(),
    }));
    // Invitations cannot be written while this transaction holds the table (the batch itself does not write it).
    const blocker = new pg.Client({ connectionString: server.db.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table survey_invitation in exclusive mode');
    try {
      // A client that gives up after 5 s: had the invitations run inside its request, it would have
      // waited for them, left, and had them cancelled with its request.
      const answer = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.org.keys.ADMIN}` },
        body: JSON.stringify({ query: RECORD, variables: { c: batch } }),
        signal: AbortSignal.timeout(5_000),
      });
      expect(((await answer.json()) as any).data.recordContacts.created).toBe(20);
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    await server.settled();
    const invited = await server.db.orm.em.fork().getConnection().execute(
      `select count(*)::int as n from survey_invitation i join contact c on c.id = i.contact_id where c.external_id like 'left-%'`,
    );
    expect(invited[0].n).toBe(20);
  });
});
