import { Migration } from '@mikro-orm/migrations';

/**
 * Survey responses whose contact tallies and rollups are still to be refreshed:
 * a submission that finds the organization's write lock held (a contact batch
 * running) stores its response and one row here, and returns; whoever holds the
 * lock next applies and deletes the rows in one transaction (survey-tallies.ts).
 * Keyed by response, so a submission never waits on another's row.
 */
export class Migration20261204120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "survey_tally_pending" (
      "response_id" bigint primary key references "survey_response" ("id") on delete cascade,
      "organization_id" int not null references "organization" ("id"),
      "contact_id" bigint not null,
      "queued_at" timestamptz not null default now()
    );`);
    this.addSql(`create index "survey_tally_pending_organization_index" on "survey_tally_pending" ("organization_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "survey_tally_pending";`);
  }
}
