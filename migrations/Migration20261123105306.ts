import { Migration } from '@mikro-orm/migrations';

/**
 * Foundation: organizations, API keys, the directory (teams, queues, agents) and
 * contacts. Every row carries organization_id, and references between rows go
 * through (organization_id, id) pairs, so no row can point into another
 * organization and the schema can be distributed by organization_id later.
 */
export class Migration20261123105306 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "organization" (
      "id" serial primary key,
      "slug" text not null constraint "organization_slug_unique" unique,
      "name" text not null,
      "created_at" timestamptz not null default now());`);

    this.addSql(`create table "api_key" (
      "id" serial primary key,
      "organization_id" int not null references "organization" ("id"),
      "name" text not null,
      "role" text not null check ("role" in ('ADMIN', 'ANALYST', 'INGEST')),
      "secret_hash" text not null constraint "api_key_secret_hash_unique" unique,
      "created_at" timestamptz not null default now(),
      "revoked_at" timestamptz null);`);
    this.addSql(`create index "api_key_organization_id_index" on "api_key" ("organization_id");`);

    for (const table of ['team', 'queue']) {
      this.addSql(`create table "${table}" (
        "id" serial primary key,
        "organization_id" int not null references "organization" ("id"),
        "key" text not null,
        "name" text not null,
        constraint "${table}_organization_id_key_unique" unique ("organization_id", "key"),
        constraint "${table}_organization_id_id_unique" unique ("organization_id", "id"));`);
    }

    this.addSql(`create table "agent" (
      "id" serial primary key,
      "organization_id" int not null references "organization" ("id"),
      "key" text not null,
      "name" text not null,
      "team_id" int null,
      "team_assigned_at" timestamptz null,
      constraint "agent_organization_id_key_unique" unique ("organization_id", "key"),
      constraint "agent_organization_id_id_unique" unique ("organization_id", "id"),
      constraint "agent_team_fk" foreign key ("organization_id", "team_id") references "team" ("organization_id", "id"));`);
    this.addSql(`create index "agent_organization_id_team_id_index" on "agent" ("organization_id", "team_id");`);

    this.addSql(`create table "contact" (
      "id" bigserial primary key,
      "organization_id" int not null references "organization" ("id"),
      "external_id" text not null,
      "channel" text not null check ("channel" in ('VOICE', 'CHAT', 'EMAIL', 'MESSAGING')),
      "direction" text not null check ("direction" in ('INBOUND', 'OUTBOUND')),
      "queue_id" int not null,
      "team_id" int null,
      "agent_id" int null,
      "customer_ref" text null,
      "offered_at" timestamptz not null,
      "answered_at" timestamptz null,
      "ended_at" timestamptz not null,
      "wait_seconds" int not null check ("wait_seconds" >= 0),
      "talk_seconds" int not null check ("talk_seconds" >= 0),
      "hold_seconds" int not null check ("hold_seconds" >= 0),
      "after_contact_work_seconds" int not null check ("after_contact_work_seconds" >= 0),
      "transfers" int not null check ("transfers" >= 0),
      "resolved" boolean null,
      "disposition" text null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "contact_organization_id_external_id_unique" unique ("organization_id", "external_id"),
      constraint "contact_times_check" check ("ended_at" >= "offered_at" and ("answered_at" is null or ("answered_at" >= "offered_at" and "answered_at" <= "ended_at"))),
      constraint "contact_queue_fk" foreign key ("organization_id", "queue_id") references "queue" ("organization_id", "id"),
      constraint "contact_team_fk" foreign key ("organization_id", "team_id") references "team" ("organization_id", "id"),
      constraint "contact_agent_fk" foreign key ("organization_id", "agent_id") references "agent" ("organization_id", "id"));`);
    this.addSql(`create index "contact_organization_id_offered_at_index" on "contact" ("organization_id", "offered_at");`);
    // Repeat-contact lookups for first-contact resolution: same customer, inbound, by time.
    this.addSql(`create index "contact_customer_index" on "contact" ("organization_id", "customer_ref", "offered_at")
      where "customer_ref" is not null and "direction" = 'INBOUND';`);
  }

  override async down(): Promise<void> {
    for (const table of ['contact', 'agent', 'queue', 'team', 'api_key', 'organization']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
