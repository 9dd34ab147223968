import type { EntityManager } from '@mikro-orm/postgresql';
import { bumpFactsVersion } from './facts-version';
import { hasSqlState } from '../platform/db-errors';

/**
 * The organization's write lock: a transaction-scoped advisory lock that every
 * writer of an organization's facts takes first. It serializes what must be
 * serialized: reading a contact's stored version before replacing it (its delta)
 * and recomputing FCR, which looks at the customer's other contacts. Taking it
 * bumps the organization's facts version (the KPI result cache's key).
 *
 * Writers that wait for it (batches, invitations, rebuilds: they may hold it for
 * seconds) first take a second lock in shared mode, WRITER_IN: it tells a survey
 * answer, which holds the write lock for milliseconds and must not wait seconds,
 * whether waiting is worth it (see lockOrganizationWritesUnlessBusy).
 */
const WRITE_LOCK_SPACE = 7100;
const WRITER_IN_SPACE = 7102;

export async function lockOrganizationWrites(em: EntityManager, organizationId: number): Promise<void> {
  await em.execute('select pg_advisory_xact_lock_shared(?, ?)', [WRITER_IN_SPACE, organizationId]);
  await em.execute('select pg_advisory_xact_lock(?, ?)', [WRITE_LOCK_SPACE, organizationId]);
  await bumpFactsVersion(em, organizationId);
}

/** The same lock without waiting: true when this transaction now holds it. */
export async function tryLockOrganizationWrites(em: EntityManager, organizationId: number): Promise<boolean> {
  const rows: Array<{ locked: boolean }> = await em.execute('select pg_try_advisory_xact_lock(?, ?) as locked', [WRITE_LOCK_SPACE, organizationId]);
  if (rows[0]!.locked) await bumpFactsVersion(em, organizationId);
  return rows[0]!.locked;
}

/** lock_timeout for a short writer's wait: it queues behind other short writers only, milliseconds each. */
export const SHORT_WAIT_MS = 1_000;

/**
 * For a writer that holds the lock for milliseconds (a survey answer's tallies): takes
 * the lock when it is free, or waits for it (at most `waitMs`) when only other short
 * writers hold it; returns false at once when a waiting writer holds it or queues for
 * it. A holder's locks are released one by one at its commit, so whether the lock "is
 * free" cannot be told by trying alone: a short writer queued behind another one may
 * find it still held for a moment after that one's commit (seen under load: the answer
 * was then left to the next holder). The caller's transaction keeps its work whether
 * or not the lock was taken.
 */
export async function lockOrganizationWritesUnlessBusy(em: EntityManager, organizationId: number, waitMs = SHORT_WAIT_MS): Promise<boolean> {
  if (await tryLockOrganizationWrites(em, organizationId)) return true;
  const [{ busy, previous }] = await em.execute<Array<{ busy: boolean; previous: string }>>(
    `select exists (select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
       and classid = ? and objid = ? and objsubid = 2) as busy, current_setting('lock_timeout') as previous`,
    [WRITER_IN_SPACE, organizationId],
  );
  if (busy) return false;
  // A waiting writer may come in between: the timeout bounds the wait then, and a savepoint keeps the caller's work.
  await em.execute('savepoint short_write_lock');
  try {
    await em.execute(`select set_config('lock_timeout', ?, true)`, [`${waitMs}ms`]);
    await em.execute('select pg_advisory_xact_lock(?, ?)', [WRITE_LOCK_SPACE, organizationId]);
    await em.execute(`select set_config('lock_timeout', ?, true)`, [previous]);
    await em.execute('release savepoint short_write_lock');
  } catch (error) {
    // lock_not_available (the timeout) or deadlock_detected; the rollback restores lock_timeout too.
    if (!hasSqlState(error, ['55P03', '40P01'])) throw error;
    await em.execute('rollback to savepoint short_write_lock');
    return false;
  }
  await bumpFactsVersion(em, organizationId);
  return true;
}
