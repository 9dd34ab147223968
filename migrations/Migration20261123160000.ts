import { Migration } from '@mikro-orm/migrations';

// A snapshot of the survey tallies as of this migration (migrations are history).
const TALLIES = [
  'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes',
  'complaints', 'nps_answers', 'nps_promoters', 'nps_detractors',
];

/**
 * Post-contact surveys.
 *
 * - survey_invitation: one per invited contact (a new one only after the last
 *   expired unanswered); its token is an HMAC of (id, salt) under a server secret,
 *   stored only as a SHA-256 hash, so re-inviting can hand the same token out again.
 * - survey_response: at most one per invitation (unique invitation_id), so
 *   concurrent duplicate submissions store exactly one row.
 * - contact.<tally>: per-contact survey tallies, kept in the same transaction as
 *   each invitation and response, so the rollups sum them like any other fact and
 *   survey KPIs land on the contact's period, channel, queue, team and agent.
 * - server_secret: the generated token secret when SURVEY_TOKEN_SECRET is unset.
 */
export class Migration20261123160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "server_secret" ("name" text primary key, "value" text not null,
      "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "contact" add constraint "contact_organization_id_id_unique" unique ("organization_id", "id");`);
    this.addSql(`create table "survey_invitation" (
      "id" bigserial primary key,
      "organization_id" int not null references "organization" ("id"),
      "contact_id" bigint not null,
      "salt" text not null,
      "token_hash" text not null,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      "responded_at" timestamptz null,
      constraint "survey_invitation_token_hash_unique" unique ("token_hash"),
      constraint "survey_invitation_organization_id_id_unique" unique ("organization_id", "id"),
      constraint "survey_invitation_contact_fk" foreign key ("organization_id", "contact_id") references "contact" ("organization_id", "id"));`);
    this.addSql(`create index "survey_invitation_contact_index" on "survey_invitation" ("organization_id", "contact_id", "created_at");`);
    this.addSql(`create table "survey_response" (
      "id" bigserial primary key,
      "organization_id" int not null references "organization" ("id"),
      "invitation_id" bigint not null,
      "contact_id" bigint not null,
      "csat" smallint not null check ("csat" between 1 and 5),
      "resolved" boolean null,
      "complaint" boolean not null,
      "complaint_category" text null check (char_length("complaint_category") <= 100),
      "nps" smallint null check ("nps" between 0 and 10),
      "comment" text null check (char_length("comment") <= 2000),
      "submitted_at" timestamptz not null default now(),
      constraint "survey_response_invitation_unique" unique ("invitation_id"),
      constraint "survey_response_category_check" check ("complaint" or "complaint_category" is null),
      constraint "survey_response_invitation_fk" foreign key ("organization_id", "invitation_id") references "survey_invitation" ("organization_id", "id"),
      constraint "survey_response_contact_fk" foreign key ("organization_id", "contact_id") references "contact" ("organization_id", "id"));`);
    this.addSql(`create index "survey_response_contact_index" on "survey_response" ("organization_id", "contact_id");`);
    this.addSql(`alter table "contact" ${TALLIES.map((t) => `add column "${t}" int not null default 0`).join(', ')};`);
    for (const table of ['contact_rollup', 'contact_rollup_hour', 'contact_rollup_day']) {
      this.addSql(`alter table "${table}" ${TALLIES.map((t) => `add column "${t}" bigint not null default 0`).join(', ')};`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['contact_rollup', 'contact_rollup_hour', 'contact_rollup_day', 'contact']) {
      this.addSql(`alter table "${table}" ${TALLIES.map((t) => `drop column "${t}"`).join(', ')};`);
    }
    this.addSql(`drop table if exists "survey_response";`);
    this.addSql(`drop table if exists "survey_invitation";`);
    this.addSql(`alter table "contact" drop constraint if exists "contact_organization_id_id_unique";`);
    this.addSql(`drop table if exists "server_secret";`);
  }
}
