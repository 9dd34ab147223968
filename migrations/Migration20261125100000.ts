import { Migration } from '@mikro-orm/migrations';

/**
 * Agent activity from the ACD: one row per agent and 15-minute interval, the
 * hourly costs (of an agent or a team, each with the instant it applies from),
 * and the activity rollups by UTC hour and day × team × agent.
 *
 * Each activity row carries the hourly cost that applies to it (the agent's, else
 * its team's, as of the interval), re-resolved whenever a cost is set, so the
 * rollups can hold the staffed cost: Σ logged-in seconds × hourly cost, exact in
 * numeric, divided by 3600 only when a KPI is formed.
 */
export class Migration20261125100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "agent_activity" (
      "organization_id" int not null references "organization" ("id"),
      "agent_id" int not null,
      "team_id" int null,
      "interval_start" timestamptz not null,
      "logged_in_seconds" int not null check ("logged_in_seconds" between 0 and 900),
      "available_seconds" int not null check ("available_seconds" >= 0),
      "handling_seconds" int not null check ("handling_seconds" >= 0),
      "not_ready_seconds" int not null check ("not_ready_seconds" >= 0),
      "hourly_cost" numeric null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "agent_activity_pkey" primary key ("organization_id", "agent_id", "interval_start"),
      constraint "agent_activity_parts_check" check ("available_seconds" + "handling_seconds" + "not_ready_seconds" = "logged_in_seconds"),
      constraint "agent_activity_aligned_check" check (extract(epoch from "interval_start")::numeric % 900 = 0),
      constraint "agent_activity_agent_fk" foreign key ("organization_id", "agent_id") references "agent" ("organization_id", "id"),
      constraint "agent_activity_team_fk" foreign key ("organization_id", "team_id") references "team" ("organization_id", "id"));`);
    this.addSql(`create index "agent_activity_interval_index" on "agent_activity" ("organization_id", "interval_start");`);
    this.addSql(`create index "agent_activity_team_index" on "agent_activity" ("organization_id", "team_id") where "team_id" is not null;`);

    this.addSql(`create table "hourly_cost" (
      "id" serial primary key,
      "organization_id" int not null references "organization" ("id"),
      "agent_id" int null,
      "team_id" int null,
      "effective_from" timestamptz not null,
      "hourly_cost" numeric not null check ("hourly_cost" >= 0),
      constraint "hourly_cost_subject_check" check (("agent_id" is null) <> ("team_id" is null)),
      constraint "hourly_cost_key" unique nulls not distinct ("organization_id", "agent_id", "team_id", "effective_from"),
      constraint "hourly_cost_agent_fk" foreign key ("organization_id", "agent_id") references "agent" ("organization_id", "id"),
      constraint "hourly_cost_team_fk" foreign key ("organization_id", "team_id") references "team" ("organization_id", "id"));`);

    for (const table of ['agent_activity_hour', 'agent_activity_day']) {
      this.addSql(`create table "${table}" (
        "organization_id" int not null references "organization" ("id"),
        "bucket" timestamptz not null,
        "team_id" int null,
        "agent_id" int not null,
        "logged_in_seconds" bigint not null,
        "available_seconds" bigint not null,
        "handling_seconds" bigint not null,
        "not_ready_seconds" bigint not null,
        "costed_seconds" bigint not null,
        "cost_seconds" numeric not null,
        constraint "${table}_key" unique nulls not distinct ("organization_id", "bucket", "agent_id", "team_id"));`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['agent_activity_day', 'agent_activity_hour', 'hourly_cost', 'agent_activity']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}
