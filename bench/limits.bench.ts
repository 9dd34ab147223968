import 'reflect-metadata';
/**
 * Time to refusal of 10 MB documents (issue 15: under 50 ms), over HTTP on
 * loopback against a fresh server, with the bench's API key and without one; and
 * the pre-parse scan alone. "server" is the server's own request log (headers
 * received → answer sent, so the body's transfer and JSON parse included); "client"
 * adds the client's sending of 10 MB, in this same process. The first request of each kind is the server's first
 * of its kind (cold JIT): it is reported apart from the others' min/median/max.
 *
 *   npm run bench:limits     # BENCH_RUNS (default 20)
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { documentShape } from '../src/platform/limits/document-shape';
import { startHttpServer } from '../src/app/http';
import { buildAppSchema } from '../src/app/schema';
import { formatSummary, machine, runBench, summarize, withBenchDatabase } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const KEY = 'bench-key';

const DOCUMENTS: Record<string, string> = {
  '550,000 aliases': `{ ${Array.from({ length: 550_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
  '5,000,000 tokens': `{ organization(x: [${'1 '.repeat(5_000_000)}]) { id } }`,
  '2,500,000 levels': `${'{ a '.repeat(2_500_000)}${'}'.repeat(2_500_000)}`,
};

async function refusal(url: string, body: string, key: string | null): Promise<{ ms: number; status: number; code: string }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
  const answer = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { ms: performance.now() - started, status: response.status, code: answer.errors?.[0]?.extensions?.code ?? 'none' };
}

runBench(() =>
  withBenchDatabase('limits', async ({ orm }) => {
    console.log(`machine: ${machine()}; ${RUNS} runs each\n`);
    console.log('| document | size | scan alone (min / median / max) |');
    console.log('|---|---|---|');
    for (const [name, query] of Object.entries(DOCUMENTS)) {
      const times = Array.from({ length: RUNS }, () => {
        const started = performance.now();
        documentShape(query);
        return performance.now() - started;
      });
      console.log(`| ${name} | ${(query.length / 1e6).toFixed(1)} MB | ${formatSummary(summarize(times))} |`);
    }
    console.log('\n| document | caller | answer | first: server / client | then, server (min / median / max) | then, client |');
    console.log('|---|---|---|---|---|---|');
    for (const key of [KEY, null]) {
      // A fresh server per caller, so its first request is cold; its request log gives the server's time.
      const serverTimes: number[] = [];
      const log = new Writable({
        write(line, _encoding, done) {
          const record = JSON.parse(String(line));
          if (record.msg === 'request') serverTimes.push(record.durationMs);
          done();
        },
      });
      const logger = pino({ level: 'info' }, log);
      const server = await startHttpServer({ orm, schema: await buildAppSchema(), logger, port: 0, host: '127.0.0.1' });
      try {
        for (const [name, query] of Object.entries(DOCUMENTS)) {
          const body = JSON.stringify({ query });
          serverTimes.length = 0;
          const client: number[] = [];
          let answer = '';
          for (let i = 0; i < RUNS; i++) {
            const r = await refusal(server.url, body, key);
            client.push(r.ms);
            answer = `${r.status} ${r.code}`;
          }
          await new Promise((resolve) => setTimeout(resolve, 50)); // the last log line
          const who = key ? 'API key' : 'anonymous';
          const first = `${serverTimes[0]?.toFixed(1)} / ${client[0]!.toFixed(1)} ms`;
          console.log(`| ${name} | ${who} | ${answer} | ${first} | ${formatSummary(summarize(serverTimes.slice(1)))} | ${formatSummary(summarize(client.slice(1)))} |`);
        }
      } finally {
        await server.close();
      }
    }
  }),
);
