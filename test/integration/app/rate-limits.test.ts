import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../src/app/http';
import { createLogger } from '../../../src/platform/logger';
import { buildAppSchema } from '../../../src/app/schema';
import { keyOfSecret } from '../../../src/app/rate-limits';
import { useTestServer } from '../../support/server';

/** Small limits so a test reaches them; TRUST_PROXY so each test can speak from addresses of its own. */
const LIMITS = { rateLimitPerMinute: 5, authFailuresPerMinute: 3, surveyRateLimitPerMinute: 2, trustProxy: true };

const server = useTestServer({ limits: LIMITS });

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
}

/** POSTs a GraphQL request from a client address (through X-Forwarded-For, which TRUST_PROXY reads). */
async function post(url: string, query: string, { key, from }: { key?: string; from: string }): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': from,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

async function times(n: number, send: () => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) answers.push(await send()); // in turn: each count is known before the next
  return answers;
}

function expectRateLimited(answer: Answer, limit: string, limitPerMinute: number): void {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0].extensions).toEqual({ code: 'RATE_LIMITED', limit, limitPerMinute, retryAfterSeconds: retryAfter });
  expect(answer.body.errors![0].message).toContain(`at most ${limitPerMinute} `);
  expect(answer.body.errors![0].message).toContain(`(${limit}); retry in ${retryAfter} s`);
  expect(answer.headers.get('access-control-expose-headers')).toContain('Retry-After'); // browsers may read it
}

const SUBMIT = (alias = 'a') => `${alias}: submitSurveyResponse(input: { token: "no-such-token", csat: 5 }) { id }`;
const NEEDS_KEY = '{ surveyAutoInvite { samplingRate } }';

describe('rate limits', () => {
  describe('per API key (RATE_LIMIT_PER_MINUTE)', () => {
    it('answers 429 RATE_LIMITED with Retry-After past the limit, and counts down in RateLimit headers before', async () => {
      const { keys } = await server.createOrganization('per-key');
      const answers = await times(6, () => post(server.url, '{ __typename }', { key: keys.ADMIN, from: '198.51.100.1' }));
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.slice(0, 5).map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
      expect(answers[0].headers.get('ratelimit-limit')).toBe('5');
      expectRateLimited(answers[5], 'RATE_LIMIT_PER_MINUTE', 5);
      expect(answers[5].body.errors![0].message).toContain('requests per minute per API key');
    });

    it('counts each key apart, wherever its requests come from', async () => {
      const { keys } = await server.createOrganization('two-keys');
      await times(5, () => post(server.url, '{ __typename }', { key: keys.ADMIN, from: '198.51.100.2' }));
      expect((await post(server.url, '{ __typename }', { key: keys.ADMIN, from: '198.51.100.3' })).status).toBe(429);
      const other = await post(server.url, '{ __typename }', { key: keys.ANALYST, from: '198.51.100.2' });
      expect(other.status).toBe(200);
      expect(other.body.data).toEqual({ __typename: 'Query' });
    });

    it('stores a hash of the key, never the secret', async () => {
      const { keys } = await server.createOrganization('stored-keys');
      await post(server.url, '{ __typename }', { key: keys.INGEST, from: '198.51.100.4' });
      const rows: Array<{ key: string; points: number }> = await server.db.orm.em.fork().execute('select key, points from rate_limit');
      expect(rows).toContainEqual({ key: `key:${keyOfSecret(keys.INGEST)}`, points: 1 });
      expect(rows.some((row) => row.key.includes(keys.INGEST))).toBe(false);
    });

    it('counts requests without a key under their client address', async () => {
      const answers = await times(6, () => post(server.url, '{ __typename }', { from: '198.51.100.5' }));
      expect(answers.slice(0, 5).every((a) => a.status === 200)).toBe(true);
      expectRateLimited(answers[5], 'RATE_LIMIT_PER_MINUTE', 5);
      expect(answers[5].body.errors![0].message).toContain('requests without an API key per minute per client address');
      expect((await post(server.url, '{ __typename }', { from: '198.51.100.6' })).status).toBe(200);
    });

    it('never counts a CORS preflight', async () => {
      for (let i = 0; i < 7; i++) {
        const preflight = await fetch(server.url, { method: 'OPTIONS', headers: { 'x-forwarded-for': '198.51.100.7' } });
        expect(preflight.status).toBe(204);
      }
      expect((await post(server.url, '{ __typename }', { from: '198.51.100.7' })).headers.get('ratelimit-remaining')).toBe('4');
    });
  });

  describe('failed authentication per client address (AUTH_FAILURES_PER_MINUTE)', () => {
    it('refuses keyed requests from an address with 3 failures before looking the key up; other addresses go on', async () => {
      const { keys } = await server.createOrganization('auth-failures');
      const em = server.db.orm.em.fork();
      await em.execute("update api_key set revoked_at = now() where organization_id = (select id from organization where slug = 'auth-failures') and role = 'INGEST'");
      const from = '203.0.113.10';
      const failures = [
        await post(server.url, NEEDS_KEY, { key: 'cp_unknown-1', from }),
        await post(server.url, NEEDS_KEY, { key: 'cp_unknown-2', from }),
        await post(server.url, NEEDS_KEY, { key: keys.INGEST, from }), // revoked: a failure too
      ];
      expect(failures.map((a) => [a.status, a.body.errors?.[0].extensions?.code])).toEqual([
        [401, 'UNAUTHENTICATED'],
        [401, 'UNAUTHENTICATED'],
        [401, 'UNAUTHENTICATED'],
      ]);
      const refused = await post(server.url, NEEDS_KEY, { key: keys.ADMIN, from });
      expectRateLimited(refused, 'AUTH_FAILURES_PER_MINUTE', 3);
      expect(refused.body.errors![0].message).toContain('failed authentications per minute per client address');

      const elsewhere = await post(server.url, NEEDS_KEY, { key: keys.ADMIN, from: '203.0.113.11' });
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.body.data.surveyAutoInvite.samplingRate).toBe(0);
      // Without a key nothing is looked up, so the address may still ask what needs none.
      expect((await post(server.url, '{ __typename }', { from })).status).toBe(200);
    });

    it('does not count a valid key', async () => {
      const { keys } = await server.createOrganization('auth-ok');
      const from = '203.0.113.12';
      await times(4, () => post(server.url, NEEDS_KEY, { key: keys.ADMIN, from }));
      expect((await post(server.url, NEEDS_KEY, { key: keys.ANALYST, from })).status).toBe(200);
    });

    it('counts an unknown key even where the request needed none (the key is checked before the body is read)', async () => {
      const { keys } = await server.createOrganization('auth-unused');
      const from = '203.0.113.13';
      await times(3, () => post(server.url, '{ __typename }', { key: 'cp_unknown-but-unused', from }));
      expectRateLimited(await post(server.url, NEEDS_KEY, { key: keys.ANALYST, from }), 'AUTH_FAILURES_PER_MINUTE', 3);
    });
  });

  describe('survey submissions per client address (SURVEY_RATE_LIMIT_PER_MINUTE)', () => {
    it('refuses the third submission of a minute from one address with 429, before it runs', async () => {
      const from = '192.0.2.20';
      const answers = await times(3, () => post(server.url, `mutation { ${SUBMIT()} }`, { from }));
      expect(answers.slice(0, 2).map((a) => [a.status, a.body.errors?.[0].extensions?.code])).toEqual([
        [200, 'FORBIDDEN'], // an unknown token, answered: the submission ran
        [200, 'FORBIDDEN'],
      ]);
      expectRateLimited(answers[2], 'SURVEY_RATE_LIMIT_PER_MINUTE', 2);
      expect(answers[2].body.data).toBeUndefined();
      expect((await post(server.url, `mutation { ${SUBMIT()} }`, { from: '192.0.2.21' })).body.errors?.[0].extensions?.code).toBe(
        'FORBIDDEN',
      );
    });

    it('counts every aliased submission of one request', async () => {
      const answer = await post(server.url, `mutation { ${SUBMIT('a')} ${SUBMIT('b')} ${SUBMIT('c')} }`, { from: '192.0.2.22' });
      expectRateLimited(answer, 'SURVEY_RATE_LIMIT_PER_MINUTE', 2);
    });

    it('leaves other anonymous requests of that address alone', async () => {
      const from = '192.0.2.23';
      await times(2, () => post(server.url, `mutation { ${SUBMIT()} }`, { from }));
      const status = await post(server.url, '{ surveyInvitationStatus(token: "no-such-token") }', { from });
      expect(status.status).toBe(200);
      expect(status.body.data).toEqual({ surveyInvitationStatus: 'UNKNOWN' });
    });
  });

  describe('across instances', () => {
    it('shares the counts of two servers on one database', async () => {
      const second = await startHttpServer({
        orm: server.db.orm,
        schema: await buildAppSchema(),
        logger: createLogger('silent'),
        port: 0,
        host: '127.0.0.1',
        limits: LIMITS,
      });
      try {
        const secondUrl = `http://127.0.0.1:${second.port}/graphql`;
        const { keys } = await server.createOrganization('two-instances');
        const ask = (url: string) => post(url, '{ __typename }', { key: keys.ADMIN, from: '198.51.100.30' });
        const answers = [await ask(server.url), await ask(secondUrl), await ask(server.url), await ask(secondUrl), await ask(secondUrl)];
        expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
        expectRateLimited(await ask(server.url), 'RATE_LIMIT_PER_MINUTE', 5);
        expectRateLimited(await ask(secondUrl), 'RATE_LIMIT_PER_MINUTE', 5);

        const from = '203.0.113.31';
        await post(server.url, NEEDS_KEY, { key: 'cp_unknown-a', from });
        await post(secondUrl, NEEDS_KEY, { key: 'cp_unknown-b', from });
        await post(server.url, NEEDS_KEY, { key: 'cp_unknown-c', from });
        expectRateLimited(await post(secondUrl, NEEDS_KEY, { key: keys.ANALYST, from }), 'AUTH_FAILURES_PER_MINUTE', 3);
      } finally {
        await second.close();
      }
    });
  });
});

describe('rate limits set to 0', () => {
  const unlimited = useTestServer({ limits: { rateLimitPerMinute: 0, authFailuresPerMinute: 0, surveyRateLimitPerMinute: 0, trustProxy: true } });

  it('refuse nothing and keep no counts', async () => {
    const from = '198.51.100.40';
    const keyed = await times(8, () => post(unlimited.url, '{ __typename }', { key: unlimited.org.keys.ADMIN, from }));
    const failures = await times(5, () => post(unlimited.url, NEEDS_KEY, { key: 'cp_unknown', from }));
    const surveys = await times(4, () => post(unlimited.url, `mutation { ${SUBMIT()} }`, { from }));
    expect(keyed.every((a) => a.status === 200 && a.headers.get('ratelimit-limit') === null)).toBe(true);
    expect(failures.every((a) => a.status === 401)).toBe(true);
    expect(surveys.every((a) => a.status === 200)).toBe(true);
    expect((await post(unlimited.url, NEEDS_KEY, { key: unlimited.org.keys.ADMIN, from })).status).toBe(200);
    const rows: Array<{ n: number }> = await unlimited.db.orm.em.fork().execute('select count(*)::int as n from rate_limit');
    expect(rows[0].n).toBe(0);
  });
});
