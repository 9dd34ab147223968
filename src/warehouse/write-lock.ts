import type { EntityManager } from '@mikro-orm/postgresql';
import { bumpFactsVersion } from './facts-version';

/**
 * The organization's write lock: a transaction-scoped advisory lock that every
 * writer of an organization's facts takes first. It serializes what must be
 * serialized: reading a contact's stored version before replacing it (its delta)
 * and recomputing FCR, which looks at the customer's other contacts. Taking it
 * bumps the organization's facts version (the KPI result cache's key).
 */
const WRITE_LOCK_SPACE = 7100;

export async function lockOrganizationWrites(em: EntityManager, organizationId: number): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?, ?)', [WRITE_LOCK_SPACE, organizationId]);
  await bumpFactsVersion(em, organizationId);
}

/** The same lock without waiting: true when this transaction now holds it. */
export async function tryLockOrganizationWrites(em: EntityManager, organizationId: number): Promise<boolean> {
  const rows: Array<{ locked: boolean }> = await em.execute('select pg_try_advisory_xact_lock(?, ?) as locked', [WRITE_LOCK_SPACE, organizationId]);
  if (rows[0]!.locked) await bumpFactsVersion(em, organizationId);
  return rows[0]!.locked;
}
