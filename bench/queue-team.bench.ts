import 'reflect-metadata';
/**
 * setQueueTeam on a large organization: how long moving a queue's contacts without a
 * team of their own (its abandoned calls) to a new owner takes, rollups included,
 * and that the rollups still equal the contacts afterwards.
 *
 *   npx tsx bench/queue-team.bench.ts    # BENCH_CONTACTS (default 500,000), BENCH_RUNS (default 3)
 *
 * The generated center (bench/generate.ts) leaves its 7 % unanswered contacts without
 * a team: each of its 8 queues holds about 1/8 of them. Each run moves one queue
 * none -> team A -> team B -> none, timed per call of the service (one transaction each).
 */
import { setReportingZone } from '../src/analytics/reporting-zone';
import { QueueTeamService } from '../src/contacts/queue-team.service';
import { rebuildOrganizationFacts } from '../src/warehouse/rebuild';
import { generateCenterYear } from './generate';
import { startStatementClock, statementClock } from './statement-clock';
import { formatSummary, machine, runBench, summarize, withBenchDatabase, withClient, type BenchDatabase } from './support';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 500_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main({ url, orm, organizationId: org, reused }: BenchDatabase) {
  let started = performance.now();
  if (!reused) {
    await withClient(url, (c) => generateCenterYear(c, org, CONTACTS, '2025-01-01T00:00:00Z'));
    await rebuildOrganizationFacts(orm.em.fork(), org);
    await setReportingZone(orm.em.fork(), org, 'Europe/Berlin'); // its local-day rollups move too
    await withClient(url, (c) => c.query('analyze'));
  }
  console.log(`loaded ${CONTACTS} contacts in ${Math.round(performance.now() - started)} ms (${machine()})`);
  const sql = <T>(text: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(text, params);
  const [queue] = await sql<{ id: number }>(`select id from queue where organization_id = ? and key = 'queue-1'`, [org]);
  const teams = await sql<{ id: number }>(`select id from team where organization_id = ? and key in ('team-1', 'team-2') order by key`, [org]);
  const [followers] = await sql<{ n: number }>(
    `select count(*)::int as n from contact where organization_id = ? and queue_id = ? and (team_id is null or team_from_queue)`,
    [org, queue!.id],
  );
  const plan = await sql<{ 'QUERY PLAN': string }>(
    `explain select id from contact c where c.organization_id = ? and c.queue_id = ? and (c.team_id is null or c.team_from_queue)`,
    [org, queue!.id],
  );
  console.log(`queue-1: ${followers!.n} contacts without a team of their own; plan: ${plan.map((p) => p['QUERY PLAN'].trim()).join(' | ')}`);

  const service = new QueueTeamService(orm.em.fork());
  startStatementClock();
  const steps = [
    { name: 'none -> A', team: teams[0]!.id },
    { name: 'A -> B', team: teams[1]!.id },
    { name: 'B -> none', team: null },
  ];
  const times = new Map<string, number[]>(steps.map((s) => [s.name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const step of steps) {
      started = performance.now();
      const { moved } = await service.set(org, queue!.id, step.team);
      times.get(step.name)!.push(Math.round(performance.now() - started));
      if (moved !== followers!.n) throw new Error(`${step.name}: moved ${moved}, expected ${followers!.n}`);
    }
  }
  for (const [name, ms] of times) console.log(`setQueueTeam ${name}: ${followers!.n} contacts moved, ${formatSummary(summarize(ms))} (min / median / max of ${RUNS})`);
  const calls = RUNS * steps.length;
  const slowest = [...statementClock].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [name, { n, ms }] of slowest) console.log(`  ${(ms / calls).toFixed(0).padStart(6)} ms a call  ${String(n / calls).padStart(4)}x  ${name}`);

  // The rollups still hold what the contacts add up to: per team, in the quarter-hour, the UTC day and the Berlin day rollups.
  for (const table of ['contact_rollup_team', 'contact_rollup_day_team', 'contact_rollup_local_day_team']) {
    const [diff] = await sql<{ n: number }>(
      `select count(*)::int as n from (
         (select team_id, count(*)::numeric as contacts from contact where organization_id = ? group by team_id
          except select team_id, sum(contacts)::numeric from ${table} where organization_id = ? group by team_id)
         union all
         (select team_id, sum(contacts)::numeric from ${table} where organization_id = ? group by team_id
          except select team_id, count(*)::numeric from contact where organization_id = ? group by team_id)) d`,
      [org, org, org, org],
    );
    console.log(`${table}: teams whose contacts differ from the rollup's: ${diff!.n}`);
  }
}

runBench(() => withBenchDatabase('queue_team', main));
