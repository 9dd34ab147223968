import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../../src/webhooks/signature';
import { useTestServer } from '../../support/server';

/**
 * SLA alerts by webhook against a local receiver: a policy's current month
 * driven through AT_RISK, BREACHED and back to MET by real contact batches, each
 * event signed, in order, once; a receiver failing for a while loses nothing.
 */

const server = useTestServer();

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

const receiver = {
  received: [] as Received[],
  /** Answer 500 while set. */
  failing: false,
  attempts: 0,
  server: null as http.Server | null,
  url: '',
};

const CREATE = 'mutation($u: String!, $e: [WebhookEvent!]!) { createWebhook(url: $u, events: $e) { secret webhook { id url events createdAt deletedAt } } }';
const DELIVERIES = `query($id: ID!, $first: Int) { webhookDeliveries(webhookId: $id, first: $first) {
  edges { node { id eventId event attempts lastStatus deliveredAt nextAttemptAt } } pageInfo { hasNextPage } } }`;
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }';

let previousAllow: string | undefined;
beforeAll(async () => {
  previousAllow = process.env.WEBHOOK_ALLOW_PRIVATE;
  process.env.WEBHOOK_ALLOW_PRIVATE = '1'; // the receiver listens on this machine's loopback
  receiver.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      receiver.attempts++;
      if (receiver.failing) {
        res.statusCode = 500;
        return res.end('down');
      }
      receiver.received.push({ path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  if (previousAllow === undefined) delete process.env.WEBHOOK_ALLOW_PRIVATE;
  else process.env.WEBHOOK_ALLOW_PRIVATE = previousAllow;
  await new Promise((resolve) => receiver.server?.close(resolve));
});

let serial = 0;
/** `n` contacts offered in the last hours (inside the current month unless it began less than a day ago), answered after `wait` s or abandoned. */
function contacts(n: number, wait: number | null) {
  const base = Date.now() - 3 * 60_000;
  return Array.from({ length: n }, (_, i) => {
    const offered = base - (serial++ % 600) * 1_000 - i;
    return {
      externalId: `hook-${serial}`,
      channel: 'VOICE',
      queue: 'care',
      agent: wait === null ? null : 'ann',
      offeredAt: new Date(offered).toISOString(),
      answeredAt: wait === null ? null : new Date(offered + wait * 1000).toISOString(),
      endedAt: new Date(offered + (wait ?? 30) * 1000 + 1000).toISOString(),
      talkSeconds: wait === null ? 0 : 1,
    };
  });
}

async function record(batch: unknown[], key = server.org.keys.INGEST) {
  const answer = await server.gql(RECORD, { c: batch }, key);
  expect(answer.errors).toBeUndefined();
  return answer.data.recordContacts;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks: createWebhook, webhooks, deleteWebhook', () => {
  it('refuses a URL that is not http(s), and no events, naming the field; nothing is written', async () => {
    const answer = await server.gql(CREATE, { u: 'ftp://example.com/x', e: [] });
    expect(answer.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0]!.extensions!.problems.map((p: any) => [p.field, p.rule])).toEqual([['url', 'NOT_HTTP'], ['events', 'REQUIRED']]);
    expect((await server.gql('{ webhooks { id } }')).data.webhooks).toEqual([]);
  });

  it('refuses a loopback target unless WEBHOOK_ALLOW_PRIVATE=1', async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE = '0';
    try {
      for (const url of ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://[::1]:9/x']) {
        const answer = await server.gql(CREATE, { u: url, e: ['SLA_BREACHED'] });
        expect(answer.errors![0]!.extensions!.problems[0]).toMatchObject({ field: 'url', rule: 'PRIVATE_ADDRESS' });
      }
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE = '1';
    }
  });

  it('is for ADMIN keys only', async () => {
    const answer = await server.gql(CREATE, { u: receiver.url, e: ['SLA_BREACHED'] }, server.org.keys.ANALYST);
    expect(answer.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('creates, lists and deletes a webhook; the secret is shown once', async () => {
    const created = (await server.gql(CREATE, { u: 'https://hooks.example.com/a', e: ['SLA_BREACHED', 'SLA_BREACHED'] })).data.createWebhook;
    expect(created.secret).toMatch(/^[\w-]{43}$/);
    expect(created.webhook).toMatchObject({ url: 'https://hooks.example.com/a', events: ['SLA_BREACHED'], deletedAt: null });
    const deleted = (await server.gql('mutation($id: ID!) { deleteWebhook(id: $id) { id deletedAt } }', { id: created.webhook.id })).data.deleteWebhook;
    expect(deleted.deletedAt).not.toBeNull();
    const listed = (await server.gql('{ webhooks { id deletedAt } }')).data.webhooks;
    expect(listed).toEqual([{ id: created.webhook.id, deletedAt: deleted.deletedAt }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });
});

describe('SLA alerts by webhook', () => {
  let hook: { id: string; secret: string };
  let policyId: string;

  beforeAll(async () => {
    const created = (await server.gql(CREATE, { u: receiver.url, e: ['SLA_AT_RISK', 'SLA_BREACHED', 'SLA_RECOVERED'] })).data.createWebhook;
    hook = { id: created.webhook.id, secret: created.secret };
    const policy = await server.gql(
      `mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }`,
      { i: { name: 'Care 80/20', period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.9 }] } },
    );
    expect(policy.errors).toBeUndefined();
    policyId = policy.data.createSlaPolicy.id;
  });

  const statuses = () => receiver.received.filter((r) => r.path === '/hook').map((r) => r.json.type);

  it('posts each status change of the current month once, in order, signed, with the contract\'s body', async () => {
    await record(contacts(10, 5)); // SL 10/10: MET, nothing to say
    await record(contacts(2, 60)); // 10/12 = 0.83: AT_RISK
    await until('SLA_AT_RISK', () => receiver.received.length >= 1);
    await record(contacts(3, null)); // 10/15 = 0.67: BREACHED
    await record(contacts(20, 5)); // 30/35 = 0.857: AT_RISK
    await record(contacts(20, 5)); // 50/55 = 0.909: MET again
    await until('four events', () => receiver.received.length >= 4);
    expect(statuses()).toEqual(['SLA_AT_RISK', 'SLA_BREACHED', 'SLA_AT_RISK', 'SLA_RECOVERED']);

    const first = receiver.received[0]!;
    expect(verifySignature(hook.secret, String(first.headers['callpulse-signature']), first.body)).toBe(true);
    expect(first.headers['callpulse-event-id']).toBe(first.json.id);
    expect(first.json).toMatchObject({
      type: 'SLA_AT_RISK',
      policy: { id: policyId, name: 'Care 80/20' },
      metric: 'serviceLevel',
      comparator: 'AT_LEAST',
      target: 0.8,
      warning: 0.9,
      status: 'AT_RISK',
      previousStatus: 'MET',
    });
    expect(first.json.actual).toBeCloseTo(10 / 12, 12);
    expect(new Date(first.json.periodStart).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(first.json.periodEnd).getTime()).toBeGreaterThan(Date.now());
    expect(receiver.received.map((r) => r.json.previousStatus)).toEqual(['MET', 'AT_RISK', 'BREACHED', 'AT_RISK']);
    for (const r of receiver.received) expect(verifySignature(hook.secret, String(r.headers['callpulse-signature']), r.body)).toBe(true);
    expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(4);
  }, 60_000);

  it('sends nothing for a write that changes no status (a re-sent batch, a contact of another month)', async () => {
    const before = receiver.received.length;
    const batch = contacts(3, 5);
    await record(batch);
    expect(await record(batch)).toMatchObject({ unchanged: 3 });
    const lastYear = contacts(5, null).map((c) => ({ ...c, offeredAt: '2025-01-10T10:00:00Z', endedAt: '2025-01-10T10:01:00Z' }));
    await record(lastYear);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a stray event would be posted by now
    expect(receiver.received.length).toBe(before);
  });

  it('retries a failing receiver with backoff (first retry within 10 s), records each attempt, and loses nothing', async () => {
    const before = receiver.received.length;
    receiver.failing = true;
    const attemptsBefore = receiver.attempts;
    await record(contacts(12, null)); // 53+... abandoned: BREACHED
    await until('two failed attempts', () => receiver.attempts >= attemptsBefore + 2, 20_000);
    receiver.failing = false;
    await until('the event delivered', () => receiver.received.length > before, 30_000);
    expect(statuses().slice(before)).toEqual(['SLA_BREACHED']);
    const deliveries = (await server.gql(DELIVERIES, { id: hook.id, first: 1 })).data.webhookDeliveries;
    const last = deliveries.edges[0].node;
    expect(last).toMatchObject({ event: 'SLA_BREACHED', lastStatus: 204, nextAttemptAt: null });
    expect(last.attempts).toBeGreaterThanOrEqual(3);
    expect(last.deliveredAt).not.toBeNull();
    expect(last.eventId).toBe(receiver.received.at(-1)!.json.id);
    expect(deliveries.pageInfo.hasNextPage).toBe(true);
  }, 60_000);
});

describe('SLA alerts: a target that flips back and forth within a minute', () => {
  it('sends each change once, in order, signed, and nothing for writes that change nothing', async () => {
    const org = await server.createOrganization('flipping');
    const created = await server.gql(CREATE, { u: receiver.url.replace('/hook', '/flip'), e: ['SLA_AT_RISK', 'SLA_BREACHED', 'SLA_RECOVERED'] }, org.keys.ADMIN);
    expect(created.errors).toBeUndefined();
    const secret = created.data.createWebhook.secret as string;
    const policy = await server.gql(
      'mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }',
      { i: { name: 'Flip 80/20', period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.9 }] } },
      org.keys.ADMIN,
    );
    expect(policy.errors).toBeUndefined();
    const flips = () => receiver.received.filter((r) => r.path === '/flip');

    // Back to back, without waiting for any delivery: MET, AT_RISK, BREACHED, the same batch again, MET, another month.
    const started = Date.now();
    const abandoned = contacts(3, null);
    await record(contacts(10, 5), org.keys.INGEST); // 10/10: MET, nothing to say
    await record(contacts(2, 60), org.keys.INGEST); // 10/12 = 0.83: AT_RISK
    await record(abandoned, org.keys.INGEST); // 10/15 = 0.67: BREACHED
    expect(await record(abandoned, org.keys.INGEST)).toMatchObject({ unchanged: 3 }); // nothing changed: no event
    await record(contacts(40, 5), org.keys.INGEST); // 50/55 = 0.91: MET again
    await record(contacts(5, null).map((c) => ({ ...c, offeredAt: '2025-01-10T10:00:00Z', endedAt: '2025-01-10T10:01:00Z' })), org.keys.INGEST); // another month
    expect(Date.now() - started).toBeLessThan(60_000);

    await until('three events', () => flips().length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a duplicate or stray event would be posted by now
    const events = flips().map((r) => r.json);
    expect(events.map((e) => [e.previousStatus, e.type, e.status])).toEqual([
      ['MET', 'SLA_AT_RISK', 'AT_RISK'],
      ['AT_RISK', 'SLA_BREACHED', 'BREACHED'],
      ['BREACHED', 'SLA_RECOVERED', 'MET'],
    ]);
    expect(events.map((e) => e.actual)).toEqual([10 / 12, 10 / 15, 50 / 55].map((x) => expect.closeTo(x, 12)));
    for (const r of flips()) {
      expect(verifySignature(secret, String(r.headers['callpulse-signature']), r.body)).toBe(true);
      expect(r.headers['callpulse-event-id']).toBe(r.json.id);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    const deliveries = await server.gql(DELIVERIES, { id: created.data.createWebhook.webhook.id, first: 10 }, org.keys.ADMIN);
    expect(deliveries.data.webhookDeliveries.edges.map((e: any) => [e.node.event, e.node.attempts, e.node.lastStatus])).toEqual([
      ['SLA_RECOVERED', 1, 204],
      ['SLA_BREACHED', 1, 204],
      ['SLA_AT_RISK', 1, 204],
    ]);
  }, 60_000);
});
