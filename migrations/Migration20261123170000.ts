import { Migration } from '@mikro-orm/migrations';

/**
 * SLA policies with history: a policy is an id; each update adds a version (its
 * whole definition as JSON, validated by the application) that governs the
 * periods starting at or after its effective_from. The first version also governs
 * every earlier period.
 */
export class Migration20261123170000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sla_policy" (
      "id" bigserial primary key,
      "organization_id" int not null references "organization" ("id"),
      "created_at" timestamptz not null default now(),
      "archived_at" timestamptz null,
      constraint "sla_policy_organization_id_id_unique" unique ("organization_id", "id"));`);
    this.addSql(`create table "sla_policy_version" (
      "id" bigserial primary key,
      "organization_id" int not null,
      "policy_id" bigint not null,
      "effective_from" timestamptz not null,
      "definition" jsonb not null,
      "created_at" timestamptz not null default now(),
      constraint "sla_policy_version_policy_fk" foreign key ("organization_id", "policy_id") references "sla_policy" ("organization_id", "id"));`);
    this.addSql(`create index "sla_policy_version_policy_index" on "sla_policy_version" ("policy_id", "effective_from", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sla_policy_version";`);
    this.addSql(`drop table if exists "sla_policy";`);
  }
}
