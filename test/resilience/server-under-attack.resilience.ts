import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  aliased,
  dailyAgentKpis,
  forecastStaffing,
  manyDirectives,
  monthTotalKpis,
  nestedFragments,
  nestedVersions,
  typenameFloodBody,
} from './support/attack-documents';
import { figuresTable, minMedianMax, type AttackFigures } from './support/figures';
import { startProbe, rssMb } from './support/probe';
import { postQuery, send, slowClient, type RawResponse, type SlowClient } from './support/raw-http';
import { seededTemplate, startServerUnderTest, type ServerUnderTest } from './support/seeded-server';

/**
 * Issue 15's attacks replayed against the real server (a child process with
 * the default limits) on 90 days of demo data, over loopback. Each attack runs
 * while a worker probes /healthz every 50 ms and samples the server's RSS, and
 * asserts the refusal (code, HTTP status, time) and that the server stayed
 * responsive (/healthz p99 < 200 ms) and small (RSS < 1 GB).
 */

const HEALTHZ_P99_MS = 200;
const RSS_LIMIT_MB = 1024;
/** Each attack is watched for at least this long, so a quick refusal still meets ~20 probes (and its after-effects). */
const MIN_WATCH_MS = 1_000;
/** A refusal of a small document; the issue asks for under 50 ms for a 10 MB one. */
const SMALL_REFUSAL_MS = 1_000;
const LARGE_REFUSAL_MS = 50;

const MONTH = { from: '2026-10-01T00:00:00+02:00', to: '2026-11-01T00:00:00+01:00' };
const ZONE = 'Europe/Berlin';
const REPORT_METRICS = ['offered', 'answered', 'abandoned', 'serviceLevel', 'averageSpeedOfAnswer', 'averageHandleTime', 'abandonRate', 'occupancy'];
const BATCH_PREFIX = 'res-batch-';
const CUSTOMER_PREFIX = 'res-customer-';

let server: ServerUnderTest;
let db: pg.Client;
const figures: AttackFigures[] = [];
/**
 * Each attack sends with an ADMIN key of its own: RATE_LIMIT_PER_MINUTE (600)
 * counts per key, and the sustained attacks together send more than that in a minute.
 */
let attackKey: string;
/** The sustained attacks repeat up to this many requests (below any key's per-minute limit). */
const MAX_REPEATS = 100;

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl');
  const template = await seededTemplate(adminUrl, (line) => console.log(line));
  server = await startServerUnderTest(adminUrl, template);
  db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  await givePolicyVersions(10);
}, 600_000);

afterAll(async () => {
  if (figures.length) console.log(`\nResilience figures (server RSS at start of each attack included in max):\n${figuresTable(figures)}\n`);
  await db?.end();
  await server?.stop();
});

/** Policy 1 of the demo gets versions up to `count` (the issue's probe used a policy with 10). */
async function givePolicyVersions(count: number): Promise<void> {
  const { json } = await postQuery(
    server.url,
    '{ slaPolicies { id name period timeZone serviceLevelThresholdSeconds shortAbandonSeconds versions { id } targets { metric comparator target warning weight penaltyPerBreach } } }',
    server.adminKey,
  );
  const policy = json.data.slaPolicies[0];
  for (let version = policy.versions.length; version < count; version++) {
    const input = {
      name: policy.name,
      period: policy.period,
      timeZone: policy.timeZone,
      serviceLevelThresholdSeconds: policy.serviceLevelThresholdSeconds,
      shortAbandonSeconds: policy.shortAbandonSeconds,
      targets: policy.targets,
      effectiveFrom: new Date(Date.UTC(2026, version - 1, 1)).toISOString(),
    };
    const response = await postQuery(server.url, 'mutation($id: ID!, $input: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { id } }', server.adminKey, {
      id: policy.id,
      input,
    });
    if (!response.json?.data) throw new Error(`updateSlaPolicy failed: ${JSON.stringify(response.json)}`);
  }
}

/**
 * Runs `attack` while the probe watches; records its figures and asserts the
 * server stayed responsive and under 1 GB. Returns what the attack returned.
 */
async function underAttack<T>(name: string, attack: () => Promise<{ result: T; outcome: string; responseMs: number[] }>): Promise<T> {
  const created = await postQuery(server.url, 'mutation($name: String!) { createApiKey(name: $name, role: ADMIN) { secret } }', server.adminKey, { name: name.slice(0, 100) });
  if (!created.json?.data?.createApiKey) {
    throw new Error(`${name}: the server could not create the attack's key: HTTP ${created.status} ${JSON.stringify(created.json) ?? '(not JSON)'}`);
  }
  attackKey = created.json.data.createApiKey.secret;
  const probe = startProbe(server.healthzUrl, server.pid);
  const started = performance.now();
  let outcome: Awaited<ReturnType<typeof attack>>;
  try {
    outcome = await attack();
  } catch (error) {
    await probe.stop();
    throw error;
  }
  const rest = MIN_WATCH_MS - (performance.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const watched = await probe.stop();
  figures.push({
    attack: name,
    outcome: outcome.outcome,
    responseMs: outcome.responseMs,
    healthz: watched.healthz,
    healthzFailures: watched.failures.length,
    maxRssMb: watched.maxRssMb,
  });
  expect.soft(watched.healthz.p99, `${name}: /healthz p99 (ms) while under attack`).toBeLessThan(HEALTHZ_P99_MS);
  expect.soft(watched.failures, `${name}: /healthz probes that failed`).toEqual([]);
  expect.soft(watched.maxRssMb, `${name}: server RSS (MB)`).toBeLessThan(RSS_LIMIT_MB);
  return outcome.result;
}

/** The first error's code and the limit it names, as a short outcome text. */
function describe_(response: RawResponse): string {
  const error = response.json?.errors?.[0];
  const extensions = error?.extensions ?? {};
  const limit = extensions.limit ? ` (${extensions.limit} ${extensions.actual ?? '?'} > ${extensions.max ?? '?'})` : '';
  return `${response.status || response.error} ${extensions.code ?? (error ? 'no code' : 'data')}${limit}`;
}

function expectTooComplex(response: RawResponse, limit?: string | RegExp): void {
  expect(response.status, JSON.stringify(response.json ?? response.error)?.slice(0, 500)).toBe(400);
  const extensions = response.json?.errors?.[0]?.extensions;
  expect(extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', category: 'BAD_USER_INPUT' });
  if (limit) expect(extensions.limit).toMatch(limit);
}

/**
 * Sends the same request `times` times in a row, and on until MIN_WATCH_MS
 * have passed (a sustained attack, not one shot); each answer is checked by `check`.
 */
async function repeated(times: number, request: () => Promise<RawResponse>, check: (response: RawResponse) => void) {
  const responses: RawResponse[] = [];
  const started = performance.now();
  for (let i = 0; i < times || (performance.now() - started < MIN_WATCH_MS && i < MAX_REPEATS); i++) {
    const response = await request();
    check(response);
    responses.push(response);
  }
  return { result: responses, outcome: describe_(responses[0]), responseMs: responses.map((r) => r.ms) };
}

describe('slow clients (started first, checked at the end: they overlap the other attacks)', () => {
  const slowHeaders: SlowClient[] = [];
  const slowBodies: SlowClient[] = [];

  beforeAll(() => {
    for (let i = 0; i < 10; i++) {
      // headers that never end: headersTimeout must cut them
      slowHeaders.push(slowClient(server.port, 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaa\r\n', 500));
      // a complete head announcing 1 MB, then a byte a second: requestTimeout must cut it
      slowBodies.push(
        slowClient(
          server.port,
          `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.adminKey}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`,
          ' ',
          1_000,
        ),
      );
    }
  });

  afterAll(() => [...slowHeaders, ...slowBodies].forEach((client) => client.destroy()));

  describe('the attacks', () => {
    it('10 aliased 52-week staffing forecasts of a month are refused before running', async () => {
      await underAttack('10 × staffing FORECAST 52 weeks (month, 15 min)', () =>
        repeated(3, () => postQuery(server.url, aliased(10, forecastStaffing(MONTH.from, MONTH.to)), attackKey), (response) => {
          expectTooComplex(response, 'cost');
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
        }),
      );
    });

    it('20 aliased 52-week staffing forecasts are refused before running', async () => {
      await underAttack('20 × staffing FORECAST 52 weeks (month, 15 min)', () =>
        repeated(3, () => postQuery(server.url, aliased(20, forecastStaffing(MONTH.from, MONTH.to)), attackKey), (response) => {
          expectTooComplex(response);
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
        }),
      );
    });

    it('1,000 aliased month totals of kpis are refused before running', async () => {
      await underAttack('1,000 × kpis month total', () =>
        repeated(3, () => postQuery(server.url, aliased(1_000, monthTotalKpis(MONTH.from, MONTH.to, ZONE)), attackKey), (response) => {
          expectTooComplex(response);
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
        }),
      );
    });

    it('one report of thousands of rows is answered, quickly and whole', async () => {
      const responses = await underAttack('kpis 90 days by DAY × AGENT (thousands of rows), ×3', () =>
        repeated(
          3,
          () => postQuery(server.url, `{ ${dailyAgentKpis('2026-09-02T00:00:00+02:00', '2026-12-01T00:00:00+01:00', ZONE, REPORT_METRICS)} }`, attackKey),
          (response) => {
            expect(response.status).toBe(200);
            expect(response.json?.errors).toBeUndefined();
            expect(response.json.data.kpis.rows.length).toBeGreaterThan(2_000);
          },
        ),
      );
      figures.at(-1)!.outcome = `200, ${responses[0].json.data.kpis.rows.length} rows, ${Math.round(responses[0].bytes / 1024)} KB`;
    });

    it('200 aliases of that report are refused by their cost', async () => {
      await underAttack('200 × kpis 90 days by DAY × AGENT', () =>
        repeated(
          3,
          () => postQuery(server.url, aliased(200, dailyAgentKpis('2026-09-02T00:00:00+02:00', '2026-12-01T00:00:00+01:00', ZONE, REPORT_METRICS)), attackKey),
          (response) => {
            expectTooComplex(response);
            expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
          },
        ),
      );
    });

    it('slaPolicies { versions { versions … } } 7 deep over 10 versions is refused or answered flat, quickly', async () => {
      await underAttack('slaPolicies versions 7 deep (10 versions)', () =>
        repeated(3, () => postQuery(server.url, nestedVersions(7), attackKey), (response) => {
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
          if (response.status === 200) {
            // a version's own versions are empty: nothing multiplies
            const versions = response.json.data.slaPolicies[0].versions;
            expect(versions.length).toBe(10);
            for (const version of versions) expect(version.versions).toEqual([]);
          } else expect(response.status).toBe(400);
        }),
      );
    });

    it('an anonymous 10.9 MB body of 550,000 __typename aliases, 4 at once, is refused by the body limit', async () => {
      const body = Buffer.from(typenameFloodBody(550_000));
      expect(body.length).toBeGreaterThan(10_500_000);
      await underAttack('anonymous 10.9 MB of __typename aliases ×4 concurrent', async () => {
        const responses = await Promise.all([1, 2, 3, 4].map(() => send({ url: server.url, body })));
        for (const response of responses) {
          expect(response.status, response.error ?? JSON.stringify(response.json)).toBe(413);
          expect(response.json?.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
        }
        return { result: responses, outcome: describe_(responses[0]), responseMs: responses.map((r) => r.ms) };
      });
    });

    it('a 10 MB document with a valid key is refused in under 50 ms', async () => {
      const body = Buffer.from(typenameFloodBody(510_000));
      expect(body.length).toBeGreaterThan(10_000_000);
      const responses = await underAttack('10 MB document with a valid key (×5)', () =>
        repeated(5, () => send({ url: server.url, body, key: attackKey }), () => {}),
      );
      const seen = responses.map((response) => (response.status ? describe_(response) : `no answer (${response.error})`));
      const counts = new Map<string, number>();
      for (const what of seen) counts.set(what, (counts.get(what) ?? 0) + 1);
      figures.at(-1)!.outcome = [...counts].map(([what, count]) => `${count} × ${what}`).join('; ');
      // the refusal must reach the client: a reset before the answer is read is no refusal it can act on
      for (const response of responses) expectTooComplex(response);
      // the median of five: one slow sample on a shared 2-core machine is not the server's doing
      expect(minMedianMax(responses.map((response) => response.ms)).median).toBeLessThan(LARGE_REFUSAL_MS);
    });

    it('deep nesting (200 levels of versions; 2,000 nested fragments) is refused before running', async () => {
      await underAttack('deep nesting: versions ×200, fragments ×2,000', async () => {
        const versions = await postQuery(server.url, nestedVersions(200), attackKey);
        const fragments = await postQuery(server.url, nestedFragments(2_000), attackKey);
        for (const [what, response] of [['200 levels of versions', versions], ['2,000 nested fragments', fragments]] as const) {
          expect.soft(response.status, `${what}: ${JSON.stringify(response.json)}`).toBe(400);
          expect.soft(response.json?.errors?.[0]?.extensions?.code, what).toBe('QUERY_TOO_COMPLEX');
          expect.soft(response.ms, what).toBeLessThan(SMALL_REFUSAL_MS);
        }
        const said = (response: RawResponse) => `${describe_(response)}${response.status === 400 ? '' : ` "${response.json?.errors?.[0]?.message}"`}`;
        return { result: null, outcome: `versions: ${said(versions)}; fragments: ${said(fragments)}`, responseMs: [versions.ms, fragments.ms] };
      });
    });

    it('thousands of directives are refused before running', async () => {
      await underAttack('5,000 directives on one field', () =>
        repeated(3, () => postQuery(server.url, manyDirectives(5_000), attackKey), (response) => {
          expectTooComplex(response);
          expect(response.ms).toBeLessThan(SMALL_REFUSAL_MS);
        }),
      );
    });

    it('reports whose clients go away stop running in PostgreSQL', async () => {
      // a week's 52-week forecast is within MAX_QUERY_COST and takes about 2 s of many statements
      const query = `{ ${forecastStaffing('2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z')} }`;
      await underAttack('8 staffing forecasts, clients gone after 300 ms', async () => {
        const started = performance.now();
        const aborted = await Promise.all(Array.from({ length: 8 }, () => postQuery(server.url, query, attackKey, undefined, { abortAfterMs: 300 })));
        expect(aborted.map((response) => response.error ?? describe_(response))).toEqual(aborted.map(() => 'aborted by the client'));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        // from 1.3 s on: no statement of this database still working (the sweeper's and /healthz's are a few ms)
        let busySamples = 0;
        for (let i = 0; i < 15; i++) {
          const { rows } = await db.query(
            `select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state = 'active' and now() - query_start > interval '50 milliseconds'`,
            [server.databaseName],
          );
          if (rows[0].n > 0) busySamples++;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(busySamples, 'samples (of 15, 100 ms apart) with a statement running > 50 ms').toBe(0);
        return { result: null, outcome: `${busySamples}/15 samples busy after the aborts`, responseMs: [performance.now() - started] };
      });
    });

    it('concurrent contact batches re-sent: nothing lost, nothing doubled', async () => {
      const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 1_000 }, (_, i) => contact(`${BATCH_PREFIX}${b}-${i}`, b * 1_000 + i)));
      await underAttack('6 × 1,000 contacts, each sent twice at once, then re-sent', async () => {
        const first = await Promise.all([...batches, ...batches].map((contacts) => postQuery(server.url, RECORD, attackKey, { contacts })));
        const accepted = first.filter((response) => response.status === 200 && response.json?.data);
        for (const response of first) {
          // a refusal must be retryable (409/503), never a silent partial write
          if (!accepted.includes(response)) expect([409, 503]).toContain(response.status);
        }
        const again = await Promise.all(batches.map((contacts) => postQuery(server.url, RECORD, attackKey, { contacts })));
        for (const response of again) {
          expect(response.status).toBe(200);
          expect(response.json.data.recordContacts).toEqual({ received: 1_000, created: expect.any(Number), updated: 0, unchanged: expect.any(Number) });
        }
        const created = [...accepted, ...again].reduce((sum, response) => sum + response.json.data.recordContacts.created, 0);
        const { rows } = await db.query(
          `select count(*)::int as n, count(distinct external_id)::int as distinct_ids from contact where external_id like '${BATCH_PREFIX}%'`,
        );
        expect(rows[0]).toEqual({ n: 6_000, distinct_ids: 6_000 });
        expect(created).toBe(6_000);
        return {
          result: null,
          outcome: `${accepted.length}/12 accepted at once, 6,000 rows, ${created} created in all`,
          responseMs: first.map((response) => response.ms),
        };
      });
    });

    it('NUL, a lone surrogate and year 9999 are BAD_USER_INPUT naming the field', async () => {
      await underAttack('NUL / lone surrogate / year 9999 in a batch', async () => {
        const bad = [contact('res-nul', 0), contact('res-surrogate', 1), contact('res-year', 2)];
        bad[0].customerRef = 'a\u0000b';
        bad[1].queue = 'q\ud800';
        bad[2].offeredAt = '9999-01-01T00:00:00Z';
        const response = await postQuery(server.url, RECORD, attackKey, { contacts: bad });
        expect(response.status).toBe(400);
        const error = response.json.errors[0];
        expect(error.extensions.code).toBe('BAD_USER_INPUT');
        const rules = error.extensions.problems.map((problem: { field: string; rule: string }) => `${problem.field} ${problem.rule}`);
        expect(rules).toEqual(expect.arrayContaining([expect.stringMatching(/customerRef NUL_CHARACTER/), expect.stringMatching(/queue LONE_SURROGATE/)]));
        const { rows } = await db.query(`select count(*)::int as n from contact where external_id in ('res-nul', 'res-surrogate', 'res-year')`);
        expect(rows[0].n).toBe(0);
        return { result: null, outcome: `${response.status} BAD_USER_INPUT: ${rules.join(', ')}`, responseMs: [response.ms] };
      });
    });

    it('a 10,000-contact batch whose client goes away is written whole or not at all', async () => {
      const contacts = Array.from({ length: 10_000 }, (_, i) => contact(`res-abort-${i}`, i));
      await underAttack('10,000-contact batch, client gone after 150 ms', async () => {
        const response = await postQuery(server.url, RECORD, attackKey, { contacts }, { abortAfterMs: 150 });
        expect(response.error).toBe('aborted by the client');
        let count = -1;
        // settle: the server finishes or rolls back; poll until it stops changing
        for (let i = 0; i < 40; i++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          const { rows } = await db.query(`select count(*)::int as n from contact where external_id like 'res-abort-%'`);
          if (rows[0].n === count) break;
          count = rows[0].n;
        }
        expect([0, 10_000]).toContain(count);
        return { result: null, outcome: `${count} of 10,000 rows stored`, responseMs: [response.ms] };
      });
    });

    it('cut the slow clients: unfinished headers within 15 s, a trickled body within 65 s', async () => {
      const headers = await Promise.all(slowHeaders.map((client) => client.closed));
      const bodies = await Promise.race([
        Promise.all(slowBodies.map((client) => client.closed)),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 70_000)),
      ]);
      figures.push({
        attack: '10 slow-header + 10 slow-body clients (closed after, ms)',
        outcome: `headers cut ${headers.some((h) => h.answer.startsWith('HTTP/1.1 408')) ? '408' : 'closed'}; bodies ${bodies ? (bodies.some((b) => b.answer.startsWith('HTTP/1.1 408')) ? 'cut 408' : 'closed') : 'still open after 70 s'}`,
        responseMs: [...headers.map((h) => h.ms), ...(bodies ?? []).map((b) => b.ms)],
        healthz: { count: 0, p50: NaN, p99: NaN, max: NaN },
        healthzFailures: 0,
        maxRssMb: await rssMb(server.pid),
      });
      for (const closed of headers) expect(closed.ms).toBeLessThan(15_000);
      expect(bodies, 'slow bodies closed by the server').not.toBeNull();
      for (const closed of bodies!) expect(closed.ms).toBeLessThan(65_000);
    }, 90_000);

    it('rate limits: past RATE_LIMIT_PER_MINUTE a key gets 429 with Retry-After', async () => {
      const created = await postQuery(server.url, 'mutation { createApiKey(name: "resilience flood", role: ANALYST) { secret } }', server.adminKey);
      const key = created.json.data.createApiKey.secret as string;
      await underAttack('650 requests of one key in a burst (limit 600/min)', async () => {
        const statuses: RawResponse[] = [];
        for (let wave = 0; wave < 65; wave++) {
          statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => postQuery(server.url, '{ queues { key } }', key)))));
        }
        const limited = statuses.filter((response) => response.status === 429);
        const served = statuses.filter((response) => response.status === 200);
        expect(served.length).toBeLessThanOrEqual(600);
        expect(limited.length).toBeGreaterThanOrEqual(50);
        expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
        return { result: null, outcome: `${served.length} × 200, ${limited.length} × 429 (Retry-After ${limited[0].headers['retry-after']})`, responseMs: statuses.map((r) => r.ms) };
      });
    });

    it('afterwards the server still answers a normal query, and its log holds no customer reference nor SQL', async () => {
      const response = await postQuery(server.url, `{ ${monthTotalKpis(MONTH.from, MONTH.to, ZONE)} }`, server.adminKey);
      expect(response.status).toBe(200);
      expect(response.json.data.kpis.total.offered).toBeGreaterThan(1_000);
      expect(server.stdout()).not.toContain(CUSTOMER_PREFIX);
      expect(server.stdout()).not.toContain('insert into');
    });

    it('rate limits: failed authentications and survey submissions per client address get 429 with Retry-After', async () => {
      await underAttack('25 wrong keys, 35 survey submissions from one address', async () => {
        const wrongKeys: RawResponse[] = [];
        for (let i = 0; i < 25; i++) wrongKeys.push(await postQuery(server.url, '{ queues { key } }', `wrong-key-${i}`));
        const surveys: RawResponse[] = [];
        for (let i = 0; i < 35; i++) {
          surveys.push(await postQuery(server.url, 'mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { id } }', null, { input: { token: `sv_forged${i}`, csat: 5 } }));
        }
        const authLimited = wrongKeys.filter((response) => response.status === 429);
        const surveyLimited = surveys.filter((response) => response.status === 429);
        expect(authLimited.length).toBeGreaterThanOrEqual(5);
        expect(Number(authLimited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(surveyLimited.length).toBeGreaterThanOrEqual(5);
        // by design (README "Rate limits") the address's keyed requests stay refused until the minute ends: this runs last
        expect(authLimited[0].json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'AUTH_FAILURES_PER_MINUTE' });
        expect(Number(surveyLimited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        return { result: null, outcome: `auth: ${authLimited.length}/25 × 429; surveys: ${surveyLimited.length}/35 × 429`, responseMs: [...wrongKeys, ...surveys].map((r) => r.ms) };
      });
    });
  });
});

const RECORD = 'mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { received created updated unchanged } }';

/** A valid answered voice contact on 2026-11-20 with a customer reference that must never reach a log. */
function contact(externalId: string, i: number): Record<string, any> {
  const offered = Date.UTC(2026, 10, 20, 8) + i * 5_000;
  return {
    externalId,
    channel: 'VOICE',
    queue: `res-queue-${i % 5}`,
    team: `res-team-${i % 3}`,
    agent: `res-agent-${i % 30}`,
    customerRef: `${CUSTOMER_PREFIX}${i}`,
    offeredAt: new Date(offered).toISOString(),
    answeredAt: new Date(offered + 12_000).toISOString(),
    endedAt: new Date(offered + 200_000).toISOString(),
    talkSeconds: 170,
  };
}
