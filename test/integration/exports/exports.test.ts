import { parse as parseCsv } from 'csv-parse/sync';
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, type GraphQLResponse } from '../../support/server';

const json = (response: Response): Promise<any> => response.json();

const RECORD = `mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { created } }`;
const CONTACT_FIELDS = `id externalId channel direction queue { key } team { key } agent { key } customerRef offeredAt answeredAt
  endedAt waitSeconds talkSeconds holdSeconds afterContactWorkSeconds transfers resolved disposition firstContactResolved`;
const CONTACTS = `query($range: TimeRange!, $filter: ContactFilter, $answered: Boolean, $minWaitSeconds: Int, $after: String) {
  contacts(range: $range, filter: $filter, answered: $answered, minWaitSeconds: $minWaitSeconds, first: 500, after: $after) {
    edges { node { ${CONTACT_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

const DAY = '2026-03-02';
const RANGE = { from: `${DAY}T00:00:00Z`, to: '2026-03-04T00:00:00Z' };
/** More contacts than one FETCH (1,000), so the cursor is read several times. */
const COUNT = 2_300;

const at = (ms: number) => new Date(ms).toISOString();

function contact(i: number, prefix = 'c') {
  const offered = Date.parse(`${DAY}T08:00:00Z`) + i * 37_000; // spreads over two days
  const answered = i % 4 !== 0;
  const wait = 3 + (i % 50);
  return {
    externalId: `${prefix}-${i}`,
    channel: (['VOICE', 'CHAT', 'EMAIL', 'MESSAGING'] as const)[i % 4],
    queue: i % 3 === 0 ? 'billing' : 'sales, "east"', // a key CSV must quote
    team: answered ? (i % 2 ? 'north' : 'south') : null,
    agent: answered ? `agent-${i % 7}` : null,
    customerRef: i % 5 === 0 ? null : `cust-${i % 300}`,
    offeredAt: at(offered),
    answeredAt: answered ? at(offered + wait * 1000) : null,
    endedAt: at(offered + wait * 1000 + (answered ? 200_000 : 0)),
    talkSeconds: answered ? 150 + (i % 40) : 0,
    holdSeconds: i % 9,
    transfers: i % 6 === 0 ? 1 : 0,
    resolved: i % 3 === 0 ? null : i % 3 === 1,
    disposition: i % 10 === 0 ? 'line one\nline "two", three' : i % 10 === 1 ? null : 'ok',
  };
}

describe('GET /export/…', () => {
  const server = useTestServer({ limits: { maxConcurrentExports: 2 } });
  const base = () => server.url.replace(/\/graphql$/, '');
  let other: Awaited<ReturnType<typeof server.createOrganization>>;

  beforeAll(async () => {
    for (let i = 0; i < COUNT; i += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, COUNT - i) }, (_, j) => contact(i + j));
      const res = await server.gql(RECORD, { contacts: batch });
      expect(res.errors).toBeUndefined();
    }
    other = await server.createOrganization('other');
    const res = await server.gql(RECORD, { contacts: [contact(1, 'other'), contact(2, 'other')] }, other.keys.ADMIN);
    expect(res.errors).toBeUndefined();
  }, 120_000);

  const download = (path: string, params: Record<string, unknown>, key: string | null = server.org.keys.ANALYST) => {
    const search = new URLSearchParams(
      Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]),
    );
    return fetch(`${base()}/export/${path}?${search}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  };

  /** Every contact `contacts` answers, page after page, flattened as the export's columns. */
  async function contactsByGraphQL(variables: Record<string, unknown>, key = server.org.keys.ANALYST) {
    const rows: Array<Record<string, unknown>> = [];
    let after: string | null = null;
    do {
      const res: GraphQLResponse = await server.gql(CONTACTS, { ...variables, after }, key);
      expect(res.errors).toBeUndefined();
      for (const { node } of res.data.contacts.edges) {
        rows.push({ ...node, queue: node.queue.key, team: node.team?.key ?? null, agent: node.agent?.key ?? null });
      }
      after = res.data.contacts.pageInfo.hasNextPage ? res.data.contacts.pageInfo.endCursor : null;
    } while (after);
    return rows;
  }

  /** A CSV cell back as the JSON value GraphQL gives: '' is null, numbers and booleans by column. */
  const NUMERIC = new Set(['waitSeconds', 'talkSeconds', 'holdSeconds', 'afterContactWorkSeconds', 'transfers']);
  const BOOLEAN = new Set(['resolved', 'firstContactResolved']);
  function typed(record: Record<string, string>) {
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [k, v === '' ? null : NUMERIC.has(k) ? Number(v) : BOOLEAN.has(k) ? v === 'true' : v]),
    );
  }

  it('contacts.csv is RFC 4180 with a header row and equals every contact of `contacts`, in its order', async () => {
    const response = await download('contacts.csv', { query: { range: RANGE } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="contacts.csv"');
    const text = await response.text();
    expect(text.startsWith('id,externalId,channel,direction,queue,team,agent,customerRef,offeredAt,answeredAt,endedAt,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain('"sales, ""east"""'); // quoted, quotes doubled
    expect(text).toContain('"line one\nline ""two"", three"'); // a line break inside a quoted field
    const records = parseCsv(text, { columns: true, record_delimiter: '\r\n' }) as Array<Record<string, string>>;
    const expected = await contactsByGraphQL({ range: RANGE });
    expect(expected).toHaveLength(COUNT);
    expect(records.map(typed)).toEqual(expected);
  });

  it('contacts.ndjson gives the same rows, one JSON object a line, with the filters of `contacts`', async () => {
    const variables = { range: RANGE, filter: { channels: ['VOICE', 'CHAT'] }, answered: true, minWaitSeconds: 20 };
    const response = await download('contacts.ndjson', { query: variables });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    const expected = await contactsByGraphQL(variables);
    expect(expected.length).toBeGreaterThan(100);
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
  });

  it("an organization's export holds only its own contacts", async () => {
    const response = await download('contacts.ndjson', { query: { range: RANGE } }, other.keys.ANALYST);
    const ids = (await response.text()).trim().split('\n').map((line) => JSON.parse(line).externalId);
    expect(ids.sort()).toEqual(['other-1', 'other-2']);
  });

  it('refuses as GraphQL does: the same messages, no key 401, the INGEST role 403', async () => {
    const graphqlError = async (variables: Record<string, unknown>, key: string | null = server.org.keys.ANALYST) => {
      const res = await server.gql(CONTACTS, variables, key);
      return res.errors![0]!;
    };
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ range: { from: RANGE.to, to: RANGE.from } }, 400], // the service's rule
      [{ range: { from: 'yesterday', to: RANGE.to } }, 400], // GraphQL's coercion
      [{ range: RANGE, filter: { queueIds: ['x'] } }, 400],
      [{ range: RANGE, minWaitSeconds: -1 }, 400],
      [{}, 400],
    ];
    for (const [variables, status] of cases) {
      const response = await download('contacts.csv', { query: variables });
      expect(response.status).toBe(status);
      const body = await json(response);
      const expected = await graphqlError(variables);
      expect(body.errors[0].message).toBe(expected.message);
      expect(body.errors[0].extensions.code).toBe(expected.extensions!.code);
    }
    const anonymous = await download('contacts.csv', { query: { range: RANGE } }, null);
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).errors[0].message).toBe((await graphqlError({ range: RANGE }, null)).message);
    const ingest = await download('contacts.csv', { query: { range: RANGE } }, server.org.keys.INGEST);
    expect(ingest.status).toBe(403);
    expect((await json(ingest)).errors[0].message).toBe((await graphqlError({ range: RANGE }, server.org.keys.INGEST)).message);

    const unknown = await download('contacts.csv', { query: { range: RANGE, first: 10 } });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).errors[0].message).toMatch(/^query: "first" not arguments of contacts/);
    const notJson = await download('contacts.csv', { query: '{range' });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).errors[0].message).toMatch(/^query: not JSON/);
    expect((await download('contacts.xlsx', { query: { range: RANGE } })).status).toBe(404);
  });

  const KPIS = `query($query: KpiQuery!) { kpis(query: $query) { rows {
    periodStart periodEnd queue { key } channel offered answered serviceLevel averageSpeedOfAnswer } } }`;

  it('kpis.csv: periods, labels in the zone, grouped keys, then the fields asked for, equal to `kpis`', async () => {
    const query = { range: RANGE, timeZone: 'America/New_York', groupBy: ['QUEUE', 'CHANNEL'], granularity: 'DAY' };
    const response = await download('kpis.csv', { query, fields: 'offered,answered,serviceLevel,averageSpeedOfAnswer' });
    expect(response.status).toBe(200);
    const text = await response.text();
    const [header, ...records] = parseCsv(text, { record_delimiter: '\r\n' }) as string[][];
    expect(header).toEqual(['periodStart', 'periodEnd', 'periodLabel', 'channel', 'queue', 'offered', 'answered', 'serviceLevel', 'averageSpeedOfAnswer']);
    const res = await server.gql(KPIS, { query }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const rows = res.data.kpis.rows as Array<Record<string, any>>;
    expect(rows.length).toBeGreaterThan(4);
    const cell = (v: unknown) => (v === null ? '' : String(v));
    expect(records).toEqual(
      rows.map((r) => [
        r.periodStart, r.periodEnd,
        // New York days: the range starts at 19:00 on 1 March local time.
        { '2026-03-01T05:00:00.000Z': '2026-03-01', '2026-03-02T05:00:00.000Z': '2026-03-02', '2026-03-03T05:00:00.000Z': '2026-03-03' }[r.periodStart as string] ?? '?',
        r.channel, r.queue.key, r.offered, r.answered, r.serviceLevel, r.averageSpeedOfAnswer,
      ].map(cell)),
    );
  });

  it('kpis.ndjson without fields has every metric; bad fields and queries are refused as GraphQL refuses them', async () => {
    const response = await download('kpis.ndjson', { query: { range: RANGE } });
    expect(response.status).toBe(200);
    const [row, ...more] = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(more).toEqual([]);
    expect(row).toMatchObject({ periodStart: null, periodEnd: null, periodLabel: null, offered: COUNT });
    expect(Object.keys(row)).toContain('netPromoterScore');

    const unknown = await download('kpis.csv', { query: { range: RANGE }, fields: 'offered,previous,nope' });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).errors[0].message).toMatch(/^fields: "previous", "nope" not KpiRow metrics; choose among offered, /);

    const bad = { range: RANGE, timeZone: 'Mars/Olympus', groupBy: ['PLANET'] };
    for (const query of [bad, { ...bad, groupBy: null }, { ...bad, timeZone: null, granularity: 'FIFTEEN_MINUTES', range: { from: RANGE.from, to: '2026-12-01T00:00:00Z' } }]) {
      const refused = await download('kpis.csv', { query });
      expect(refused.status).toBe(400);
      const graphql = await server.gql(`query($query: KpiQuery!) { kpis(query: $query) { total { offered } } }`, { query }, server.org.keys.ANALYST);
      expect((await json(refused)).errors[0].message).toBe(graphql.errors![0]!.message);
    }
  });

  it('a client that leaves closes the cursor and frees its slot; exports beyond MAX_CONCURRENT_EXPORTS wait their turn', async () => {
    // 200,000 contacts (30 MB of CSV) written directly: far more than socket buffers hold, so a reader that stops holds the cursor open.
    const bulk = await server.createOrganization('bulk');
    const BULK_RANGE = { from: '2026-03-02T00:00:00Z', to: '2026-03-06T00:00:00Z' };
    const db = server.db.orm.em.fork().getConnection();
    await db.execute(`insert into queue (organization_id, key, name) values (?, 'q', 'Q')`, [bulk.id]);
    await db.execute(
      `insert into contact (organization_id, external_id, channel, direction, queue_id, offered_at, ended_at, wait_seconds,
         talk_seconds, hold_seconds, after_contact_work_seconds, transfers)
       select ?, 'bulk-' || g, 'VOICE', 'INBOUND', (select id from queue where organization_id = ?),
         timestamptz '2026-03-02 08:00Z' + g * interval '1 second', timestamptz '2026-03-02 08:00Z' + g * interval '1 second', 0, 0, 0, 0, 0
       from generate_series(1, 200000) g`,
      [bulk.id, bulk.id],
    );
    const url = `${base()}/export/contacts.csv?query=${encodeURIComponent(JSON.stringify({ range: BULK_RANGE }))}`;
    const held: http.ClientRequest[] = [];
    const hold = () =>
      new Promise<void>((resolve, reject) => {
        const request = http.get(url, { headers: { authorization: `Bearer ${bulk.keys.ANALYST}` } }, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => response.pause()); // read one chunk, then nothing
          resolve();
        });
        request.on('error', () => {}); // destroyed below
        request.once('error', reject);
        held.push(request);
      });
    const openCursors = async () =>
      (await db.execute(`select state from pg_stat_activity where datname = current_database() and query ilike 'fetch % from export_rows'`)) as Array<{ state: string }>;
    /** Waits until `check` holds on `times` polls in a row (100 ms apart), for up to 30 s. */
    const until = async (check: () => Promise<boolean>, times = 1) => {
      let streak = 0;
      for (let i = 0; i < 300 && streak < times; i++) {
        streak = (await check()) ? streak + 1 : 0;
        if (streak < times) await new Promise((r) => setTimeout(r, 100));
      }
      expect(streak).toBe(times);
    };

    try {
      await hold();
      await hold();
      // Both wait on their clients (back-pressure), each inside its transaction with its cursor open, for a whole second.
      await until(async () => (await openCursors()).filter((c) => c.state === 'idle in transaction').length === 2, 10);
      const third = await download('contacts.csv', { query: { range: BULK_RANGE } }, bulk.keys.ANALYST);
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('2');
      expect((await json(third)).errors[0].extensions).toMatchObject({ code: 'SERVER_BUSY', limit: 'MAX_CONCURRENT_EXPORTS' });
    } finally {
      for (const request of held) request.destroy();
    }
    await until(async () => (await openCursors()).every((c) => c.state === 'idle'));
    const after = await download('contacts.csv', { query: { range: BULK_RANGE } }, bulk.keys.ANALYST);
    expect(after.status).toBe(200);
    expect((await after.text()).trimEnd().split('\r\n')).toHaveLength(200_001);
  }, 120_000);
});

describe('GET /export/… under RATE_LIMIT_PER_MINUTE', () => {
  const server = useTestServer({ limits: { rateLimitPerMinute: 2 } });

  it('counts downloads per key as /graphql counts requests, answering 429 with Retry-After past it', async () => {
    const url = `${server.url.replace(/\/graphql$/, '')}/export/contacts.csv?query=${encodeURIComponent(JSON.stringify({ range: RANGE }))}`;
    const get = () => fetch(url, { headers: { authorization: `Bearer ${server.org.keys.ANALYST}` } });
    expect((await get()).status).toBe(200);
    const graphql = await server.gql('{ queues { key } }', {}, server.org.keys.ANALYST);
    expect(graphql.errors).toBeUndefined();
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(refused)).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_PER_MINUTE' });
  });
});
