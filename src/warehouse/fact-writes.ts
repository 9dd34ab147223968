import type { EntityManager } from '@mikro-orm/postgresql';
import { writeTransaction } from '../platform/write-transaction';
import { applyDeltas, withoutJit, type FactChange } from './deltas';
import { CONTACT_FACT, type FactSpec } from './facts';
import { stagePendingTallies } from './survey-tallies';
import { lockOrganizationWrites } from './write-lock';

/**
 * A write of an organization's facts, the one way features write them: a transaction
 * that holds the organization's write lock runs `write`, whose warehouse writers
 * (upsertContactColumns, upsertActivity, refreshContactTallies, …) stage every fact
 * version they replace and write; before it commits, every rollup of `fact` takes the
 * staged deltas, so the rollups are exact when it returns. Contact writes also apply
 * the survey answers' tallies that arrived while the lock was held (survey-tallies.ts).
 * Returns what `write` returned and what changed (null: nothing), for the caller's
 * events after commit. `write` may run again on a write conflict (writeTransaction).
 */
export async function writeFacts<T>(
  em: EntityManager,
  organizationId: number,
  fact: FactSpec,
  write: (tx: EntityManager) => Promise<T>,
): Promise<{ result: T; change: FactChange | null }> {
  return writeTransaction(em, async (tx) => {
    await withoutJit(tx);
    await lockOrganizationWrites(tx, organizationId);
    const result = await write(tx);
    if (fact === CONTACT_FACT) await stagePendingTallies(tx, organizationId);
    return { result, change: await applyDeltas(tx, organizationId, fact) };
  });
}
