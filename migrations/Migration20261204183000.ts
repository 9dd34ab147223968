import { Migration } from '@mikro-orm/migrations';

/**
 * contact_wait_rollup_day_team: inbound contacts per UTC day × channel × queue × team ×
 * answered × exact wait, the wait distribution without agents summed per day, so a
 * month's wait percentiles and arbitrary service-level thresholds by queue, team or
 * channel read a third of the rows of the 15-minute distribution. Filled from it;
 * the upkeep by deltas keeps it from then on (warehouse/facts.ts).
 */
export class Migration20261204183000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "contact_wait_rollup_day_team" (
      "organization_id" int not null references "organization" ("id"),
      "bucket" timestamptz not null,
      "channel" text not null,
      "queue_id" int not null,
      "team_id" int null,
      "answered" boolean not null,
      "wait_seconds" int not null,
      "contacts" int not null,
      constraint "contact_wait_rollup_day_team_key" unique nulls not distinct
        ("organization_id", "bucket", "channel", "queue_id", "team_id", "answered", "wait_seconds"));`);
    this.addSql(`insert into "contact_wait_rollup_day_team"
      select organization_id, date_bin('24 hours', bucket, timestamptz '2000-01-01 00:00:00+00'), channel, queue_id, team_id, answered, wait_seconds, sum(contacts)
      from contact_wait_rollup
      group by 1, 2, 3, 4, 5, 6, 7
      order by 1, 2;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_wait_rollup_day_team";`);
  }
}
