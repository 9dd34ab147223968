import type { EntityManager } from '@mikro-orm/postgresql';
import { writeTransaction } from '../platform/write-transaction';
import { resolveHourlyCosts } from './activity-facts';
import { rederiveBuckets, timeRangeOf, type Bucket } from './buckets';
import { NO_LOCAL_DAYS_ZONE, localDaysFromTo } from './grain';
import { reportingZoneOf } from '../org/reporting-zone';
import { FCR_WINDOW } from './contact-facts';
import { QA_CONTACT_TALLIES, SURVEY_CONTACT_TALLIES, refreshContactTallies } from './contact-tallies';
import { binned, rowsSum, withoutJit } from './deltas';
import { ACTIVITY_FACT, CONTACT_FACT, finestStored, type FactSpec, type RollupTable } from './facts';
import { lockOrganizationWrites } from './write-lock';
import { runSteps, type Step } from '../platform/step-graph';
import { availableParallelism } from 'node:os';
import { noticeFactsChanged } from './fact-notices';

/**
 * Rollups derived afresh, for bulk loads, for operators after restoring or
 * repairing data, and for the reporting zone's days when the zone changes. Each
 * rollup with a finer one is summed from it; the others from the facts.
 */

/** Finest first: every rollup after the one it is summed from. */
function finestFirst(rollups: readonly RollupTable[]): RollupTable[] {
  const ordered: RollupTable[] = [];
  const visit = (r: RollupTable) => {
    if (ordered.includes(r)) return;
    if (r.finer) visit(r.finer);
    ordered.push(r);
  };
  rollups.forEach(visit);
  return ordered;
}

/**
 * Inserts a rollup's rows from `source` (rows aliased `f`, the bucket as `bucket`):
 * sums of the finer rollup's columns, or the aggregates over facts. Ordered by
 * bucket: a bulk rebuild inserting in hash order scattered each day's rows over the
 * whole table, so a month by day × agent read 2,170 pages instead of 195.
 */
async function insertRollup(em: EntityManager, rollup: RollupTable, fromFacts: boolean, source: string, bucket: string, params: unknown[]): Promise<void> {
  const keys = rollup.keys.map((k) => k.column);
  const keyExprs = fromFacts ? rollup.keys.map((k) => k.expr) : keys.map((k) => `f.${k}`);
  const sums = Object.entries(rollup.sums).map(([column, aggregate]) => (fromFacts ? aggregate : rowsSum(`f.${column}`)));
  await em.execute(
    `insert into ${rollup.table} (${['organization_id', 'bucket', ...keys, ...Object.keys(rollup.sums)].join(', ')})
     select ${['?', bucket, ...keyExprs, ...sums].join(', ')}
     from ${source}
     ${fromFacts && rollup.where ? `where ${rollup.where}` : ''}
     group by ${[bucket, ...keyExprs].join(', ')}
     order by 2`,
    params,
  );
}

/**
 * Re-derives days of a local-day rollup: from its finer (hour) rollup when each day
 * starts and ends on its buckets, else from the fact's finest rollup when it is
 * stored and they do (quarter hours), else from the facts themselves.
 */
async function rederiveLocalDays(em: EntityManager, organizationId: number, fact: FactSpec, rollup: RollupTable, days: Bucket[]): Promise<void> {
  const onBuckets = (r: RollupTable) => days.every(([start, end]) => start % r.ms === 0 && end % r.ms === 0);
  const source = [rollup.finer!, ...(finestStored(fact) ? [fact.finest] : [])].find(onBuckets);
  const from = source ? { table: source.table, alias: 'f', time: 'bucket' } : { table: fact.table, alias: fact.alias, time: fact.time };
  await rederiveBuckets(em, organizationId, [rollup.table], days, from, (rows, bucket, params) =>
    insertRollup(em, rollup, !source, rows, bucket, [organizationId, ...params]),
  );
}

/** Rebuilds an organization's local-day rollups of a fact for its reporting zone (none for UTC). */
export async function rebuildLocalDays(em: EntityManager, organizationId: number, fact: FactSpec): Promise<void> {
  for (const rollup of fact.rollups.filter((r) => r.local)) await rebuildLocalRollup(em, organizationId, fact, rollup);
}

/** One local-day rollup derived afresh for the organization's reporting zone (emptied for UTC). */
async function rebuildLocalRollup(em: EntityManager, organizationId: number, fact: FactSpec, rollup: RollupTable): Promise<void> {
  const zone = await reportingZoneOf(em, organizationId);
  const range = zone === NO_LOCAL_DAYS_ZONE ? null : await timeRangeOf(em, organizationId, fact.table, fact.time);
  await em.execute(`delete from ${rollup.table} where organization_id = ?`, [organizationId]);
  if (range) await rederiveLocalDays(em, organizationId, fact, rollup, localDaysFromTo(...range, zone));
}

/** One rollup (not by local days) derived afresh for the whole organization: from its finer rollup, or from the facts when it has none. */
async function rebuildRollup(em: EntityManager, organizationId: number, fact: FactSpec, rollup: RollupTable): Promise<void> {
  await em.execute(`delete from ${rollup.table} where organization_id = ?`, [organizationId]);
  const fromFacts = !rollup.finer;
  const source = fromFacts
    ? `(select * from ${fact.table} where organization_id = ?) ${fact.alias}`
    : `(select * from ${rollup.finer!.table} where organization_id = ?) f`;
  const bucket = binned(`${fromFacts ? fact.alias : 'f'}.${fromFacts ? fact.time : 'bucket'}`, rollup.interval);
  await insertRollup(em, rollup, fromFacts, source, bucket, [organizationId, organizationId]);
}

/**
 * The steps that derive a fact's rollups, once `factsFinal` (the step that last
 * changes the facts) has committed, each after the rollups it is summed from. Those
 * read from the facts (the longest) come first, the ones more rollups are summed from
 * before the others (they let more steps start); then the rest, finest first.
 */
function rollupSteps(organizationId: number, fact: FactSpec, factsFinal: string): Array<Step<EntityManager>> {
  const sources = (r: RollupTable) =>
    (r.local ? [r.finer, ...(finestStored(fact) ? [fact.finest] : [])] : [r.finer]).filter((s): s is RollupTable => s !== undefined && s !== r);
  const summedFrom = (r: RollupTable): number =>
    fact.rollups.filter((other) => other.finer === r).reduce((n, other) => n + 1 + summedFrom(other), 0);
  const fromFacts = fact.rollups.filter((r) => !r.finer && !r.local).sort((a, b) => summedFrom(b) - summedFrom(a));
  const derived = finestFirst(fact.rollups).filter((r) => !fromFacts.includes(r));
  return [...fromFacts, ...derived].map((rollup) => ({
    name: rollup.table,
    after: [factsFinal, ...sources(rollup).map((s) => s.table)],
    run: (tx) =>
      rollup.local ? rebuildLocalRollup(tx, organizationId, fact, rollup) : rebuildRollup(tx, organizationId, fact, rollup),
  }));
}

/** Memory for each sort or hash of the rebuild's statements (one statement at a time per session). */
const REBUILD_WORK_MEM = '256MB';

/**
 * Sessions the rebuild works in at once, beside the one that holds the lock: the
 * steps are independent enough (two halves of the customers' FCR flags, then each
 * rollup apart) that a second core takes about half of the work.
 */
export const REBUILD_SESSIONS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * Recomputes every FCR flag, survey and QA tally and rollup of an organization from its
 * contacts, and the cost and rollups of its agent activity: for bulk loads and for
 * operators after restoring or repairing data.
 *
 * One transaction holds the organization's write lock throughout (writers wait) and
 * bumps its facts version when it commits; the work itself runs as steps in `sessions`
 * other sessions at once, each step in a transaction of its own, once the steps it
 * reads from have committed (runSteps). Readers therefore see each rollup switch to its
 * new rows when its step commits, not all at one instant; and if the rebuild fails,
 * each rollup and flag is either derived afresh or as it was: running it again repairs
 * the rest. The caller's `em` must not be in a transaction (the steps could not see
 * its writes).
 */
export async function rebuildOrganizationFacts(em: EntityManager, organizationId: number, sessions = REBUILD_SESSIONS): Promise<void> {
  if (em.isInTransaction()) throw new Error('rebuildOrganizationFacts runs its own transactions: call it outside one');
  const fcrParts = Array.from({ length: sessions }, (_, part) => `FCR flags ${part + 1}/${sessions}`);
  const steps: Array<Step<EntityManager>> = [
    ...fcrParts.map((name, part) => ({ name, after: [], run: (tx: EntityManager) => refreshFcrFlags(tx, organizationId, part, sessions) })),
    { name: 'hourly costs', after: [], run: (tx) => resolveHourlyCosts(tx, organizationId, 'ALL') },
    // The tallies update the same contact rows as the FCR flags: after them, one at a time.
    { name: 'survey tallies', after: fcrParts, run: (tx) => refreshContactTallies(tx, organizationId, null, SURVEY_CONTACT_TALLIES) },
    { name: 'QA tallies', after: ['survey tallies'], run: (tx) => refreshContactTallies(tx, organizationId, null, QA_CONTACT_TALLIES) },
    ...rollupSteps(organizationId, CONTACT_FACT, 'QA tallies'),
    ...rollupSteps(organizationId, ACTIVITY_FACT, 'hourly costs'),
  ];
  const workers = Array.from({ length: sessions }, () => em.fork());
  await writeTransaction(em.fork(), async (lock) => {
    await lockOrganizationWrites(lock, organizationId);
    await runSteps(
      steps.map((step) => ({
        ...step,
        run: (worker: EntityManager) =>
          writeTransaction(worker, async (tx) => {
            await withoutJit(tx);
            // Each rollup groups every fact of the organization: with the default 4 MB a sort or hash spills to disk.
            await tx.execute(`set local work_mem = '${REBUILD_WORK_MEM}'`);
            await step.run(tx);
          }),
      })),
      workers,
    );
    await noticeRebuilt(lock, organizationId);
  });
}

/**
 * FCR flags of the organization's customers in one part of `parts` (by a hash of the
 * customer, so a customer's contacts are all in one part): the next strictly later
 * inbound contact of the same customer decides. Customers are grouped by their bytes
 * (collate "C": the same groups, sorted faster than by the locale's rules).
 */
async function refreshFcrFlags(em: EntityManager, organizationId: number, part: number, parts: number): Promise<void> {
  // The planner guesses a part's rows 100× too few and probed the primary key for each
  // (19 s of a half of 2 M contacts); a hash join with the contacts takes 9 s.
  await em.execute('set local enable_nestloop = off');
  await em.execute(
    `with next as (
       select id, answered_at is not null as answered, offered_at,
         min(offered_at) over (partition by customer_ref collate "C" order by offered_at
                               range between '1 second' following and unbounded following) as next_at
       from contact where organization_id = ? and direction = 'INBOUND' and customer_ref is not null
         and mod(hashtext(customer_ref)::int8 + 2147483648, ?) = ?),
     flags as (
       select id, case when answered then next_at is null or next_at > offered_at + ${FCR_WINDOW} end as fcr from next)
     update contact c set first_contact_resolved = flags.fcr
     from flags where c.organization_id = ? and c.id = flags.id and c.first_contact_resolved is distinct from flags.fcr`,
    [organizationId, parts, part, organizationId],
  );
}

/** Tells every server's live reports (once the rebuild commits) that any of the organization's facts may have changed. */
async function noticeRebuilt(em: EntityManager, organizationId: number): Promise<void> {
  const known: Array<[number, number]> = [];
  for (const fact of [CONTACT_FACT, ACTIVITY_FACT]) {
    const span = await timeRangeOf(em, organizationId, fact.table, fact.time);
    if (span) known.push(span);
  }
  if (known.length === 0) return;
  const from = Math.min(...known.map(([first]) => first));
  const to = Math.max(...known.map(([, last]) => last)) + 1;
  await noticeFactsChanged(em, { organizationId, from: new Date(from), to: new Date(to), members: null });
}
