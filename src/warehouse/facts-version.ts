import type { EntityManager } from '@mikro-orm/postgresql';

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

/**
 * The organization's facts version (a bigint as text), read outside any transaction;
 * null for an organization created since versions exist and never written to (not cached).
 */
export async function readFactsVersion(em: EntityManager, organizationId: number): Promise<string | null> {
  const rows: Array<{ version: string }> = await em
    .getConnection()
    .execute('select version from organization_facts_version where organization_id = ?', [organizationId]);
  return rows[0] ? String(rows[0].version) : null;
}
