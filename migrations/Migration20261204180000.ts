import { Migration } from '@mikro-orm/migrations';

/**
 * contact_handle_rollup: handled contacts (answered, either direction) per 15-minute
 * UTC bucket × channel × queue × team × agent × exact handle time (talk + hold + ACW)
 * in seconds (int8: three int4 maxima overflow int4), so handleTimePercentile(p) is exact for any p, period and grouping,
 * like waitTimePercentile over contact_wait_rollup. Filled from the stored contacts;
 * the upkeep by deltas keeps it from then on (warehouse/facts.ts).
 */
export class Migration20261204180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "contact_handle_rollup" (
      "organization_id" int not null references "organization" ("id"),
      "bucket" timestamptz not null,
      "channel" text not null,
      "queue_id" int not null,
      "team_id" int null,
      "agent_id" int null,
      "handle_seconds" bigint not null,
      "contacts" int not null,
      constraint "contact_handle_rollup_key" unique nulls not distinct
        ("organization_id", "bucket", "channel", "queue_id", "team_id", "agent_id", "handle_seconds"));`);
    this.addSql(`insert into "contact_handle_rollup"
      select organization_id, date_bin('15 minutes', offered_at, timestamptz '2000-01-01 00:00:00+00') as bucket, channel, queue_id, team_id, agent_id,
        talk_seconds::int8 + hold_seconds + after_contact_work_seconds as handle_seconds, count(*)
      from contact where answered_at is not null
      group by 1, 2, 3, 4, 5, 6, 7
      order by 1, 2;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_handle_rollup";`);
  }
}
