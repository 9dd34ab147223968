import type { EntityManager } from '@mikro-orm/postgresql';
import { SURVEY_CONTACT_TALLIES, refreshContactTallies } from './contact-tallies';
import { applyDeltas } from './deltas';
import { CONTACT_FACT } from './facts';
import { lockOrganizationWritesUnlessBusy, tryLockOrganizationWrites } from './write-lock';
import type { Logger } from '../platform/logger';

/**
 * A survey response counts in the KPIs once its contact's tallies and rollup
 * buckets are refreshed, which needs the organization's write lock (the rollup
 * recompute must not race a contact batch). A submission must not wait seconds
 * for a batch holding it, so:
 *
 * 1. the submission stores its response and a pending row (survey_tally_pending)
 *    in one transaction, then takes the write lock unless a writer that waits for
 *    it (a batch, an invitation call) holds it or queues for it
 *    (lockOrganizationWritesUnlessBusy): other submissions and the sweep hold it for
 *    milliseconds, so it waits for them and applies every pending row (the usual
 *    case: the answer is in the KPIs when the call returns); busy, it commits and
 *    returns;
 * 2. whoever holds the lock next applies them: the end of every contact batch and
 *    invitation call, and a sweep in each server instance every second.
 *
 * Rows are applied and deleted under the write lock in one transaction, and a tally
 * is recomputed from the stored responses (never incremented), so an answer counts
 * exactly once whoever applies it, even twice.
 */

/** How often each server instance looks for pending tallies. */
export const SWEEP_INTERVAL_MS = 1_000;

/** Inside the submission's transaction: the response's tallies are to be refreshed. */
export async function queueTally(em: EntityManager, organizationId: number, responseId: string, contactId: string): Promise<void> {
  await em.execute(`insert into survey_tally_pending (response_id, organization_id, contact_id) values (?, ?, ?)`, [
    responseId, organizationId, contactId,
  ]);
}

/**
 * Deletes every pending tally of the organization and stages its contacts' new
 * tallies (the caller applies the deltas before commit). The caller's
 * transaction must hold the organization's write lock. Returns how many were pending.
 */
export async function stagePendingTallies(em: EntityManager, organizationId: number): Promise<number> {
  const applied: Array<{ contact_id: string }> = await em.execute(
    `delete from survey_tally_pending where organization_id = ? returning contact_id`,
    [organizationId],
  );
  if (applied.length === 0) return 0;
  await refreshContactTallies(em, organizationId, [...new Set(applied.map((r) => String(r.contact_id)))], SURVEY_CONTACT_TALLIES);
  return applied.length;
}

/** Applies and deletes every pending tally of the organization, rollups included; under the write lock. */
export async function applyPendingTallies(em: EntityManager, organizationId: number): Promise<number> {
  const applied = await stagePendingTallies(em, organizationId);
  if (applied > 0) await applyDeltas(em, organizationId, CONTACT_FACT);
  return applied;
}

/**
 * At the end of a submission's transaction (its pending row written): applies the
 * pending tallies unless a waiting writer has the lock (it applies them then).
 * Returns whether they were applied.
 */
export async function applyTalliesIfFree(em: EntityManager, organizationId: number): Promise<boolean> {
  if (!(await lockOrganizationWritesUnlessBusy(em, organizationId))) return false;
  await applyPendingTallies(em, organizationId);
  return true;
}

/** One pass over every organization with pending tallies, each in its own transaction; busy ones are left for later. */
export async function sweepPendingTallies(em: EntityManager): Promise<number> {
  const organizations: Array<{ organization_id: number }> = await em.execute(
    `select distinct organization_id from survey_tally_pending`,
  );
  let applied = 0;
  for (const { organization_id: organizationId } of organizations) {
    applied += await em.fork().transactional(async (tx) =>
      (await tryLockOrganizationWrites(tx, organizationId)) ? applyPendingTallies(tx, organizationId) : 0,
    );
  }
  return applied;
}

export interface TallySweeper {
  /** Stops the timer and waits for a sweep in progress (it never waits for a lock). */
  stop(): Promise<void>;
}

/** Sweeps every SWEEP_INTERVAL_MS, one sweep at a time; the timer does not keep the process alive. */
export function startTallySweeper(em: EntityManager, logger: Logger, intervalMs = SWEEP_INTERVAL_MS): TallySweeper {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= sweepPendingTallies(em.fork())
      .then((applied) => {
        if (applied > 0) logger.info({ applied }, 'survey tallies applied after a held write lock');
      })
      .catch((error) => logger.warn({ err: error }, 'survey tally sweep failed; retried on the next one'))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
