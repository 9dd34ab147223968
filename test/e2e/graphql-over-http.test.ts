import { serverAudits, type Audit, type AuditResult } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server';

/**
 * The graphql-http audit suite (the reference implementation of the
 * GraphQL-over-HTTP spec) run against the real HTTP server, one test per audit.
 * Every MUST passes. SHOULD and MAY audits are asserted too, with the few that
 * this server knowingly does not meet pinned in KNOWN_GAPS (as `it.fails`), so
 * that a change in either direction shows up.
 */

const server = useTestServer();

/**
 * Apollo Server answers 400 to parse, validation and variable-coercion errors
 * whatever the Accept header; the spec recommends 200 for `application/json`
 * (legacy clients) and 400 only for `application/graphql-response+json`.
 * Clients that send the modern Accept header (graphql-http, urql, Apollo Client
 * 3.8+) get exactly what the spec asks for.
 */
const KNOWN_GAPS = new Set(['572B', 'FDE2', '7B9B']);

/** The audits query `{ __typename }`, which needs no key; a real client sends one anyway. */
const fetchWithKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('authorization', `Bearer ${server.org.keys.ADMIN}`);
  return fetch(input, { ...init, headers });
};

const audits: Audit[] = serverAudits({ url: () => server.url, fetchFn: fetchWithKey });

async function outcome(audit: Audit): Promise<string> {
  const result: AuditResult = await audit.fn();
  if (result.status === 'ok') return 'ok';
  await result.response.body?.cancel().catch(() => {});
  return `${result.status}: ${result.reason}`;
}

describe('GraphQL over HTTP: the graphql-http server audits', () => {
  for (const level of ['MUST', 'SHOULD', 'MAY'] as const) {
    describe(`${level} audits`, () => {
      for (const audit of audits.filter((a) => a.name.startsWith(`${level} `))) {
        if (KNOWN_GAPS.has(audit.id)) {
          it.fails(`[${audit.id}] ${audit.name} (known gap: Apollo answers 400)`, async () => {
            expect(await outcome(audit)).toBe('ok');
          });
        } else {
          it(`[${audit.id}] ${audit.name}`, async () => {
            expect(await outcome(audit)).toBe('ok');
          });
        }
      }
    });
  }

  it('files every audit under MUST, SHOULD or MAY, and pins only SHOULD audits as known gaps', () => {
    const levels = audits.map((a) => a.name.split(' ')[0]);
    expect(levels.filter((l) => l === 'MUST').length).toBeGreaterThanOrEqual(13);
    expect(levels.every((l) => ['MUST', 'SHOULD', 'MAY'].includes(l))).toBe(true);
    expect(KNOWN_GAPS.size).toBe(3);
    for (const id of KNOWN_GAPS) expect(audits.find((a) => a.id === id)?.name).toMatch(/^SHOULD /);
  });
});

describe('GraphQL over HTTP: GET requests', () => {
  const get = (query: string, variables?: Record<string, unknown>) => {
    const url = new URL(server.url);
    url.searchParams.set('query', query);
    if (variables) url.searchParams.set('variables', JSON.stringify(variables));
    return fetch(url, {
      headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${server.org.keys.ADMIN}` },
    });
  };
  const contactCount = async () =>
    (
      await server.db.orm.em
        .fork()
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from contact where organization_id = ?', [server.org.id])
    )[0].n;

  it('answers a query sent as GET with 200 and its data', async () => {
    const response = await get('query Queues { queues { key } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(await response.json()).toEqual({ data: { queues: [] } });
  });

  it('takes the variables of a GET query as URL-encoded JSON', async () => {
    const response = await get('query($yes: Boolean!) { __typename @include(if: $yes) }', { yes: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a mutation sent as GET with 405, an Allow: POST header, and writes nothing', async () => {
    const response = await get(
      `mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { created } }`,
      {
        contacts: [
          {
            externalId: 'get-1',
            channel: 'VOICE',
            queue: 'billing',
            offeredAt: '2026-03-02T09:00:00Z',
            endedAt: '2026-03-02T09:05:00Z',
          },
        ],
      },
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const body = (await response.json()) as { data?: unknown; errors: Array<{ message: string }> };
    expect(body.data).toBeUndefined();
    expect(body.errors[0].message).toMatch(/GET requests only support query operations/);
    expect(await contactCount()).toBe(0);
    // the same mutation over POST does write, so the count above is meaningful
    const posted = await server.gql(`mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { created } }`, {
      contacts: [{ externalId: 'post-1', channel: 'VOICE', queue: 'billing', offeredAt: '2026-03-02T09:00:00Z', endedAt: '2026-03-02T09:05:00Z' }],
    });
    expect(posted.data).toEqual({ recordContacts: { created: 1 } });
    expect(await contactCount()).toBe(1);
  });
});
