import 'reflect-metadata';
/**
 * Ingest rate: contacts/s through `recordContacts` over HTTP, in batches of
 * 1,000, into a fresh database. Uses the demo generator's realistic contacts.
 *
 *   npm run bench:ingest            # BENCH_DAYS=20 by default (~30k contacts)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:ingest   # admin URL of the server to use
 */
import os from 'node:os';
import pg from 'pg';
import { generateDemoContacts } from '../src/demo/demo-generator';
import { startHttpServer } from '../src/platform/http';
import { createLogger } from '../src/platform/logger';
import { migrate, openOrm } from '../src/platform/orm';
import { buildAppSchema } from '../src/platform/schema';
import { ensureBootstrapKey, ensureDefaultOrganization } from '../src/org/api-keys.service';
import { summarize, type Summary } from './stats';

const BATCH = 1000;
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const days = Number(process.env.BENCH_DAYS ?? 20);

async function main() {
  const database = `callpulse_bench_${process.pid}`;
  await admin(`create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const orm = await openOrm(url.toString());
  try {
    await migrate(orm);
    const org = await ensureDefaultOrganization(orm.em.fork());
    await ensureBootstrapKey(orm.em.fork(), org.id, 'bench-key');
    const server = await startHttpServer({ orm, schema: await buildAppSchema(), logger: createLogger('silent'), port: 0, host: '127.0.0.1' });

    const contacts = [...generateDemoContacts({ endDate: '2026-03-31', days, seed: 7 })].flat();
    const batches: unknown[][] = [];
    for (let i = 0; i < contacts.length; i += BATCH) batches.push(contacts.slice(i, i + BATCH));

    const send = async (batch: unknown[]) => {
      const started = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key' },
        body: JSON.stringify({
          query: 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }',
          variables: { c: batch },
        }),
      });
      const body = (await response.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
      return performance.now() - started;
    };

    const timeAll = async () => {
      const ms: number[] = [];
      const started = performance.now();
      for (const batch of batches) ms.push(await send(batch));
      return { perBatch: summarize(ms), rate: contacts.length / ((performance.now() - started) / 1000) };
    };
    const fresh = await timeAll(); // every contact created
    const resend = await timeAll(); // every contact unchanged
    await server.close();

    const line = (name: string, r: { perBatch: Summary; rate: number }) =>
      `| ${name} | ${r.perBatch.min} / ${r.perBatch.median} / ${r.perBatch.max} ms | ${Math.round(r.rate).toLocaleString('en')} contacts/s |`;
    console.log(`machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
    console.log(`data: ${contacts.length.toLocaleString('en')} demo contacts (${days} days) in ${batches.length} batches of ${BATCH}`);
    console.log('| run | per batch (min / median / max) | rate |\n|---|---|---|');
    console.log(line('new contacts', fresh));
    console.log(line('same contacts re-sent', resend));
  } finally {
    await orm.close(true);
    await admin(`drop database if exists ${database} with (force)`);
  }
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql);
  await client.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
