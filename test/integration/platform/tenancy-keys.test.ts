import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/database';

/**
 * The invariant that lets the schema be distributed by organization (Citus)
 * unchanged, checked over the migrated catalog: every table of an
 * organization's data has organization_id, its primary key starts with it, and
 * every unique constraint and foreign key includes it. A new table or key that
 * breaks it fails here, named.
 */

/** Tables that are not an organization's data: replicated or local to each node. */
const GLOBAL_TABLES: Record<string, string> = {
  organization: 'the tenants themselves (a reference table)',
  api_key: 'found by its secret before the organization is known (a reference table: few rows)',
  server_secret: 'the server\'s own signing secret',
  rate_limit: 'counters keyed by client address or key, not by organization',
  sql_access: 'PostgreSQL logins are global to the cluster: maps a login to its organization (a reference table)',
  mikro_orm_migrations: 'the migrator\'s bookkeeping',
};

/**
 * Unique constraints without organization_id, each with why it may stay. In Citus
 * each would become unique per organization and the lookup would carry it.
 */
const GLOBAL_UNIQUES: Record<string, string> = {
  survey_invitation_token_hash_unique: 'a survey token is looked up without its organization (the widget sends only the token)',
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

interface Key {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f';
  columns: string[];
}

async function tables(): Promise<{ table: string; columns: string[] }[]> {
  return db.orm.em.getConnection().execute(
    `select c.relname as "table", array_agg(a.attname::text order by a.attnum) as columns
     from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where c.relkind in ('r', 'p') group by c.relname order by 1`,
  );
}

async function keys(): Promise<Key[]> {
  return db.orm.em.getConnection().execute(
    `select c.relname as "table", con.conname as name, con.contype as kind,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(n, ord)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.ord) as columns
     from pg_constraint con join pg_class c on c.oid = con.conrelid
     where con.connamespace = 'public'::regnamespace and con.contype in ('p', 'u', 'f')
     union all
     select c.relname, ic.relname, 'u', array(select a.attname::text from unnest(i.indkey) with ordinality k(n, ord)
             join pg_attribute a on a.attrelid = c.oid and a.attnum = k.n order by k.ord)
     from pg_index i join pg_class c on c.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
     where i.indisunique and not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid)
     order by 1, 2`,
  );
}

describe('tenancy keys (the schema can be distributed by organization)', () => {
  it('gives every table of an organization\'s data an organization_id', async () => {
    const missing = (await tables()).filter((t) => !GLOBAL_TABLES[t.table] && !t.columns.includes('organization_id')).map((t) => t.table);
    expect(missing).toEqual([]);
  });

  it('keys every such table by organization first', async () => {
    const all = await keys();
    const data = (await tables()).map((t) => t.table).filter((t) => !GLOBAL_TABLES[t]);
    const unkeyed = data.filter((table) => {
      const primary = all.find((k) => k.table === table && k.kind === 'p');
      if (primary) return primary.columns[0] !== 'organization_id';
      const uniques = all.filter((k) => k.table === table && k.kind === 'u'); // a rollup's bucket key
      return uniques.length === 0 || uniques.some((u) => u.columns[0] !== 'organization_id');
    });
    expect(unkeyed).toEqual([]);
  });

  it('includes organization_id in every unique constraint, and starts every foreign key with it', async () => {
    const wrong = (await keys())
      .filter((k) => !GLOBAL_TABLES[k.table] && !GLOBAL_UNIQUES[k.name])
      .filter((k) => (k.kind === 'f' ? k.columns[0] !== 'organization_id' : !k.columns.includes('organization_id')))
      .map((k) => `${k.table}.${k.name} (${k.columns.join(', ')})`);
    expect(wrong).toEqual([]);
  });
});
