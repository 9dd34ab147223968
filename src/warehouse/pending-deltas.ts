import type { EntityManager } from '@mikro-orm/postgresql';
import { addToRollups, binned, ensureDeltaTable, inLocalDay, instantsLiteral, signedVersions, stagedQuarterHours, upkeepClock, withoutJit } from './deltas';
import { ACTIVITY_FACT, CONTACT_FACT, type FactSpec, type RollupTable } from './facts';
import { localDaysFromTo } from './grain';
import type { Logger } from '../platform/logger';

/**
 * Rollups brought up to date after the writer's commit. A writer of a fact with a
 * `pendingTable` keeps the versions it staged there (deltas.ts) instead of adding
 * them to every rollup under the organization's write lock: the lock is then held
 * for the batch's own rows, and the rollup upkeep, about half of a batch's
 * PostgreSQL time, runs beside the next batch. The fold moves what is pending into
 * the rollups in one transaction, so a read sees each version either pending or
 * in the rollups, never both, never neither; reads add what is pending
 * (rollupSource), so every answer is exact when the write returns.
 *
 * Each server instance folds right after its own writes (foldSoon) and sweeps every
 * second for what other writers left (survey answers, a crash before the fold).
 * Folds of one organization take turns on their own lock, not the write lock.
 */

/** The advisory lock space of folds: one fold of an organization at a time. */
export const FOLD_LOCK_SPACE = 7104;

/** Every rollup, by table: the read side names the rollups it reads by table. */
const ROLLUPS = new Map<string, { fact: FactSpec; rollup: RollupTable }>(
  [CONTACT_FACT, ACTIVITY_FACT].flatMap((fact) => fact.rollups.map((rollup) => [rollup.table, { fact, rollup }] as const)),
);

/**
 * What a read selects FROM for rollup `table`: its rows and, for a fact whose deltas
 * are folded after commit, the deltas pending for `organizationId`, summed into rows
 * of the same columns (a count may be negative there, its row's sum is not). A
 * local-day rollup's pending rows cover the days of `localDays` (the read's range, in
 * its zone). Inline literals only: the organization id and instants are numbers.
 */
export function rollupSource(table: string, organizationId: number, localDays?: { zone: string; from: Date; to: Date }): string {
  const found = ROLLUPS.get(table);
  if (!found) throw new Error(`no rollup table ${table}`);
  const { fact, rollup } = found;
  if (!fact.pendingTable) return table;
  const { alias, time } = fact;
  const rows = `(select * from ${fact.pendingTable} where organization_id = ${Math.trunc(organizationId)}) ${alias}`;
  let pending: string;
  if (rollup.local) {
    const days = localDays ? localDaysFromTo(localDays.from.getTime(), localDays.to.getTime() - 1, localDays.zone) : [];
    if (days.length === 0) return table;
    const from = inLocalDay(rows, `${alias}.${time}`, instantsLiteral(days.map((d) => d[0])), instantsLiteral(days.map((d) => d[1])));
    pending = signedVersions(rollup, alias, from, 'k.b');
  } else {
    pending = signedVersions(rollup, alias, rows, binned(`${alias}.${time}`, rollup.interval));
  }
  const columns = ['organization_id', 'bucket', ...rollup.keys.map((k) => k.column), ...Object.keys(rollup.sums)];
  return `(select ${columns.join(', ')} from ${table} union all select ${Math.trunc(organizationId)}, p.* from (${pending}) p)`;
}

/** The column a rollup's rows count their facts in: a read drops groups where it sums to 0 (all their facts moved away, pending). */
export function countColumnOf(table: string): string {
  const found = ROLLUPS.get(table);
  if (!found) throw new Error(`no rollup table ${table}`);
  return found.rollup.count;
}

/**
 * Moves every version pending for the organization into the fact's rollups, in one
 * transaction of its own (`em` must not be in one). Returns how many versions it moved.
 */
export async function foldPendingDeltas(em: EntityManager, organizationId: number, fact: FactSpec = CONTACT_FACT): Promise<number> {
  const { pendingTable } = fact;
  if (!pendingTable) return 0;
  const started = performance.now();
  try {
    return await em.fork().transactional((tx) => fold(tx, organizationId, fact, pendingTable));
  } finally {
    upkeepClock.foldMs += performance.now() - started;
  }
}

async function fold(tx: EntityManager, organizationId: number, fact: FactSpec, pendingTable: string): Promise<number> {
  const { deltaTable, staged } = fact;
  await withoutJit(tx);
  await tx.execute('select pg_advisory_xact_lock(?, ?)', [FOLD_LOCK_SPACE, organizationId]);
  await ensureDeltaTable(tx, fact);
  // Only versions committed before this statement: a writer's uncommitted ones stay for the next fold.
  const [{ moved }] = await tx.execute<Array<{ moved: number }>>(
    `with moved as (delete from ${pendingTable} where organization_id = ? returning sign, ${staged.join(', ')}),
       kept as (insert into ${deltaTable} (sign, ${staged.join(', ')}) select * from moved returning 1)
     select count(*)::int as moved from kept`,
    [organizationId],
  );
  if (moved > 0) await addToRollups(tx, organizationId, fact, await stagedQuarterHours(tx, fact));
  await tx.execute(`delete from ${deltaTable}`);
  return moved;
}

/** Organizations with versions pending (this statement's text starts the sweep's: test/support/statements.ts). */
async function pendingOrganizations(em: EntityManager, fact: FactSpec): Promise<number[]> {
  const rows: Array<{ organization_id: number }> = await em.execute(`select distinct organization_id from ${fact.pendingTable}`);
  return rows.map((r) => r.organization_id);
}

export interface DeltaFolder {
  /**
   * Folds the organization's pending versions soon (after the folds already asked for).
   * Resolves at once, or, when a fold of the organization is running already, once it
   * has finished: a writer then waits for the fold before its own (backpressure), so
   * the versions pending stay within about two batches a server however fast it is sent.
   */
  kick(organizationId: number): Promise<void>;
  /** Resolves once no fold is running or asked for. */
  idle(): Promise<void>;
  /** Stops the sweep and waits for the folds in progress. */
  stop(): Promise<void>;
}

const folders = new Map<DeltaFolder, EntityManager>();

/** After a commit that kept versions pending: the folders of this database fold them soon (see DeltaFolder.kick). */
export async function foldSoon(em: EntityManager, organizationId: number): Promise<void> {
  for (const [folder, own] of folders) if (own.config === em.config) await folder.kick(organizationId);
}

/**
 * This server instance's folder: one fold at a time, of each organization asked for
 * (a batch's commit, or the sweep every `intervalMs`). A failed fold leaves its versions
 * pending (reads stay exact) for the next kick or sweep.
 */
export function startDeltaFolder(em: EntityManager, logger: Logger, intervalMs = 1_000): DeltaFolder {
  const wanted = new Set<number>();
  let running: Promise<void> | null = null;
  /** The fold in progress: its organization, and when it ends. */
  let current: { organizationId: number; done: Promise<unknown> } | null = null;
  let stopped = false;
  const run = async () => {
    while (wanted.size > 0 && !stopped) {
      const [organizationId] = wanted;
      wanted.delete(organizationId!);
      const done = foldPendingDeltas(em, organizationId!).catch((error) =>
        logger.warn({ err: error, organizationId }, 'pending rollup deltas could not be folded; retried on the next sweep'),
      );
      current = { organizationId: organizationId!, done };
      await done;
      current = null;
    }
  };
  const start = () => {
    // A kick while the last fold was finishing finds `running` still set: started again here.
    running ??= run().finally(() => {
      running = null;
      if (wanted.size > 0 && !stopped) start();
    });
  };
  const folder: DeltaFolder = {
    async kick(organizationId) {
      if (stopped) return;
      const before = current?.organizationId === organizationId ? current.done : null;
      wanted.add(organizationId);
      start();
      await before;
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      folders.delete(folder);
      await running;
    },
  };
  const timer = setInterval(() => {
    if (running) return;
    pendingOrganizations(em.fork(), CONTACT_FACT)
      .then((organizations) => organizations.forEach((o) => void folder.kick(o)))
      .catch((error) => logger.warn({ err: error }, 'pending rollup deltas could not be looked up; retried on the next sweep'));
  }, intervalMs);
  timer.unref();
  folders.set(folder, em);
  return folder;
}
