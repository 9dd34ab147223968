import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const server = useTestServer();

const MONTH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
const DAY = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };

/** POSTs a raw body; returns the status and the parsed JSON answer. */
async function post(body: string, key: string | null = server.org.keys.ADMIN) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> } };
}

const refusal = (limit: string) => ({ code: 'QUERY_TOO_COMPLEX', category: 'BAD_USER_INPUT', limit });

/** The organization has 200 agents, 10 teams and 12 queues, as a mid-size center does. */
beforeAll(async () => {
  const em = server.db.orm.em.fork();
  const org = server.org.id;
  await em.execute(`insert into team (organization_id, key, name) select ?, 'team-' || i, 'Team ' || i from generate_series(1, 10) i`, [org]);
  await em.execute(`insert into queue (organization_id, key, name) select ?, 'queue-' || i, 'Queue ' || i from generate_series(1, 12) i`, [org]);
  await em.execute(`insert into agent (organization_id, key, name) select ?, 'agent-' || i, 'Agent ' || i from generate_series(1, 200) i`, [org]);
});

async function kpiMetrics(count: number): Promise<string[]> {
  const answer = await server.gql(`{ __type(name: "KpiRow") { fields { name type { kind ofType { name } name } args { type { kind } } } } }`);
  const numeric = answer.data.__type.fields.filter(
    (f: any) => ['Int', 'Float'].includes(f.type.name ?? f.type.ofType?.name) && !f.args.some((a: any) => a.type.kind === 'NON_NULL'), // waitTimePercentile(p:) needs its p
  );
  expect(numeric.length).toBeGreaterThanOrEqual(count);
  return numeric.slice(0, count).map((f: any) => f.name);
}

describe('document limits before parsing', () => {
  it('refuses 201 aliases with HTTP 400, QUERY_TOO_COMPLEX, the limit and both numbers', async () => {
    const query = `{ ${Array.from({ length: 201 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { status, body } = await post(JSON.stringify({ query }));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ ...refusal('aliases'), max: 200, actual: 201 });
    expect(body.errors![0]!.message).toContain('201 aliases, more than the limit of 200');
  });

  it('refuses a 10 MB document of aliases from a key holder, and counts no further than it must', async () => {
    const query = `{ ${Array.from({ length: 550_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { status, body } = await post(JSON.stringify({ query }));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject(refusal('aliases'));
    expect(body.errors![0]!.message).toMatch(/at least \d+ aliases/);
  });

  it('refuses depth 13, tokens over 20,000 and 51 directives; GET queries too', async () => {
    const deep = `{ ${'organization { '.repeat(12)}id${' }'.repeat(12)} }`;
    expect((await post(JSON.stringify({ query: deep }))).body.errors![0]!.extensions).toEqual({ ...refusal('depth'), max: 12, actual: 13 });
    const manyTokens = `{ contacts(range: { from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" }, filter: { agentIds: [${'"1" '.repeat(20_000)}] }) { edges { id } } }`;
    expect((await post(JSON.stringify({ query: manyTokens }))).body.errors![0]!.extensions).toMatchObject({ ...refusal('tokens'), max: 20_000 });
    const directives = `{ organization { id ${'@include(if: true) '.repeat(51)} } }`;
    expect((await post(JSON.stringify({ query: directives }))).body.errors![0]!.extensions).toEqual({ ...refusal('directives'), max: 50, actual: 51 });
    const get = await fetch(`${server.url}?query=${encodeURIComponent(deep)}`, { headers: { authorization: `Bearer ${server.org.keys.ADMIN}` } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.limit).toBe('depth');
  });

  it('refuses 2,000 nested inline fragments (once a 500: the parser ran out of stack) as too deeply nested', async () => {
    const nested = `{ organization { ${'... on Organization { '.repeat(2_000)}id${' }'.repeat(2_000)} } }`;
    const answer = await post(JSON.stringify({ query: nested }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors![0]!.extensions).toMatchObject({ ...refusal('nesting'), max: 64 });
  });

  it('refuses depth 14 reached through fragments, after parsing', async () => {
    const chain = `query { slaPolicies { ...A } } fragment A on SlaPolicy { versions { ...B } } fragment B on SlaPolicy { versions { ...C } }
      fragment C on SlaPolicy { versions { ...D } } fragment D on SlaPolicy { versions { ...E } } fragment E on SlaPolicy { versions { ...G } }
      fragment G on SlaPolicy { versions { ...H } } fragment H on SlaPolicy { versions { ...I } } fragment I on SlaPolicy { versions { ...J } }
      fragment J on SlaPolicy { versions { ...K } } fragment K on SlaPolicy { versions { ...L } } fragment L on SlaPolicy { versions { ...M } }
      fragment M on SlaPolicy { versions { name } }`;
    const { status, body } = await post(JSON.stringify({ query: chain }));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toEqual({ ...refusal('depth'), max: 12, actual: 14 }); // slaPolicies and 13 versions
    expect(body.errors![0]!.message).toContain('with fragments expanded');
  });

  it('lets GraphiQL-style introspection through', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const { status, body } = await post(JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }), null);
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('cost before execution (MAX_QUERY_COST 500,000)', () => {
  it('refuses 10 aliased FORECAST staffing fields with 52 weeks of history, naming the estimated cost', async () => {
    const fields = Array.from({ length: 10 }, (_, i) => `s${i}: staffing(query: { range: $r, source: FORECAST, weeksOfHistory: 52 }) { requiredAgents }`);
    const { status, body } = await post(JSON.stringify({ query: `query($r: TimeRange!) { ${fields.join(' ')} }`, variables: { r: DAY } }));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ ...refusal('cost'), max: 500_000 });
    expect(body.errors![0]!.extensions.actual).toBeGreaterThan(2_000_000);
    expect(body.errors![0]!.message).toContain('(MAX_QUERY_COST)');
  });

  it('refuses 150 aliased month totals (under the alias limit, over the cost)', async () => {
    const fields = Array.from({ length: 150 }, (_, i) => `k${i}: kpis(query: { range: $r }) { total { offered } }`);
    const { status, body } = await post(JSON.stringify({ query: `query($r: TimeRange!) { ${fields.join(' ')} }`, variables: { r: MONTH } }));
    expect(status).toBe(400);
    expect(body.errors![0]!.extensions).toMatchObject({ ...refusal('cost'), max: 500_000 });
  });

  it('prices groupBy AGENT by the organization\'s 200 agents: 10,000 rows of 35 metrics and their previous values are refused', async () => {
    const metrics = (await kpiMetrics(35)).join(' ');
    const query = (previous: string) => `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [AGENT], granularity: FIFTEEN_MINUTES, compareWithPrevious: true }) {
      rows { ${metrics} ${previous} } } }`;
    // 97 periods × 201 agent groups, at most 10,000 rows: × 35 metrics ≈ 360,000 runs; × 71 with previous ≈ 720,000 does not
    const { status, body } = await post(JSON.stringify({ query: query(''), variables: { r: DAY } }));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const wide = await post(JSON.stringify({ query: query(`previous { ${metrics} }`), variables: { r: DAY } }));
    expect(wide.status).toBe(400);
    expect(wide.body.errors![0]!.extensions).toMatchObject(refusal('cost'));
    expect(wide.body.errors![0]!.extensions.actual).toBeGreaterThan(700_000);
  });

  it('runs a per-agent month by day with 35 metrics, with its total, and the previous period', async () => {
    const metrics = (await kpiMetrics(35)).join(' ');
    const query = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [AGENT], granularity: DAY }) {
      rows { periodStart agent { name } ${metrics} } total { ${metrics} } } }`;
    const { status, body } = await post(JSON.stringify({ query, variables: { r: MONTH } }));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data.kpis.total).toBeDefined();
  });

  it('a field its service refuses costs one statement, so the service names the problem', async () => {
    const query = `query($r: TimeRange!) { staffing(query: { range: $r, intervalMinutes: 15, source: FORECAST, weeksOfHistory: 52 }) { requiredAgents } }`;
    const { body } = await post(JSON.stringify({ query, variables: { r: { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } } }));
    expect(body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(body.errors![0]!.extensions!.problems.map((p: any) => p.rule)).toEqual(['TOO_MANY_INTERVALS']);
  });
});

describe('SlaPolicy.versions', () => {
  it('lists every version once; a version\'s own versions are empty', async () => {
    const input = (name: string, effectiveFrom?: string) => ({
      name, period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8 }], ...(effectiveFrom ? { effectiveFrom } : {}),
    });
    const created = await server.gql(`mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }`, { i: input('v1', '2026-01-01T00:00:00Z') });
    const id = created.data.createSlaPolicy.id;
    for (const [name, from] of [['v2', '2026-02-01T00:00:00Z'], ['v3', '2026-03-01T00:00:00Z']]) {
      await server.gql(`mutation($id: ID!, $i: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $i) { id } }`, { id, i: input(name!, from) });
    }
    const answer = await server.gql(`{ slaPolicies { name versions { name versions { name versions { name } } } } }`);
    expect(answer.errors).toBeUndefined();
    const policy = answer.data.slaPolicies.find((p: any) => p.versions.length === 3);
    expect(policy.versions).toEqual([
      { name: 'v1', versions: [] },
      { name: 'v2', versions: [] },
      { name: 'v3', versions: [] },
    ]);
  });
});

describe('body limits by key', () => {
  const padded = (bytes: number) => JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes) } });

  it('refuses an anonymous body over 100 KB with HTTP 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await post(padded(150_000), null);
    expect(status).toBe(413);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 102_400 });
    expect(body.errors![0]!.message).toContain('without a valid API key');
  });

  it('treats an unknown key as anonymous: 413 over 100 KB, UNAUTHENTICATED under it', async () => {
    expect((await post(padded(150_000), 'not-a-key')).status).toBe(413);
    const small = await post(JSON.stringify({ query: '{ organization { id } }' }), 'not-a-key');
    expect(small.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('reads up to 25 MB with a valid key, and refuses more with 413', async () => {
    const ok = await post(padded(2_000_000)); // past the 1 MB from which the document is checked on the body's first 256 KB
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ __typename: 'Query' });
    const over = await post(padded(26 * 1024 * 1024));
    expect(over.status).toBe(413);
    expect(over.body.errors![0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 25 * 1024 * 1024 });
  });

  it('refuses an anonymous 10 MB document before reading it', async () => {
    const query = `{ ${Array.from({ length: 550_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const { status, body } = await post(JSON.stringify({ query }), null);
    expect(status).toBe(413);
    expect(body.errors![0]!.extensions!.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
