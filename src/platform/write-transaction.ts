import type { EntityManager } from '@mikro-orm/postgresql';
import { isRetryableWriteConflict } from './db-errors';

/** Attempts of one write transaction: the first and up to this many minus one retries. */
export const WRITE_ATTEMPTS = 3;

/**
 * Runs `work` in a transaction and runs it again, from the start, when PostgreSQL
 * aborts it as a serialization failure (40001) or a deadlock victim (40P01): the
 * aborted attempt wrote nothing, and a fresh one usually passes. After
 * WRITE_ATTEMPTS the error goes to the client as WRITE_CONFLICT (db-failures.ts).
 * `work` must not have effects outside the transaction, since it may run again.
 */
export async function writeTransaction<T>(
  em: EntityManager,
  work: (tx: EntityManager) => Promise<T>,
  options: { attempts?: number; pauseMs?: (attempt: number) => number } = {},
): Promise<T> {
  const attempts = options.attempts ?? WRITE_ATTEMPTS;
  const pauseMs = options.pauseMs ?? jitteredPause;
  // Inside an outer transaction a conflict aborts the outer one too: only its owner can retry.
  if (em.isInTransaction()) return em.transactional(work);
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs(attempt)));
    }
  }
}

/** 10–40 ms after the first failure, 20–80 after the second: conflicting writers drift apart. */
function jitteredPause(attempt: number): number {
  return Math.round(10 * attempt * (1 + Math.random() * 3));
}
