import 'reflect-metadata';
/**
 * What the rate limits add to a request: the shared counters alone (one upsert of
 * rate-limiter-flexible's PostgreSQL store per count, one select per check of failed
 * authentications), and `{ __typename }` over HTTP on loopback with the bench key, against
 * a server with the limits off and one with them on (limits too high to be reached),
 * requests alternating between the two so both see the same machine load.
 *
 *   npm run bench:rate-limit     # BENCH_RUNS (default 2000), after 200 warm-ups
 */
import { startHttpServer } from '../src/app/http';
import { createLogger } from '../src/platform/logger';
import { SharedCounters } from '../src/platform/rate-limit-store';
import { buildAppSchema } from '../src/app/schema';
import { formatSummary, machine, runBench, summarize, withBenchDatabase } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const WARM_UP = 200;
const KEY = 'bench-key';

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

runBench(() =>
  withBenchDatabase('ratelimit', async ({ url, orm }) => {
    console.log(`${machine()}; ${RUNS} runs each after ${WARM_UP} warm-ups\n`);

    const counters = new SharedCounters({ databaseUrl: url, logger: createLogger('silent') });
    const counter = counters.counter('bench', 1e9);
    const consume: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      const key = `client-${i % 100}`;
      const a = await timed(() => counter.consume(key));
      const b = await timed(() => counter.exhausted(key));
      if (i >= WARM_UP) consume.push(a), check.push(b);
    }
    await counters.close();
    console.log('| step | min / median / max |');
    console.log('|---|---|');
    console.log(`| count one request (upsert) | ${formatSummary(summarize(consume))} |`);
    console.log(`| check failed authentications (select) | ${formatSummary(summarize(check))} |`);

    const schema = await buildAppSchema();
    const start = (limits: { rateLimitPerMinute: number; authFailuresPerMinute: number; surveyRateLimitPerMinute: number }) =>
      startHttpServer({ orm, schema, logger: createLogger('silent'), port: 0, host: '127.0.0.1', limits });
    const off = await start({ rateLimitPerMinute: 0, authFailuresPerMinute: 0, surveyRateLimitPerMinute: 0 });
    const on = await start({ rateLimitPerMinute: 1e9, authFailuresPerMinute: 1e9, surveyRateLimitPerMinute: 1e9 });
    const ask = (port: number) => async () => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: '{"query":"{ __typename }"}',
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      await response.text();
    };
    const times = { off: [] as number[], on: [] as number[] };
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      const a = await timed(ask(off.port));
      const b = await timed(ask(on.port));
      if (i >= WARM_UP) times.off.push(a), times.on.push(b);
    }
    await off.close();
    await on.close();
    const [offSummary, onSummary] = [summarize(times.off), summarize(times.on)];
    console.log(`| \`{ __typename }\` over HTTP, limits off | ${formatSummary(offSummary)} |`);
    console.log(`| \`{ __typename }\` over HTTP, limits on | ${formatSummary(onSummary)} |`);
    console.log(`\nmedian overhead per request: ${Math.round((onSummary.median - offSummary.median) * 100) / 100} ms`);
  }),
);
