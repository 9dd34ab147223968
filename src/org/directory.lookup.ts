import type { EntityManager } from '@mikro-orm/postgresql';

/** The directory tables (constants of the code, never input). */
export type MemberTable = 'queue' | 'team' | 'agent';

export interface MemberNames {
  table: MemberTable;
  ids: readonly number[];
  keys: readonly string[];
}
export interface FoundMembers {
  ids: Set<number>;
  idOfKey: Map<string, number>;
}

/**
 * Which of the named ids and keys exist in the organization, for every table in one
 * statement, in the order asked (a filter naming nothing asks nothing: callers skip the call).
 */
export async function findMembers(em: EntityManager, organizationId: number, names: readonly MemberNames[]): Promise<FoundMembers[]> {
  const branches = names.map(
    ({ table }, i) => `select ${i} as n, id, key from ${table} where organization_id = ?
       and (id = any(?::int[]) or key in (select jsonb_array_elements_text(?::jsonb)))`,
  );
  // Keys travel as JSON: any text, commas and quotes included, without array-literal escaping.
  const params = names.flatMap(({ ids, keys }) => [organizationId, `{${ids.join(',')}}`, JSON.stringify(keys)]);
  const rows: Array<{ n: number; id: number; key: string }> = await em.getConnection().execute(branches.join(' union all '), params);
  const found = names.map(() => ({ ids: new Set<number>(), idOfKey: new Map<string, number>() }));
  for (const row of rows) {
    found[row.n]!.ids.add(row.id);
    found[row.n]!.idOfKey.set(row.key, row.id);
  }
  return found;
}
