import type { EntityManager } from '@mikro-orm/postgresql';
import { NO_LOCAL_DAYS_ZONE, localDaysHolding } from './grain';
import { reportingZoneOf } from '../org/reporting-zone';
import type { FactSpec, RollupTable } from './facts';
import { DIMENSIONS } from './dimensions';
import type { DimensionsTouched, FactsChanged } from '../org/events';
import { noticeFactsChanged } from './fact-notices';
import { runUpkeepHooks } from './upkeep-hooks';

/**
 * The rollups' upkeep by additive deltas. A writer stages, in a temporary table of
 * its session, every fact version its statements replaced (sign −1) and wrote
 * (sign +1); `applyDeltas` then adds, per rollup, the sums of the written versions
 * minus those of the replaced ones to the rows they fall in (INSERT … ON CONFLICT
 * DO UPDATE SET x = x + excluded.x) and deletes rows left without facts. The work
 * follows the size of the batch, not of the buckets it touches, and every rollup is
 * exact when the transaction commits. Writers of an organization hold its write lock,
 * so the versions staged are the versions stored.
 */

/** UTC-aligned bucket of `time` (date_bin, unlike date_trunc, ignores the session's TimeZone). */
export const binned = (time: string, interval: string) => `date_bin('${interval}', ${time}, timestamptz '2000-01-01 00:00:00+00')`;

/**
 * Milliseconds this process spent in the upkeep since it started: applying deltas to
 * the rollups, and recomputing FCR. Read by the ingest benchmark (its share of a batch).
 */
export const upkeepClock = { rollupsMs: 0, fcrMs: 0 };

/** What a settled batch changed, for whoever is told after commit (its quarter hours and dimension values). */
export type FactChange = FactsChanged;

/** The reported dimensions a fact carries (its finest delta keeps them): what its changes tell they touched. */
const touchedColumns = (fact: FactSpec) =>
  DIMENSIONS.filter((d) => d.name !== null && fact.finest.keys.some((k) => k.column === d.column)).map((d) => d.column);

/** The distinct values of each reported dimension among the staged versions. */
async function dimensionsTouched(em: EntityManager, fact: FactSpec): Promise<DimensionsTouched> {
  const columns = touchedColumns(fact);
  const [row] = await em.execute<Array<Record<string, Array<string | number>>>>(
    `select ${columns.map((c) => `array_remove(array_agg(distinct ${c}), null) as ${c}`).join(', ')} from ${fact.deltaTable}`,
  );
  return Object.fromEntries(columns.map((c) => [c, row?.[c] ?? []]));
}

/**
 * Creates the fact's staging tables in this session if needed; they empty themselves
 * at every commit: the staged versions, typed like the fact's columns, and the finest
 * delta, typed like the sums that fill it.
 */
export async function ensureDeltaTable(em: EntityManager, fact: FactSpec): Promise<void> {
  const { alias, time, deltaTable, finest } = fact;
  await em.execute(
    `create temp table if not exists ${deltaTable} on commit delete rows as
     select 1::smallint as sign, ${fact.staged.join(', ')} from ${fact.table} with no data;
     create temp table if not exists ${sumsTableOf(fact)} on commit delete rows as
     select 0 as organization_id, d.* from (${signedVersions(finest, alias, `${deltaTable} ${alias}`, binned(`${alias}.${time}`, finest.interval))}) d
     with no data`,
  );
}

/** The staged delta of the fact's finest layout (FactSpec.finest). */
const sumsTableOf = (fact: FactSpec) => `${fact.deltaTable}_sums`;

/** Tells the statement that follows to skip JIT: upkeep statements over a few thousand rows spent most of their time compiling. */
export async function withoutJit(em: EntityManager): Promise<void> {
  await em.execute('set local jit = off');
}

/**
 * Adds the staged deltas to every rollup of the fact, then empties the staging table.
 * Returns the span of the changed facts, or null when nothing was staged.
 */
export async function applyDeltas(em: EntityManager, organizationId: number, fact: FactSpec): Promise<FactChange | null> {
  const started = performance.now();
  try {
    return await addDeltas(em, organizationId, fact);
  } finally {
    upkeepClock.rollupsMs += performance.now() - started;
  }
}

async function addDeltas(em: EntityManager, organizationId: number, fact: FactSpec): Promise<FactChange | null> {
  const { alias, time, deltaTable } = fact;
  await ensureDeltaTable(em, fact);
  const quarterHours: Array<{ b: Date | string }> = await em.execute(
    `select distinct ${binned(`${time}`, '15 minutes')} as b from ${deltaTable} order by 1`,
  );
  if (quarterHours.length === 0) return null;
  const instants = quarterHours.map((r) => new Date(r.b).getTime());
  const zone = fact.rollups.some((r) => r.local) ? await reportingZoneOf(em, organizationId) : NO_LOCAL_DAYS_ZONE;
  const days = zone === NO_LOCAL_DAYS_ZONE ? [] : localDaysHolding(instants, zone);
  const starts = `{${days.map((d) => new Date(d[0]).toISOString()).join(',')}}`;
  const dayParams = [starts, `{${days.map((d) => new Date(d[1]).toISOString()).join(',')}}`, starts];
  // A row's local day (k.b) by binary search over the days' starts (ascending, apart):
  // a range join (b <= t < e) compared every row with every day, 0.7 s a local rollup
  // for 13,000 staged rows over a year of days (setQueueTeam). Three parameters: dayParams.
  const inLocalDay = (rows: string, t: string) =>
    `${rows} join unnest(?::timestamptz[], ?::timestamptz[]) with ordinality as k(b, e, n) on k.n = width_bucket(${t}, ?::timestamptz[]) and ${t} < k.e`;

  // The finest delta is summed once from the staged versions (one sort of them);
  // every rollup it can answer is summed from that, far fewer rows.
  const finest = fact.finest;
  const sums = sumsTableOf(fact);
  const finestKeys = finest.keys.map((k) => k.column);
  await em.execute(
    `insert into ${sums} (organization_id, bucket, ${finestKeys.join(', ')}, ${Object.keys(finest.sums).join(', ')})
     ${summed(finest, signedVersions(finest, alias, `${deltaTable} ${alias}`, binned(`${alias}.${time}`, finest.interval)), true)}`,
    [organizationId],
  );
  // A local day is summed from the finest delta only where it starts and ends on its buckets (not from hours under +05:30).
  const daysOnFinest = days.every(([dayStart, dayEnd]) => dayStart % finest.ms === 0 && dayEnd % finest.ms === 0);
  const fromFinest = (rollup: RollupTable) =>
    rollup.sums === finest.sums && !rollup.where && (rollup.local ? daysOnFinest : rollup.ms % finest.ms === 0) &&
    rollup.keys.every((k) => finestKeys.includes(k.column) && k.expr === `${alias}.${k.column}`);

  for (const rollup of fact.rollups) {
    if (rollup.local && days.length === 0) continue;
    let rows: string;
    const finer = fromFinest(rollup);
    if (finer) {
      const from = rollup.local
        ? inLocalDay(`${sums} s`, 's.bucket')
        : `${sums} s`;
      const bucket = rollup.local ? 'k.b' : rollup === finest ? 's.bucket' : binned('s.bucket', rollup.interval);
      const columns = [...rollup.keys.map((k) => k.column), ...Object.keys(rollup.sums)].map((c) => `s.${c}`);
      rows = `select ${[`${bucket} as bucket`, ...columns].join(', ')} from ${from}`;
    } else {
      const from = rollup.local
        ? inLocalDay(`${deltaTable} ${alias}`, `${alias}.${time}`)
        : `${deltaTable} ${alias}`;
      rows = signedVersions(rollup, alias, from, rollup.local ? 'k.b' : binned(`${alias}.${time}`, rollup.interval));
    }
    const params = rollup.local ? [organizationId, ...dayParams] : [organizationId];
    // The finest rollup's delta, and one summed from the staged versions, is already one row per bucket and key: added as it is.
    const emptied: Array<{ bucket: Date | string }> = await em.execute(addDeltaSql(rollup, rows, rollup === finest || !finer), params);
    if (emptied.length > 0) {
      await em.execute(
        `delete from ${rollup.table} where organization_id = ? and bucket = any(?::timestamptz[]) and ${rollup.count} = 0`,
        [organizationId, `{${emptied.map((r) => new Date(r.bucket).toISOString()).join(',')}}`],
      );
    }
  }
  const dimensions = await dimensionsTouched(em, fact);
  await em.execute(`delete from ${deltaTable}`);
  await em.execute(`delete from ${sums}`);
  const last = instants[instants.length - 1]!;
  const change = { organizationId, from: new Date(instants[0]!), to: new Date(last + 15 * 60_000), dimensions };
  await noticeFactsChanged(em, { ...change, members: dimensions }); // to every server's live subscriptions, on commit
  await runUpkeepHooks(em, change); // the SLA alerts' outbox: written with the write, or not at all
  return change;
}

/**
 * The staged versions of a fact as signed aggregates of a rollup, per bucket and
 * key, in one pass: each aggregate weighs a version by its sign (+1 written, −1
 * replaced). Summing the two signs apart and then the pair again (a union) sorted
 * and aggregated the batch's rows twice: 25 of 70 ms of the finest delta of 10,000
 * new contacts.
 */
function signedVersions(rollup: RollupTable, alias: string, from: string, bucket: string): string {
  return `
    select ${[
      `${bucket} as bucket`,
      ...rollup.keys.map((k) => `${k.expr} as ${k.column}`),
      ...Object.entries(rollup.sums).map(([column, aggregate]) => `${signedAggregate(aggregate, alias)} as ${column}`),
    ].join(', ')}
    from ${from}
    ${rollup.where ? `where ${rollup.where}` : ''}
    group by ${[bucket, ...rollup.keys.map((k) => k.expr)].join(', ')}`;
}

const FILTERED = String.raw`( filter \(where .+\))?`;
const COUNT = new RegExp(String.raw`^count\(\*\)${FILTERED}$`);
const SUM = new RegExp(String.raw`^sum\((.+?)\)${FILTERED}$`);
const COALESCED = /^coalesce\((.+), 0\)$/;

/**
 * An aggregate over fact rows `alias` rewritten to weigh each row by `alias.sign`:
 * count(*) [filter] → coalesce(sum(sign) [filter], 0); sum(x) [filter] → sum(sign * (x))
 * [filter]; either inside coalesce(…, 0). Any other form is refused.
 */
export function signedAggregate(aggregate: string, alias: string): string {
  const coalesced = COALESCED.exec(aggregate);
  if (coalesced) return `coalesce(${signedAggregate(coalesced[1]!, alias)}, 0)`;
  const count = COUNT.exec(aggregate);
  if (count) return `coalesce(sum(${alias}.sign)${count[1] ?? ''}, 0)`;
  const sum = SUM.exec(aggregate);
  if (sum) return `sum(${alias}.sign * (${sum[1]}))${sum[2] ?? ''}`;
  throw new Error(`the upkeep cannot weigh this aggregate by sign: ${aggregate}`);
}

/**
 * Sums rollup rows or deltas: typed_sum keeps the column's type, where sum(bigint) made a
 * numeric of every group and column (a migration declares it: Migration20261205220000).
 */
export const rowsSum = (column: string) => `typed_sum(${column})`;

/** The rows of a rollup's delta: `rows` (bucket, keys, sums) summed per bucket and key (unless already), in bucket order. */
function summed(rollup: RollupTable, rows: string, grouped = false): string {
  const keys = rollup.keys.map((k) => `d.${k.column}`);
  const sums = Object.keys(rollup.sums).map((c) => (grouped ? `d.${c}` : rowsSum(`d.${c}`)));
  return `select ${['?', 'd.bucket', ...keys, ...sums].join(', ')}
    from (${rows}) d
    ${grouped ? '' : `group by ${['d.bucket', ...keys].join(', ')}`}
    order by d.bucket`;
}

/**
 * One rollup's upkeep statement: its delta added to the stored rows
 * (x = x + excluded.x); returns the buckets of rows whose fact count dropped to 0.
 */
function addDeltaSql(rollup: RollupTable, rows: string, grouped: boolean): string {
  const sums = Object.keys(rollup.sums);
  return `
    with added as (
      insert into ${rollup.table} as t (${['organization_id', 'bucket', ...rollup.keys.map((k) => k.column), ...sums].join(', ')})
      ${summed(rollup, rows, grouped)}
      on conflict on constraint ${rollup.table}_key do update set ${sums.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}
      returning t.bucket, t.${rollup.count} as n)
    select distinct bucket from added where n = 0`;
}
