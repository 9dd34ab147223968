import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultOrganization } from '../../../src/org/api-keys.service';
import { createLogger } from '../../../src/platform/logger';
import { RUN_LENGTH, startDeliveryWorker, type DeliveryWorker } from '../../../src/webhooks/delivery-worker';
import { createTestDatabase, type TestDatabase } from '../../support/database';

/**
 * The worker's runs (many deliveries of a webhook per claim, posted one after the
 * other over a kept-alive connection, recorded in batches) against a real outbox
 * and receivers on loopback, with two workers (two servers) claiming at once: each
 * webhook gets its events in order, each once, and a failure in the middle of a
 * run holds back everything behind it until it is delivered.
 */

const EVENTS = 2 * RUN_LENGTH + 50; // more than one run per webhook
const FAIL_ONCE_AT = RUN_LENGTH + 20; // in the middle of the second run

let db: TestDatabase;
let organizationId: number;
const received = new Map<string, Array<{ n: number; status: number; socket: number }>>();
const sockets = new WeakMap<object, number>();
let nextSocket = 0;
const failedOnce = new Set<string>();
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const hook = req.url!.slice(1);
    const n = JSON.parse(body).n as number;
    if (!sockets.has(req.socket)) sockets.set(req.socket, ++nextSocket);
    const status = hook === 'a' && n === FAIL_ONCE_AT && !failedOnce.has(hook) ? (failedOnce.add(hook), 503) : 204;
    received.set(hook, [...(received.get(hook) ?? []), { n, status, socket: sockets.get(req.socket)! }]);
    res.statusCode = status;
    res.end();
  });
});

beforeAll(async () => {
  db = await createTestDatabase();
  organizationId = (await ensureDefaultOrganization(db.orm.em.fork())).id;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await db?.drop();
});

describe('the delivery worker', () => {
  it('posts every event of each webhook once and in order, with two workers claiming at once and a failure mid-run', async () => {
    const em = db.orm.em.fork();
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const hooks: string[] = [];
    for (const name of ['a', 'b']) {
      const [hook] = await em.execute(`insert into webhook (organization_id, url, events, secret) values (?, ?, '{SLA_BREACHED}', 's') returning id`, [organizationId, `${base}/${name}`]);
      hooks.push(String(hook.id));
    }
    for (const id of hooks) {
      await em.execute(
        `insert into webhook_delivery (organization_id, webhook_id, event_id, event, body)
         select ?, ?, gen_random_uuid(), 'SLA_BREACHED', json_build_object('n', n)::text from generate_series(1, ?) n order by n`,
        [organizationId, id, EVENTS],
      );
    }
    const workers: DeliveryWorker[] = [0, 1].map(() =>
      startDeliveryWorker({ em: () => db.orm.em.fork(), logger: createLogger('silent'), allowPrivate: () => true, pollMs: 50 }),
    );
    try {
      const deadline = Date.now() + 30_000; // the failed one is retried after 5 s ± 25 %
      for (;;) {
        const [{ n }] = await em.execute('select count(*)::int as n from webhook_delivery where organization_id = ? and delivered_at is null', [organizationId]);
        if (n === 0) break;
        if (Date.now() > deadline) throw new Error(`${n} deliveries still pending`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const sequence = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    // a: 1 … FAIL_ONCE_AT (answered 503), then FAIL_ONCE_AT again and the rest; b: each once, in order.
    expect(received.get('a')!.map((r) => r.n)).toEqual([...sequence(FAIL_ONCE_AT), ...sequence(EVENTS).slice(FAIL_ONCE_AT - 1)]);
    expect(received.get('a')!.filter((r) => r.status === 503).map((r) => r.n)).toEqual([FAIL_ONCE_AT]);
    expect(received.get('b')!.map((r) => r.n)).toEqual(sequence(EVENTS));
    // Kept-alive: far fewer connections than posts.
    expect(new Set(received.get('b')!.map((r) => r.socket)).size).toBeLessThan(EVENTS / 10);

    const attempts = await em.execute<Array<{ webhook_id: string; attempts: number; delivered: number; rows: number }>>(
      `select d.webhook_id::text, sum(d.attempts)::int as attempts, count(d.delivered_at)::int as delivered, (select count(*)::int from webhook_attempt a
         join webhook_delivery x on x.organization_id = a.organization_id and x.id = a.delivery_id where x.webhook_id = d.webhook_id) as rows
       from webhook_delivery d where d.organization_id = ? group by d.webhook_id order by d.webhook_id`,
      [organizationId],
    );
    expect(attempts).toEqual([
      { webhook_id: hooks[0], attempts: EVENTS + 1, delivered: EVENTS, rows: EVENTS + 1 },
      { webhook_id: hooks[1], attempts: EVENTS, delivered: EVENTS, rows: EVENTS },
    ]);
    const [failed] = await em.execute(
      `select d.attempts, d.last_status, array_agg(a.status order by a.attempt) as statuses from webhook_delivery d
       join webhook_attempt a on a.organization_id = d.organization_id and a.delivery_id = d.id
       where d.organization_id = ? and d.webhook_id = ? and (d.body::json->>'n')::int = ? group by d.organization_id, d.id`,
      [organizationId, hooks[0], FAIL_ONCE_AT],
    );
    expect(failed).toMatchObject({ attempts: 2, last_status: 204, statuses: [503, 204] });
  }, 60_000);
});
