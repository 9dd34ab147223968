import { Migration } from '@mikro-orm/migrations';

/**
 * Agent activity by quarter hour × team, without agents (issue 16, item 5): a
 * day by 15 minutes read every activity record of the day (one per agent and
 * quarter hour). Filled from the stored records with the aggregates of this date
 * (migrations are history).
 */
export class Migration20261205181000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "agent_activity_team" (
      "organization_id" int not null,
      "bucket" timestamptz not null,
      "team_id" int null,
      "logged_in_seconds" bigint not null,
      "available_seconds" bigint not null,
      "handling_seconds" bigint not null,
      "not_ready_seconds" bigint not null,
      "costed_seconds" bigint not null,
      "cost_seconds" numeric not null,
      "records" int not null default 0,
      constraint "agent_activity_team_key" unique nulls not distinct ("organization_id", "bucket", "team_id"));`);
    this.addSql(`insert into "agent_activity_team" (organization_id, bucket, team_id, logged_in_seconds, available_seconds,
        handling_seconds, not_ready_seconds, costed_seconds, cost_seconds, records)
      select a.organization_id, date_bin('15 minutes', a.interval_start, timestamptz '2000-01-01 00:00:00+00'), a.team_id,
        sum(a.logged_in_seconds), sum(a.available_seconds), sum(a.handling_seconds), sum(a.not_ready_seconds),
        coalesce(sum(a.logged_in_seconds) filter (where a.hourly_cost is not null), 0), coalesce(sum(a.logged_in_seconds * a.hourly_cost), 0), count(*)
      from agent_activity a
      group by 1, 2, 3
      order by 1, 2;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "agent_activity_team";`);
  }
}
