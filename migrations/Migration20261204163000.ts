import { Migration } from '@mikro-orm/migrations';

/**
 * Every table keyed by organization first (issue 16, "scale past one machine"):
 * the primary keys become (organization_id, id), so the schema can be
 * distributed by organization (Citus) unchanged — a distributed table's unique
 * constraints and foreign keys must include its distribution column. The
 * (organization_id, id) unique constraints the composite foreign keys used are
 * now the primary keys (one index instead of two); the foreign keys are re-made
 * on them. A survey response is unique per organization and invitation; the
 * pending-tally queue is keyed and linked by organization too.
 * test/integration/platform/tenancy-keys.test.ts checks the invariant over the catalog.
 */
const KEYED_BY_ID = [
  'team', 'queue', 'agent', 'contact', 'hourly_cost', 'sla_policy', 'sla_policy_version', 'survey_invitation', 'survey_response',
];

/** For each table: drop the foreign keys that point at it, re-key it, re-make them. */
const rekey = (tables: string[], key: string, keepUnique: boolean) => `
do $$
declare
  t text;
  fk record;
  uq text;
begin
  foreach t in array array[${tables.map((t) => `'${t}'`).join(', ')}] loop
    create temp table if not exists rekey_fks (tab regclass, name text, def text) on commit drop;
    delete from rekey_fks;
    insert into rekey_fks select conrelid::regclass, conname, pg_get_constraintdef(oid) from pg_constraint where contype = 'f' and confrelid = t::regclass;
    for fk in select * from rekey_fks loop
      execute format('alter table %s drop constraint %I', fk.tab, fk.name);
    end loop;
    select conname into uq from pg_constraint where conrelid = t::regclass and contype = 'u' and conname = t || '_organization_id_id_unique';
    if uq is not null and not ${keepUnique} then execute format('alter table %I drop constraint %I', t, uq); end if;
    execute format('alter table %I drop constraint %I', t, t || '_pkey');
    execute format('alter table %I add constraint %I primary key (${key})', t, t || '_pkey');
    if uq is null and ${keepUnique} and t in ('team', 'queue', 'agent', 'contact', 'sla_policy', 'survey_invitation') then
      execute format('alter table %I add constraint %I unique (organization_id, id)', t, t || '_organization_id_id_unique');
    end if;
    for fk in select * from rekey_fks loop
      execute format('alter table %s add constraint %I %s', fk.tab, fk.name, fk.def);
    end loop;
  end loop;
end $$;`;

export class Migration20261204163000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "survey_tally_pending" drop constraint "survey_tally_pending_response_id_fkey";`);
    this.addSql(rekey(KEYED_BY_ID, 'organization_id, id', false));
    this.addSql(`alter table "survey_response" drop constraint "survey_response_invitation_unique",
      add constraint "survey_response_invitation_unique" unique ("organization_id", "invitation_id");`);
    this.addSql(`alter table "survey_tally_pending" drop constraint "survey_tally_pending_pkey",
      add constraint "survey_tally_pending_pkey" primary key ("organization_id", "response_id"),
      add constraint "survey_tally_pending_response_fk" foreign key ("organization_id", "response_id")
        references "survey_response" ("organization_id", "id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "survey_tally_pending" drop constraint "survey_tally_pending_response_fk",
      drop constraint "survey_tally_pending_pkey", add constraint "survey_tally_pending_pkey" primary key ("response_id");`);
    this.addSql(`alter table "survey_response" drop constraint "survey_response_invitation_unique",
      add constraint "survey_response_invitation_unique" unique ("invitation_id");`);
    this.addSql(rekey(KEYED_BY_ID, 'id', true));
    this.addSql(`alter table "survey_tally_pending" add constraint "survey_tally_pending_response_id_fkey"
      foreign key ("response_id") references "survey_response" ("id") on delete cascade;`);
  }
}
