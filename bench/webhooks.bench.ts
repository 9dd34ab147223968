import 'reflect-metadata';
/**
 * Webhook delivery throughput (issue 18, Speed): 1,000 events of one webhook in the
 * outbox, posted in order by one server's worker to a receiver on loopback that
 * answers 204 at once; time from the worker's start to the last delivery recorded.
 *
 *   npm run bench:webhooks     # BENCH_RUNS (default 3) rounds of BENCH_EVENTS (default 1000)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/platform/logger';
import { startDeliveryWorker } from '../src/webhooks/delivery-worker';
import { formatSummary, machine, runBench, summarize, withBenchDatabase } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);

runBench(() =>
  withBenchDatabase('webhooks', async ({ orm, organizationId }) => {
    console.log(`${machine()}; ${RUNS} runs of ${EVENTS} events to one webhook\n`);
    let received = 0;
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const em = orm.em.fork();
    const [hook] = await em.execute(`insert into webhook (organization_id, url, events, secret) values (?, ?, '{SLA_BREACHED}', 'bench') returning id`, [organizationId, url]);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      received = 0;
      await em.execute(
        `insert into webhook_delivery (organization_id, webhook_id, event_id, event, body)
         select ?, ?, gen_random_uuid(), 'SLA_BREACHED', json_build_object('n', n)::text from generate_series(1, ?) n`,
        [organizationId, hook.id, EVENTS],
      );
      const started = performance.now();
      const worker = startDeliveryWorker({ em: () => orm.em.fork(), logger: createLogger('silent'), allowPrivate: () => true, pollMs: 50 });
      for (;;) {
        const [{ n }] = await em.execute(`select count(*)::int as n from webhook_delivery where organization_id = ? and delivered_at is null`, [organizationId]);
        if (n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      times.push(performance.now() - started);
      await worker.stop();
      if (received < EVENTS) throw new Error(`received ${received} of ${EVENTS}`);
    }
    const s = summarize(times);
    console.log(`${EVENTS} events delivered in order (min / median / max): ${formatSummary(s)}`);
    await new Promise((resolve) => receiver.close(resolve));
  }),
);
