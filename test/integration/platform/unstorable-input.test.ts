import { describe, expect, it } from 'vitest';
import { useTestServer, type GraphQLResponse } from '../../support/server';

/**
 * Values PostgreSQL would refuse (NUL, lone surrogates) and instants outside
 * 1970..2100 are BAD_USER_INPUT naming the field, on every kind of argument, and
 * nothing is written. Each case was an INTERNAL_SERVER_ERROR or a stored year 9999 before.
 */

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { received } }`;
const SUBMIT = `mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id } }`;
const SLA = `mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }`;
const COST = `mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`;
const API_KEY = `mutation($n: String!) { createApiKey(name: $n, role: ANALYST) { secret } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { total { offered } } }`;
const CONTACTS = `query($r: TimeRange!, $f: ContactFilter, $after: String) { contacts(range: $r, filter: $f, after: $after) { edges { node { externalId } } } }`;
const RANGE = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

const contact = (id: string, over: Record<string, unknown> = {}) => ({
  externalId: id, channel: 'VOICE', queue: 'care', agent: 'ann', team: 'north', customerRef: 'cust',
  offeredAt: '2026-03-02T09:00:00Z', answeredAt: '2026-03-02T09:00:10Z', endedAt: '2026-03-02T09:05:00Z', talkSeconds: 100, ...over,
});
const activity = (over: Record<string, unknown> = {}) => ({
  agent: 'ann', intervalStart: '2026-03-02T09:00:00Z', loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 300, notReadySeconds: 300, ...over,
});
const policy = (over: Record<string, unknown> = {}) => ({
  name: 'gold', period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8 }], ...over,
});

/** The one refusal, coded BAD_USER_INPUT, with exactly these [field, rule] problems, each named in the message. */
function expectRefused(res: GraphQLResponse, problems: Array<[string, string]>) {
  expect(res.errors).toHaveLength(1);
  const error = res.errors![0]!;
  expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error.extensions?.problems.map((p: any) => [p.field, p.rule])).toEqual(problems);
  for (const [field] of problems) expect(error.message).toContain(field);
  expect(res.data ?? null).toBeNull();
}

describe('input PostgreSQL would refuse', () => {
  const server = useTestServer();
  const count = async (table: string) =>
    (await server.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from ${table}`))[0].n as number;

  it('a NUL or a lone surrogate anywhere in a contact batch refuses the whole batch, naming every value', async () => {
    const batch = [
      contact('ok-1'),
      contact('bad\u0000id'),
      contact('ok-2', { customerRef: 'c\ud800', disposition: 'x\u0000' }),
      contact('ok-3', { queue: '\udfffq', team: 'north\u0000' }),
    ];
    expectRefused(await server.gql(RECORD, { c: batch }), [
      ['contacts[1].externalId', 'NUL_CHARACTER'],
      ['contacts[2].customerRef', 'LONE_SURROGATE'],
      ['contacts[2].disposition', 'NUL_CHARACTER'],
      ['contacts[3].queue', 'LONE_SURROGATE'],
      ['contacts[3].team', 'NUL_CHARACTER'],
    ]);
    const res = await server.gql(RECORD, { c: batch });
    expect(res.errors![0]!.extensions!.problems[0]).toMatchObject({ index: 1 });
    expect(await count('contact')).toBe(0);
    expect(await count('queue')).toBe(0);
  });

  it('refuses instants outside 1970..2100 in contacts, activity, policies, costs and ranges; accepts the edges', async () => {
    expectRefused(
      await server.gql(RECORD, { c: [contact('y-1', { offeredAt: '9999-01-01T00:00:00Z', answeredAt: null, endedAt: '9999-01-01T00:01:00Z' }), contact('y-2', { offeredAt: '0001-01-01T00:00:00Z', answeredAt: null })] }),
      [['contacts[0].offeredAt', 'YEAR_OUT_OF_RANGE'], ['contacts[0].endedAt', 'YEAR_OUT_OF_RANGE'], ['contacts[1].offeredAt', 'YEAR_OUT_OF_RANGE']],
    );
    expectRefused(await server.gql(ACTIVITY, { a: [activity({ intervalStart: '2101-01-01T00:00:00Z' })] }), [['activity[0].intervalStart', 'YEAR_OUT_OF_RANGE']]);
    expectRefused(await server.gql(SLA, { i: policy({ effectiveFrom: '1969-12-31T23:59:59Z' }) }), [['input.effectiveFrom', 'YEAR_OUT_OF_RANGE']]);
    expectRefused(await server.gql(COST, { i: { agent: 'ann', hourlyCost: 30, effectiveFrom: '9999-12-31T00:00:00Z' } }), [['input.effectiveFrom', 'YEAR_OUT_OF_RANGE']]);
    expectRefused(await server.gql(KPIS, { q: { range: { from: '1900-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } } }), [['query.range.from', 'YEAR_OUT_OF_RANGE']]);
    expect(await count('contact')).toBe(0);
    expect(await count('agent_activity')).toBe(0);
    expect(await count('sla_policy')).toBe(0);

    const edges = [contact('edge-1', { offeredAt: '1970-01-01T00:00:00Z', answeredAt: null, endedAt: '1970-01-01T00:01:00Z' }), contact('edge-2', { offeredAt: '2100-12-31T23:00:00Z', answeredAt: null, endedAt: '2100-12-31T23:59:59Z' })];
    expect((await server.gql(RECORD, { c: edges })).data.recordContacts.created).toBe(2);
  });

  it('a literal year in the document is BAD_USER_INPUT naming the argument, like a variable', async () => {
    const res = await server.gql(`{ kpis(query: { range: { from: "2026-01-01T00:00:00Z", to: "9999-01-01T00:00:00Z" } }) { total { offered } } }`);
    expect(res.status).toBe(400);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({
      message: expect.stringMatching(/^query\.range\.to: .*1970 to 2100.*9999/),
      extensions: { code: 'BAD_USER_INPUT', rule: 'YEAR_OUT_OF_RANGE', problems: [{ field: 'query.range.to', rule: 'YEAR_OUT_OF_RANGE', message: expect.any(String) }] },
    });
    const literalNul = await server.gql(`mutation { createApiKey(name: "ops\\u0000", role: ANALYST) { secret } }`);
    expectRefused(literalNul, [['name', 'NUL_CHARACTER']]);
    const infinite = await server.gql(`mutation { setHourlyCost(input: { team: "north", hourlyCost: 1e999 }) }`);
    expectRefused(infinite, [['input.hourlyCost', 'NOT_FINITE']]);
  });

  it('covers activity, survey answers, policies, costs, API keys, KPI queries and contact filters', async () => {
    expectRefused(await server.gql(ACTIVITY, { a: [activity(), activity({ agent: 'bob\u0000', team: '\ud800' })] }), [
      ['activity[1].agent', 'NUL_CHARACTER'],
      ['activity[1].team', 'LONE_SURROGATE'],
    ]);
    expectRefused(await server.gql(SUBMIT, { i: { token: `sv_${'a'.repeat(43)}`, csat: 4, comment: 'thanks\u0000', complaintCategory: '\udc00' } }, null), [
      ['input.comment', 'NUL_CHARACTER'],
      ['input.complaintCategory', 'LONE_SURROGATE'],
    ]);
    expectRefused(await server.gql(SUBMIT, { i: { token: 'sv_\u0000', csat: 4 } }, null), [['input.token', 'NUL_CHARACTER']]);
    expectRefused(
      await server.gql(SLA, { i: policy({ name: 'gold\u0000', holidays: ['2026-12-25', '\ud800'], serviceHours: [{ dayOfWeek: 1, opens: '08:00', closes: '17:00\u0000' }], timeZone: 'Europe/Berlin\u0000' }) }),
      // In the order the client sent the fields.
      [['input.name', 'NUL_CHARACTER'], ['input.timeZone', 'NUL_CHARACTER'], ['input.holidays[1]', 'LONE_SURROGATE'], ['input.serviceHours[0].closes', 'NUL_CHARACTER']],
    );
    expectRefused(await server.gql(COST, { i: { team: 'north\u0000', hourlyCost: 30 } }), [['input.team', 'NUL_CHARACTER']]);
    expectRefused(await server.gql(API_KEY, { n: 'ops \ud83d' }), [['name', 'LONE_SURROGATE']]);
    expectRefused(await server.gql(KPIS, { q: { range: RANGE, timeZone: 'UTC\u0000' } }, server.org.keys.ANALYST), [['query.timeZone', 'NUL_CHARACTER']]);
    expectRefused(await server.gql(CONTACTS, { r: RANGE, f: { teamIds: ['1', '2\u0000'] }, after: '\ud800' }, server.org.keys.ANALYST), [
      ['filter.teamIds[1]', 'NUL_CHARACTER'],
      ['after', 'LONE_SURROGATE'],
    ]);
    expect(await count('agent_activity')).toBe(0);
    expect(await count('survey_response')).toBe(0);
    expect(await count('sla_policy')).toBe(0);
    expect(await count('hourly_cost')).toBe(0);
    expect(await count('api_key')).toBe(Object.keys(server.org.keys).length); // the test organization's own keys
    // A surrogate pair (an emoji) is valid Unicode and is stored.
    expect((await server.gql(API_KEY, { n: 'ops 😀' })).errors).toBeUndefined();
  });

  it('numbers past int4 are refused by GraphQL Int itself, naming the field; int4 maxima are stored and summed', async () => {
    const past = await server.gql(RECORD, { c: [contact('n-1', { talkSeconds: 2 ** 31 })] });
    expect(past.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('c[0].talkSeconds') });
    const max = 2 ** 31 - 1;
    const huge = [contact('n-2', { talkSeconds: max, holdSeconds: max, afterContactWorkSeconds: max, transfers: max }), contact('n-3', { talkSeconds: max, transfers: max })];
    expect((await server.gql(RECORD, { c: huge })).errors).toBeUndefined();
    const kpis = await server.gql(
      `query($q: KpiQuery!) { kpis(query: $q) { total { handled averageTalkTime averageHandleTime h50: handleTimePercentile(p: 0.5) h100: handleTimePercentile(p: 1) } } }`,
      { q: { range: RANGE, serviceLevelThresholdSeconds: max, shortAbandonSeconds: max } },
    );
    expect(kpis.errors).toBeUndefined();
    expect(kpis.data.kpis.total).toEqual({ handled: 2, averageTalkTime: max, averageHandleTime: (4 * max) / 2, h50: max, h100: 3 * max });
  });
});
