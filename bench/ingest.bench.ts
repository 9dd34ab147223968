import 'reflect-metadata';
/**
 * Ingest rate over HTTP: new contacts/s and corrected contacts/s through
 * `recordContacts`, agent activity records/s through `recordAgentActivity`, beside
 * PostgreSQL's own COPY of the same contact rows (same columns and indexes, no
 * upkeep) in the same run. Uses the demo generator's realistic contacts and the
 * activity of its shifts.
 *
 *   npm run bench:ingest            # BENCH_DAYS=60 (~89k contacts), BENCH_BATCH=10000
 *   BENCH_PREFILL=2000000 npm run bench:ingest   # into a database already holding 2 M contacts (a year of 2025)
 *   BENCH_REPORTING_ZONE=Europe/Berlin npm run bench:ingest   # an organization keeping local days too
 *   BENCH_DATABASE_URL=postgres://… npm run bench:ingest   # admin URL of the server to use
 *   BENCH_CLIENTS=2 npm run bench:ingest   # two senders posting disjoint batches at once
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { demoActivity, demoDates, generateDemoContacts } from '../src/demo/demo-generator';
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { ACTIVITY_FACT, CONTACT_FACT } from '../src/warehouse/facts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { setReportingZone } from '../src/analytics/reporting-zone';
import type { ContactFields } from '../src/contacts/contact.validation';
import { upkeepClock } from '../src/warehouse/deltas';
import { generateCenterYear } from './generate';
import { drainStatementClock, startStatementClock } from './statement-clock';
import { copyIn, formatSummary, machine, runBench, startBenchServer, summarize, withBenchDatabase, withClient, type Summary } from './support';

const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const days = Number(process.env.BENCH_DAYS ?? 60);
const prefill = Number(process.env.BENCH_PREFILL ?? 0);
const reportingZone = process.env.BENCH_REPORTING_ZONE ?? 'UTC';
// Senders posting at once, each taking the next batch not yet sent (disjoint batches, all busy until the last).
const clients = Number(process.env.BENCH_CLIENTS ?? 1);
if (!Number.isInteger(clients) || clients < 1) throw new Error('BENCH_CLIENTS must be a whole number from 1');
// BENCH_STATEMENTS=1: after each run, the wall time per kind of SQL statement (stderr); BENCH_STATEMENTS_DUMP=dir: the slow ones' SQL.
const statements = process.env.BENCH_STATEMENTS === '1';
if (statements) startStatementClock(process.env.BENCH_STATEMENTS_DUMP);
/**
 * CPU seconds spent, to compare code versions on a shared machine (wall time follows the
 * load of other processes; CPU time much less): this process's (server and bench client),
 * and PostgreSQL's backends of the bench database (their /proc stat: the server must be
 * local; 0 otherwise). A backend that ends during a run takes its share with it.
 */
async function cpuSeconds(admin: pg.Client, database: string): Promise<{ node: number; postgres: number }> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
    } catch {
      // not a local server, or the backend ended
    }
  }
  const usage = process.cpuUsage();
  return { node: (usage.user + usage.system) / 1e6, postgres: ticks / 100 }; // USER_HZ is 100 on Linux
}
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }';
const RECORD_ACTIVITY = 'mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created updated unchanged } }';

type Posted = Omit<ContactFields, 'offeredAt' | 'answeredAt' | 'endedAt'> & { offeredAt: string; answeredAt?: string | null; endedAt: string };

/**
 * A correction of every contact that moves it: 20 minutes later (another quarter
 * hour, sometimes another day), every third to the next contact's queue and agent,
 * every fifth answered one resolved the other way.
 */
function corrected(contacts: readonly Posted[]): Posted[] {
  const later = (t: string | null | undefined) => (t ? new Date(Date.parse(t) + 20 * 60_000).toISOString() : t);
  return contacts.map((c, i) => {
    const next = contacts[(i + 1) % contacts.length]!;
    return {
      ...c,
      offeredAt: later(c.offeredAt)!,
      answeredAt: later(c.answeredAt),
      endedAt: later(c.endedAt)!,
      ...(i % 3 === 0 && { queue: next.queue, agent: c.answeredAt ? next.agent : c.agent }),
      ...(i % 5 === 0 && c.answeredAt && { resolved: !c.resolved }),
    };
  });
}

runBench(() =>
  withBenchDatabase('bench', async ({ url, orm, organizationId }) => {
    let prefillNote = 'an empty database';
    if (prefill > 0) {
      const started = performance.now();
      await withClient(url, (c) => generateCenterYear(c, organizationId, prefill, '2025-01-01T00:00:00Z'));
      const generated = performance.now() - started;
      await rebuildOrganizationFacts(orm.em.fork(), organizationId);
      const rebuilt = performance.now() - started - generated;
      await withClient(url, (c) => c.query('vacuum analyze'));
      prefillNote = `a database holding ${prefill.toLocaleString('en')} contacts (generated in ${(generated / 1000).toFixed(1)} s, FCR + rollups rebuilt in ${(rebuilt / 1000).toFixed(1)} s)`;
    }
    await setReportingZone(orm.em.fork(), organizationId, reportingZone);
    const { server, post } = await startBenchServer(orm);
    const options = { endDate: '2026-03-31', days, seed: 7 };
    const byDay = [...generateDemoContacts(options)];
    const contacts: Posted[] = byDay.flat().map((c) => ({
      ...c,
      offeredAt: c.offeredAt.toISOString(),
      answeredAt: c.answeredAt?.toISOString() ?? null,
      endedAt: c.endedAt.toISOString(),
    }));
    const dates = demoDates(options);
    const activity = byDay
      .flatMap((day, i) => demoActivity(options, dates[i]!, day))
      .map((a) => ({ ...a, intervalStart: a.intervalStart.toISOString() }));

    const admin = await openAdmin(url);
    const database = new URL(url).pathname.slice(1);
    const timeAll = async (items: readonly unknown[], send: (batch: unknown[]) => Promise<unknown>) => {
      const ms: number[] = [];
      const clock = { ...upkeepClock };
      const cpuBefore = await cpuSeconds(admin, database);
      const started = performance.now();
      let next = 0;
      const sender = async () => {
        for (let i = next; i < items.length; i = next) {
          next += BATCH;
          const t = performance.now();
          await send(items.slice(i, i + BATCH));
          ms.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: clients }, sender));
      const total = performance.now() - started;
      const cpuAfter = await cpuSeconds(admin, database);
      const batches = Math.ceil(items.length / BATCH);
      const cpu = `${Math.round((1000 * (cpuAfter.node - cpuBefore.node)) / batches)} + ${Math.round((1000 * (cpuAfter.postgres - cpuBefore.postgres)) / batches)} ms`;
      if (statements) console.error(`statements of the last run (${Math.round(total)} ms in all):\n${drainStatementClock().slice(0, 25).join('\n')}`);
      const share = (key: keyof typeof upkeepClock) => `${Math.round((100 * (upkeepClock[key] - clock[key])) / total)} %`;
      return { perBatch: summarize(ms), rate: items.length / (total / 1000), upkeep: `rollups ${share('rollupsMs')}, FCR ${share('fcrMs')}`, cpu };
    };
    const sendContacts = (c: unknown[]) => post(RECORD, { c });
    const sendActivity = (a: unknown[]) => post(RECORD_ACTIVITY, { a });
    if (statements) drainStatementClock();
    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
    const loads: string[] = [load()];
    const fresh = await timeAll(contacts, sendContacts); // every contact created
    const resend = await timeAll(contacts, sendContacts); // every contact unchanged
    const corrections = await timeAll(corrected(contacts), sendContacts); // every contact updated and moved
    loads.push(load());
    const copy = await copyTheSameRows(url, organizationId, contacts.length);
    const freshActivity = await timeAll(activity, sendActivity);
    const resendActivity = await timeAll(activity, sendActivity);
    loads.push(load());
    await server.close();
    await admin.end();
    const exact = await sameAsRebuilt(url, orm.em.fork(), organizationId);

    const line = (name: string, r: { perBatch: Summary; rate: number; upkeep: string; cpu: string }, unit: string) =>
      `| ${name} | ${formatSummary(r.perBatch)} | ${Math.round(r.rate).toLocaleString('en')} ${unit}/s | ${r.upkeep} | ${r.cpu} |`;
    console.log(machine());
    console.log(
      `data: ${contacts.length.toLocaleString('en')} demo contacts and ${activity.length.toLocaleString('en')} activity records (${days} days), in batches of ${BATCH.toLocaleString('en')} ` +
        `from ${clients} ${clients === 1 ? 'sender' : 'senders at once'}, into ${prefillNote}; reporting zone ${reportingZone}; load average (1/5/15 min) ${loads.join(' → ')}`,
    );
    console.log('| run | per batch (min / median / max) | rate | share of the time in upkeep | CPU per batch: Node + PostgreSQL |\n|---|---|---|---|---|');
    console.log(line('new contacts', fresh, 'contacts'));
    console.log(line('same contacts re-sent', resend, 'contacts'));
    console.log(line('every contact corrected (moved 20 min, a third to another queue and agent)', corrections, 'contacts'));
    console.log(`| PostgreSQL COPY of the same ${contacts.length.toLocaleString('en')} rows into a copy of the contact table (same indexes, no upkeep) | ${Math.round(copy.ms)} ms | ${Math.round(copy.rate).toLocaleString('en')} contacts/s | none | |`);
    console.log(line('new activity records', freshActivity, 'records'));
    console.log(line('same activity records re-sent', resendActivity, 'records'));
    console.log(exact);
  }),
);

/**
 * The benchmark's contacts as stored (ids resolved), sent back with COPY FROM STDIN
 * into an empty table like `contact` (its indexes, none of its upkeep): what
 * PostgreSQL alone takes to write these rows on this machine.
 */
async function openAdmin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function copyTheSameRows(url: string, organizationId: number, count: number): Promise<{ ms: number; rate: number }> {
  return withClient(url, async (c) => {
    const columns = `organization_id, external_id, channel, direction, queue_id, team_id, agent_id, customer_ref, offered_at,
      answered_at, ended_at, wait_seconds, talk_seconds, hold_seconds, after_contact_work_seconds, transfers, resolved, disposition`;
    const { rows } = await c.query<{ line: string }>(
      `select concat_ws(E'\\t', ${columns.split(',').map((name) => `coalesce(${name.trim()}::text, '\\N')`).join(', ')}) as line
       from contact where organization_id = $1 and external_id not like 'bench-%' order by id limit $2`,
      [organizationId, count],
    );
    await c.query('create table contact_copy (like contact including defaults including constraints including indexes)');
    const data = rows.map((r) => r.line).join('\n') + '\n';
    const started = performance.now();
    await copyIn(c, `copy contact_copy (${columns}) from stdin`, data);
    const ms = performance.now() - started;
    return { ms, rate: rows.length / (ms / 1000) };
  });
}

/**
 * After the runs: every rollup and the FCR flags as the upkeep left them, compared
 * row for row (their count and the sum of their hashes) with a rebuild from the
 * stored facts (senders at once must not lose or double-count anything). Throws on
 * a difference.
 */
async function sameAsRebuilt(url: string, em: EntityManager, organizationId: number): Promise<string> {
  const snapshot = () =>
    withClient(url, async (c) => {
      const tables = [['fcr', 'select external_id, first_contact_resolved from contact']];
      for (const rollup of [...CONTACT_FACT.rollups, ...ACTIVITY_FACT.rollups]) {
        const keys = ['bucket', ...rollup.keys.map((k) => k.column)];
        tables.push([rollup.table, `select ${[...keys, ...Object.keys(rollup.sums)].join(', ')} from ${rollup.table}`]);
      }
      // Rows and the sum of each row's 64-bit hash: a digest in any order, small at 2 M contacts (the rows themselves were not).
      const out = new Map<string, string>();
      for (const [name, sql] of tables) {
        const { rows: [d] } = await c.query(`select count(*) || ' rows, ' || coalesce(sum(hashtextextended(r::text, 0)), 0) as digest from (${sql}) r`);
        out.set(name!, d.digest);
      }
      return out;
    });
  const kept = await snapshot();
  await rebuildOrganizationFacts(em, organizationId);
  const rebuilt = await snapshot();
  const differing = [...kept.keys()].filter((name) => kept.get(name) !== rebuilt.get(name));
  if (differing.length) throw new Error(`kept by the upkeep and rebuilt differ: ${differing.join(', ')}`);
  return `exact: FCR and the ${kept.size - 1} rollups kept by the upkeep equal a rebuild from the stored facts, row for row (count and hash sum)`;
}
