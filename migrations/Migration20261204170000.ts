import { Migration } from '@mikro-orm/migrations';

/**
 * A record count on each agent activity rollup row, so its upkeep by additive
 * deltas can tell a row that no record falls in any more (deleted) from one whose
 * records all have zero seconds (kept, as a rebuild keeps it). Filled from the
 * stored records: hours and UTC days by their buckets, local days by the
 * organization's reporting zone (its next local midnight ends the day).
 */
export class Migration20261204170000 extends Migration {
  override async up(): Promise<void> {
    const tables = ['agent_activity_hour', 'agent_activity_day', 'agent_activity_local_day'];
    for (const table of tables) this.addSql(`alter table "${table}" add column "records" int not null default 0;`);
    for (const [table, interval] of [['agent_activity_hour', '1 hour'], ['agent_activity_day', '24 hours']]) {
      this.addSql(`update "${table}" r set records = x.n
        from (select organization_id, date_bin('${interval}', interval_start, timestamptz '2000-01-01 00:00:00+00') as bucket, agent_id, team_id, count(*) as n
              from agent_activity group by 1, 2, 3, 4) x
        where r.organization_id = x.organization_id and r.bucket = x.bucket and r.agent_id = x.agent_id
          and r.team_id is not distinct from x.team_id;`);
    }
    this.addSql(`update "agent_activity_local_day" r set records = (
        select count(*) from agent_activity a join organization o on o.id = a.organization_id
        where a.organization_id = r.organization_id and a.agent_id = r.agent_id and a.team_id is not distinct from r.team_id
          and a.interval_start >= r.bucket
          and a.interval_start < (((r.bucket at time zone o.reporting_time_zone)::date + 1)::timestamp at time zone o.reporting_time_zone));`);
  }

  override async down(): Promise<void> {
    for (const table of ['agent_activity_hour', 'agent_activity_day', 'agent_activity_local_day']) {
      this.addSql(`alter table "${table}" drop column "records";`);
    }
  }
}
