import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../../src/analytics/metric-catalog';
import { startHttpServer, type HttpServer } from '../../../src/app/http';
import { createLogger } from '../../../src/platform/logger';
import { buildAppSchema } from '../../../src/app/schema';
import { postGraphQL, useTestServer } from '../../support/server';

/**
 * The server executes operations with graphql-jit. The same requests against a
 * second server on the same database executing with graphql-js must get the very
 * same answers: data, errors (messages, locations, paths, extensions) and HTTP status.
 */

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }`;
const METRIC_FIELDS = METRICS.map((m) => m.name).join(' ');
const KPIS = `query Report($q: KpiQuery!, $withAgent: Boolean!) { kpis(query: $q) {
  rows { ...Group ${METRIC_FIELDS} previous { periodStart offered serviceLevel } }
  sum: total { ${METRIC_FIELDS} }
} }
fragment Group on KpiRow { periodStart periodEnd channel queue { key name } team { key } agent @include(if: $withAgent) { id key name } }`;

function contacts() {
  return Array.from({ length: 240 }, (_, i) => {
    const offered = Date.parse('2026-03-02T07:00:00Z') + i * 2 * 3_600_000 + (i % 5) * 17_000;
    const answered = i % 6 !== 0;
    const wait = (i * 7) % 90;
    return {
      externalId: `jit-${i}`,
      channel: ['VOICE', 'CHAT', 'EMAIL', 'MESSAGING'][i % 4],
      direction: i % 13 === 0 ? 'OUTBOUND' : 'INBOUND',
      queue: `q-${i % 3}`,
      agent: answered ? `a-${i % 5}` : null,
      team: answered ? `t-${i % 2}` : null,
      customerRef: `c-${i % 17}`,
      offeredAt: new Date(offered).toISOString(),
      answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
      endedAt: new Date(offered + wait * 1000 + (answered ? 180_000 : 0)).toISOString(),
      talkSeconds: answered ? 150 + (i % 30) : 0,
      holdSeconds: answered ? i % 40 : 0,
    };
  });
}

describe('graphql-jit execution', () => {
  const server = useTestServer();
  let reference: HttpServer;
  const both = async (query: string, variables?: Record<string, unknown>, key?: string | null) => {
    const jit = await postGraphQL(server.url, query, variables, key === undefined ? server.org.keys.ADMIN : key);
    const js = await postGraphQL(reference.url, query, variables, key === undefined ? server.org.keys.ADMIN : key);
    expect(jit).toEqual(js);
    return jit;
  };

  beforeAll(async () => {
    reference = await startHttpServer({
      orm: server.db.orm,
      schema: await buildAppSchema(),
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      jit: false,
    });
    expect((await server.gql(RECORD, { c: contacts() })).data.recordContacts.created).toBe(240);
  });
  afterAll(() => reference?.close());

  it('answers reports exactly as graphql-js, with fragments, aliases, directives and nested rows', async () => {
    const q = {
      range: { from: '2026-03-02T00:00:00Z', to: '2026-03-22T00:00:00Z' },
      groupBy: ['AGENT', 'CHANNEL'],
      granularity: 'DAY',
      timeZone: 'Europe/Berlin',
      compareWithPrevious: true,
    };
    const res = await both(KPIS, { q, withAgent: true });
    expect(res.errors).toBeUndefined();
    expect(res.data.kpis.rows.length).toBeGreaterThan(100);
    expect(res.data.kpis.rows[0].agent).toBeDefined();
    expect((await both(KPIS, { q: { ...q, groupBy: ['QUEUE'], granularity: 'WEEK' }, withAgent: false })).data.kpis.rows[0]).not.toHaveProperty('agent');
    await both(`{ teams { id key name } queues { key } agents { key team { key } } }`);
    await both(
      `query($r: TimeRange!) { contacts(range: $r, first: 50, filter: { channels: [VOICE, CHAT] }) {
         edges { cursor node { externalId channel direction offeredAt answeredAt waitSeconds queue { key } agent { key team { key } } } }
         pageInfo { hasNextPage endCursor } } }`,
      { r: { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' } },
    );
    await both(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }), undefined, null);
  });

  it('answers client errors exactly as graphql-js: BAD_USER_INPUT with problems, FORBIDDEN, UNAUTHENTICATED (401), variables', async () => {
    const invalid = { ...contacts()[0], externalId: 'jit-bad', endedAt: '2026-03-01T00:00:00Z' };
    const problems = await both(RECORD, { c: [invalid] });
    expect(problems.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ field: expect.any(String) })] });

    const reversed = await both(KPIS, { q: { range: { from: '2026-03-10T00:00:00Z', to: '2026-03-01T00:00:00Z' } }, withAgent: false });
    expect(reversed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    expect((await both('{ queues { key } }', undefined, server.org.keys.INGEST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const anonymous = await both('{ queues { key } }', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });

    const coercion = await both(KPIS, { q: { range: { from: 'yesterday', to: '2026-03-01T00:00:00Z' }, groupBy: ['DESK'] }, withAgent: true });
    expect(coercion.status).toBe(400);
    expect(coercion.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('marks every GraphQL answer no-store (without Apollo\'s per-field cache-control hooks)', async () => {
    for (const body of [{ query: '{ queues { key } }' }, { query: '{ queues { nope } }' }, { query: '{' }]) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.org.keys.ADMIN}` },
        body: JSON.stringify(body),
      });
      expect(response.headers.get('cache-control'), body.query).toBe('no-store');
    }
  });

  it('sends GraphQL answers without an ETag or X-Powered-By, while the widget assets keep their ETag and 304', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.org.keys.ADMIN}` },
      body: JSON.stringify({ query: '{ queues { key } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');

    const asset = `${new URL(server.url).origin}/widget/survey.js`;
    const first = await fetch(asset);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('x-powered-by')).toBeNull();
    // (fetch adds cache-control: no-cache to a conditional request unless one is given)
    expect((await fetch(asset, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } })).status).toBe(304);
  });

  it('masks internal errors exactly as graphql-js does', async () => {
    const db = server.db.orm.em.fork().getConnection();
    await db.execute('alter table contact_rollup_day_total rename to contact_rollup_day_total_away');
    try {
      const res = await both(KPIS, { q: { range: { from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' } }, withAgent: false });
      expect(res.errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 53 }], path: ['kpis'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
    } finally {
      await db.execute('alter table contact_rollup_day_total_away rename to contact_rollup_day_total');
    }
  });
});
