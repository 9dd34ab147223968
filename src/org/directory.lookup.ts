import type { EntityManager } from '@mikro-orm/postgresql';

/** The member types a contact filter names, with their tables (constants, never input). */
export const MEMBER_TABLES = ['queue', 'team', 'agent'] as const;
export type MemberTable = (typeof MEMBER_TABLES)[number];

export type MemberNames = Record<MemberTable, { ids: readonly number[]; keys: readonly string[] }>;
export type FoundMembers = Record<MemberTable, { ids: Set<number>; idOfKey: Map<string, number> }>;

/**
 * Which of the named ids and keys exist in the organization, for every member type
 * in one statement (a filter naming nothing asks nothing: callers skip the call).
 */
export async function findMembers(em: EntityManager, organizationId: number, names: MemberNames): Promise<FoundMembers> {
  const branches = MEMBER_TABLES.map(
    (table) => `select '${table}' as kind, id, key from ${table} where organization_id = ?
       and (id = any(?::int[]) or key in (select jsonb_array_elements_text(?::jsonb)))`,
  );
  // Keys travel as JSON: any text, commas and quotes included, without array-literal escaping.
  const params = MEMBER_TABLES.flatMap((table) => [organizationId, `{${names[table].ids.join(',')}}`, JSON.stringify(names[table].keys)]);
  const rows: Array<{ kind: MemberTable; id: number; key: string }> = await em.getConnection().execute(branches.join(' union all '), params);
  const found = Object.fromEntries(MEMBER_TABLES.map((t) => [t, { ids: new Set<number>(), idOfKey: new Map<string, number>() }])) as FoundMembers;
  for (const row of rows) {
    found[row.kind].ids.add(row.id);
    found[row.kind].idOfKey.set(row.key, row.id);
  }
  return found;
}
