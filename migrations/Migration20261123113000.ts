import { Migration } from '@mikro-orm/migrations';

/**
 * KPI engine storage.
 *
 * - contact.first_contact_resolved: system FCR of an answered inbound contact with a
 *   customer ref (no other inbound contact of the customer in the next 7 days); null
 *   otherwise. Kept current on every write, since later contacts flip earlier ones.
 * - contact_rollup: additive sums per 15-minute UTC bucket × channel × direction ×
 *   queue × team × agent. Every threshold-free KPI of any coarser period is a sum of it.
 * - contact_wait_rollup: inbound contacts per bucket × channel × queue × team × agent ×
 *   answered × exact wait in seconds, so service level for any threshold T and short
 *   abandons for any S are exact sums too.
 * Both rollups are recomputed per affected bucket in the writing transaction.
 */
export class Migration20261123113000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "contact" add column "first_contact_resolved" boolean null;`);

    this.addSql(`create table "contact_rollup" (
      "organization_id" int not null references "organization" ("id"),
      "bucket" timestamptz not null,
      "channel" text not null,
      "direction" text not null,
      "queue_id" int not null,
      "team_id" int null,
      "agent_id" int null,
      "contacts" int not null,
      "offered" int not null,
      "answered" int not null,
      "answered_wait_seconds" bigint not null,
      "handled" int not null,
      "talk_seconds" bigint not null,
      "hold_seconds" bigint not null,
      "after_contact_work_seconds" bigint not null,
      "transferred" int not null,
      "fcr_eligible" int not null,
      "fcr_resolved" int not null,
      constraint "contact_rollup_key" unique nulls not distinct
        ("organization_id", "bucket", "channel", "direction", "queue_id", "team_id", "agent_id"));`);

    this.addSql(`create table "contact_wait_rollup" (
      "organization_id" int not null references "organization" ("id"),
      "bucket" timestamptz not null,
      "channel" text not null,
      "queue_id" int not null,
      "team_id" int null,
      "agent_id" int null,
      "answered" boolean not null,
      "wait_seconds" int not null,
      "contacts" int not null,
      constraint "contact_wait_rollup_key" unique nulls not distinct
        ("organization_id", "bucket", "channel", "queue_id", "team_id", "agent_id", "answered", "wait_seconds"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_wait_rollup";`);
    this.addSql(`drop table if exists "contact_rollup";`);
    this.addSql(`alter table "contact" drop column if exists "first_contact_resolved";`);
  }
}
