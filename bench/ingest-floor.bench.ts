import 'reflect-metadata';
/**
 * The floor of an ingest batch: what PostgreSQL spends writing only the rows a batch
 * leaves behind — the contacts (their indexes and foreign keys) and the rows of every
 * contact rollup in their days, already summed — with nothing computed: no staging,
 * no deltas, no ON CONFLICT, no FCR; for new contacts, and for the same contacts
 * corrected. No upkeep can cost less while the rollups are these and are current when
 * the mutation returns; compare it with the 500 ms a batch of 10,000 may take at
 * 20,000 new contacts/s, and the 1,000 ms at 10,000 corrections/s (issue 16).
 *
 * The batch is the first whole UTC days holding BENCH_BATCH contacts (default 10,000)
 * of the organization's contacts, copied with their rollup rows into empty tables
 * like the real ones (`like … including all`, and the contact's foreign keys), each
 * round one transaction committed, then emptied (untimed).
 *
 *   BENCH_REUSE=postgres://… npx tsx bench/ingest-floor.bench.ts   # a database kept by BENCH_KEEP=1 npm run bench:ingest
 *   npx tsx bench/ingest-floor.bench.ts                             # else BENCH_CONTACTS (100,000) generated and rebuilt first
 */
import os from 'node:os';
import type pg from 'pg';
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { CONTACT_FACT } from '../src/warehouse/facts';
import { generateCenterYear } from './generate';
import { formatSummary, machine, runBench, summarize, withBenchDatabase, withClient } from './support';

const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const SCHEMA = 'ingest_floor';
/** The rollups a contact of a UTC organization writes (the reporting zone's own days are kept only off UTC). */
const STORED = CONTACT_FACT.rollups.filter((r) => !r.local);
const ROLLUPS = STORED.map((r) => r.table);

runBench(() =>
  withBenchDatabase('floor', async ({ url, orm, organizationId, reused }) => {
    console.log(machine());
    if (!reused) {
      await withClient(url, (c) => generateCenterYear(c, organizationId, CONTACTS, '2025-01-01T00:00:00Z'));
      await rebuildOrganizationFacts(orm.em.fork(), organizationId);
    }
    await withClient(url, async (c) => {
      await c.query('set jit = off');
      await c.query(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`);
      try {
        const { from, to, contacts } = await copyBatch(c, organizationId);
        const rollupRows: number[] = [];
        for (const t of ROLLUPS) rollupRows.push(Number((await c.query(`select count(*) from ${SCHEMA}.src_${t}`)).rows[0].count));
        console.log(`batch: ${contacts.toLocaleString('en')} contacts of ${from} to ${to} (UTC days), ${rollupRows.reduce((a, b) => a + b, 0).toLocaleString('en')} rollup rows (${ROLLUPS.map((t, i) => `${t} ${rollupRows[i]}`).join(', ')}); load ${os.loadavg()[0].toFixed(1)}`);
        const runs = { new: await newBatchFloor(c), corrected: await correctedBatchFloor(c) };
        const per10k = (ms: number) => (ms * 10_000) / contacts;
        console.log(`per 10,000 contacts, ${RUNS} runs each, PostgreSQL (min / median / max):`);
        console.log('| rows written | new contacts | every contact corrected |\n|---|---|---|');
        const labels = {
          contacts: 'the contacts, their indexes and foreign keys',
          contactsWithoutForeignKeys: '(the same contacts without the foreign keys)',
          rollups: `the rows of the ${ROLLUPS.length} rollups (new: inserted, summed already; corrected: each updated twice, the old version out and the new in)`,
          commit: 'commit',
        } as const;
        const cell = (ms: number[]) => formatSummary(summarize(ms.map(per10k)));
        for (const [part, label] of Object.entries(labels) as Array<[keyof typeof labels, string]>) {
          console.log(`| ${label} | ${cell(runs.new[part])} | ${cell(runs.corrected[part])} |`);
        }
        const totals = (t: Times) => t.contacts.map((ms, i) => ms + t.rollups[i]! + t.commit[i]!);
        console.log(`| **the floor of a batch** | ${cell(totals(runs.new))} | ${cell(totals(runs.corrected))} |`);
        const rate = (t: Times) => Math.round((contacts / summarize(totals(t)).median) * 1000).toLocaleString('en');
        console.log(`at most ${rate(runs.new)} new and ${rate(runs.corrected)} corrected contacts/s for one organization (its batches are written one at a time), before any upkeep is computed`);
      } finally {
        await c.query(`drop schema if exists ${SCHEMA} cascade`);
      }
    });
  }),
);

interface Times {
  contacts: number[];
  contactsWithoutForeignKeys: number[];
  rollups: number[];
  commit: number[];
}
const emptyTimes = (): Times => ({ contacts: [], contactsWithoutForeignKeys: [], rollups: [], commit: [] });
const TARGETS = ['contact', ...ROLLUPS];

/** New contacts: the batch's rows inserted into the empty copies, one transaction. */
async function newBatchFloor(c: pg.Client): Promise<Times> {
  const times = emptyTimes();
  for (let run = 0; run < RUNS; run++) {
    await c.query('begin');
    times.contactsWithoutForeignKeys.push(await timed(c, `insert into ${SCHEMA}.contact_no_fk select * from ${SCHEMA}.src_contact`));
    await c.query('rollback');
    await c.query('begin');
    times.contacts.push(await timed(c, `insert into ${SCHEMA}.contact select * from ${SCHEMA}.src_contact`));
    let rollups = 0;
    for (const t of ROLLUPS) rollups += await timed(c, `insert into ${SCHEMA}.${t} select * from ${SCHEMA}.src_${t}`);
    times.rollups.push(rollups);
    times.commit.push(await timed(c, 'commit'));
    await c.query(`truncate ${TARGETS.map((t) => `${SCHEMA}.${t}`).join(', ')}`);
  }
  return times;
}

/**
 * Corrections, much as the ingest bench makes them: every contact 20 minutes later, a
 * third to another queue and agent, no outcome changed (the new values prepared untimed); and every rollup row
 * of the span updated twice, as a correction's deltas take the old version out of its
 * row and add the new one to its own.
 */
async function correctedBatchFloor(c: pg.Client): Promise<Times> {
  await c.query(
    `create table ${SCHEMA}.src_corrected as
     select s.id, s.offered_at + interval '20 minutes' as offered_at, s.answered_at + interval '20 minutes' as answered_at,
       s.ended_at + interval '20 minutes' as ended_at,
       case when s.id % 3 = 0 then coalesce(o.queue_id, s.queue_id) else s.queue_id end as queue_id,
       case when s.id % 3 = 0 then coalesce(o.agent_id, s.agent_id) else s.agent_id end as agent_id
     from ${SCHEMA}.src_contact s
     left join lateral (select n.queue_id, n.agent_id from ${SCHEMA}.src_contact n
       where n.queue_id <> s.queue_id and n.agent_id is distinct from s.agent_id and s.agent_id is not null and n.agent_id is not null
       order by n.offered_at limit 1) o on true`,
  );
  const times = emptyTimes();
  const correct = (table: string) =>
    `update ${SCHEMA}.${table} c set offered_at = s.offered_at, answered_at = s.answered_at, ended_at = s.ended_at,
       queue_id = s.queue_id, agent_id = s.agent_id, updated_at = now()
     from ${SCHEMA}.src_corrected s where c.id = s.id`;
  // Every round corrects the batch as stored: each copy reloaded from its source (the contact's for contact_no_fk).
  const reloaded = [...TARGETS, 'contact_no_fk'];
  const sourceOf = (t: string) => `${SCHEMA}.src_${t === 'contact_no_fk' ? 'contact' : t}`;
  for (let run = 0; run < RUNS; run++) {
    for (const t of reloaded) await c.query(`truncate ${SCHEMA}.${t}; insert into ${SCHEMA}.${t} select * from ${sourceOf(t)}`);
    await c.query(`vacuum analyze ${reloaded.map((t) => `${SCHEMA}.${t}`).join(', ')}`);
    await c.query('begin');
    times.contactsWithoutForeignKeys.push(await timed(c, correct('contact_no_fk')));
    await c.query('rollback');
    await c.query('begin');
    times.contacts.push(await timed(c, correct('contact')));
    let rollups = 0;
    for (const { table, count } of STORED) {
      rollups += await timed(c, `update ${SCHEMA}.${table} set ${count} = ${count} - 1`);
      rollups += await timed(c, `update ${SCHEMA}.${table} set ${count} = ${count} + 1`);
    }
    times.rollups.push(rollups);
    times.commit.push(await timed(c, 'commit'));
  }
  await c.query(`truncate ${TARGETS.map((t) => `${SCHEMA}.${t}`).join(', ')}`);
  return times;
}

/** The batch's contacts and rollup rows into source tables, and an empty copy of each target (with the contact's foreign keys). */
async function copyBatch(c: pg.Client, organizationId: number) {
  await c.query(`set timezone = 'UTC'`);
  const { rows: [span] } = await c.query<{ from: string; to: string }>(
    `select min(offered_at)::date::text as from, (max(offered_at)::date + 1)::text as to
     from (select offered_at from contact where organization_id = $1 order by offered_at limit $2) c`,
    [organizationId, BATCH],
  );
  const { from, to } = span!;
  const inSpan = (column: string) => `organization_id = ${organizationId} and ${column} >= '${from}'::timestamptz and ${column} < '${to}'::timestamptz`;
  await c.query(`create table ${SCHEMA}.src_contact as select * from contact where ${inSpan('offered_at')} order by offered_at`);
  await c.query(`create table ${SCHEMA}.contact (like contact including all); create table ${SCHEMA}.contact_no_fk (like contact including all)`);
  const { rows: keys } = await c.query<{ def: string }>(`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'contact'::regclass and contype = 'f'`);
  for (const { def } of keys) await c.query(`alter table ${SCHEMA}.contact add ${def}`);
  for (const t of ROLLUPS) {
    await c.query(`create table ${SCHEMA}.src_${t} as select * from ${t} where ${inSpan('bucket')} order by bucket`);
    await c.query(`create table ${SCHEMA}.${t} (like ${t} including all)`);
  }
  await c.query(`vacuum analyze ${SCHEMA}.src_contact`);
  const contacts = Number((await c.query(`select count(*) from ${SCHEMA}.src_contact`)).rows[0].count);
  return { from, to, contacts };
}

async function timed(c: pg.Client, sql: string): Promise<number> {
  const t = performance.now();
  await c.query(sql);
  return performance.now() - t;
}
