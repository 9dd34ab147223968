import 'reflect-metadata';
/**
 * Ingest rate: contacts/s through `recordContacts` over HTTP, in batches of
 * 1,000, into a fresh database. Uses the demo generator's realistic contacts.
 *
 *   npm run bench:ingest            # BENCH_DAYS=20 by default (~30k contacts)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:ingest   # admin URL of the server to use
 */
import { generateDemoContacts } from '../src/demo/demo-generator';
import { formatSummary, machine, runBench, startBenchServer, summarize, withBenchDatabase, type Summary } from './support';

const BATCH = 1000;
const days = Number(process.env.BENCH_DAYS ?? 20);
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }';

runBench(() =>
  withBenchDatabase('bench', async ({ orm }) => {
    const { server, post } = await startBenchServer(orm);
    const contacts = [...generateDemoContacts({ endDate: '2026-03-31', days, seed: 7 })].flat();
    const batches: unknown[][] = [];
    for (let i = 0; i < contacts.length; i += BATCH) batches.push(contacts.slice(i, i + BATCH));

    const timeAll = async () => {
      const ms: number[] = [];
      const started = performance.now();
      for (const batch of batches) {
        const t = performance.now();
        await post(RECORD, { c: batch });
        ms.push(performance.now() - t);
      }
      return { perBatch: summarize(ms), rate: contacts.length / ((performance.now() - started) / 1000) };
    };
    const fresh = await timeAll(); // every contact created
    const resend = await timeAll(); // every contact unchanged
    await server.close();

    const line = (name: string, r: { perBatch: Summary; rate: number }) =>
      `| ${name} | ${formatSummary(r.perBatch)} | ${Math.round(r.rate).toLocaleString('en')} contacts/s |`;
    console.log(machine());
    console.log(`data: ${contacts.length.toLocaleString('en')} demo contacts (${days} days) in ${batches.length} batches of ${BATCH}`);
    console.log('| run | per batch (min / median / max) | rate |\n|---|---|---|');
    console.log(line('new contacts', fresh));
    console.log(line('same contacts re-sent', resend));
  }),
);
