import { Migration } from '@mikro-orm/migrations';

/**
 * Days of each organization's reporting zone (its `reporting_time_zone`, default
 * UTC): rollups whose bucket is a local midnight and whose rows sum that local day
 * (23 to 25 hours), for contacts without agents, by team × agent, and for agent
 * activity. A query cut in the reporting zone reads them like UTC days (a Berlin
 * month by day × agent: about 6,000 rows instead of 56,000 hours). They hold rows
 * only for organizations whose zone is not UTC, so they start empty; changing the
 * zone rebuilds them.
 */
export class Migration20261127090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organization" add column "reporting_time_zone" text not null default 'UTC';`);
    const like = (table: string, source: string, key: string) => {
      this.addSql(`create table "${table}" (like "${source}" including defaults,
        constraint "${table}_organization_id_foreign" foreign key ("organization_id") references "organization" ("id"),
        constraint "${table}_key" unique nulls not distinct ("organization_id", "bucket", ${key}));`);
    };
    like('contact_rollup_local_day_team', 'contact_rollup_day_team', `"channel", "direction", "queue_id", "team_id"`);
    like('contact_rollup_local_day_agent', 'contact_rollup_day_agent', `"team_id", "agent_id"`);
    like('agent_activity_local_day', 'agent_activity_day', `"agent_id", "team_id"`);
  }

  override async down(): Promise<void> {
    for (const table of ['contact_rollup_local_day_team', 'contact_rollup_local_day_agent', 'agent_activity_local_day']) {
      this.addSql(`drop table if exists "${table}";`);
    }
    this.addSql(`alter table "organization" drop column "reporting_time_zone";`);
  }
}
