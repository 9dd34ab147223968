import type { EntityManager } from '@mikro-orm/postgresql';
import { CONTACT_FACT } from './facts';

/**
 * Each organization's facts version (table organization_facts_version): the key under
 * which KPI results are cached (platform/kpi-result-cache.ts). Every transaction that
 * takes the organization's write lock sets it to a fresh value of one sequence, so a
 * committed change of the organization's facts always comes with a new version, and a
 * version never comes back meaning other data (a rolled-back write's value is not reused).
 */

/** Under the organization's write lock, just taken: versions then grow in commit order. */
export async function bumpFactsVersion(em: EntityManager, organizationId: number): Promise<void> {
  await em.execute(
    `insert into organization_facts_version (organization_id, version) values (?, nextval('organization_facts_version_seq'))
     on conflict (organization_id) do update set version = excluded.version`,
    [organizationId],
  );
}

/** What a report reads its facts under: the version its results are cached by, and whether rollup deltas are pending. */
export interface FactsState {
  /** The organization's facts version (a bigint as text); null: not cached (never written to, or read inside a transaction). */
  version: string | null;
  /**
   * Whether contact versions wait to be folded into the rollups (pending-deltas.ts): reads
   * then add them. When none does, every committed write is in the rollups, and a read may
   * leave the pending ones out (one union branch less to plan per rollup read).
   */
  pending: boolean;
}

/**
 * The organization's facts state, read outside any transaction, in one statement.
 * Inside a transaction (a writer's SLA evaluation): no version, and its own pending
 * versions count.
 */
export async function readFactsState(em: EntityManager, organizationId: number): Promise<FactsState> {
  if (em.isInTransaction()) return { version: null, pending: true };
  const [row] = await em.getConnection().execute<Array<{ version: string | null; pending: boolean }>>(
    `select (select version::text from organization_facts_version where organization_id = ?) as version,
       exists (select 1 from ${CONTACT_FACT.pendingTable} where organization_id = ?) as pending`,
    [organizationId, organizationId],
  );
  return { version: row!.version, pending: row!.pending };
}
