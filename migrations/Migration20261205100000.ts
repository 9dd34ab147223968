import { Migration } from '@mikro-orm/migrations';

// Snapshots as of this migration (migrations are history): the QA tallies and the contact rollups with their keys.
const ALL = ['channel', 'direction', 'queue_id', 'team_id', 'agent_id'];
const WITHOUT_AGENT = ['channel', 'direction', 'queue_id', 'team_id'];
const TEAM_AND_AGENT = ['team_id', 'agent_id'];
/** Table, bucket length ('local': the days of the organization's reporting zone), key columns. */
const ROLLUPS: ReadonlyArray<[string, string, string[]]> = [
  ['contact_rollup', '15 minutes', ALL],
  ['contact_rollup_team', '15 minutes', WITHOUT_AGENT],
  ['contact_rollup_hour', '1 hour', ALL],
  ['contact_rollup_hour_team', '1 hour', WITHOUT_AGENT],
  ['contact_rollup_hour_agent', '1 hour', TEAM_AND_AGENT],
  ['contact_rollup_day', '24 hours', ALL],
  ['contact_rollup_day_team', '24 hours', WITHOUT_AGENT],
  ['contact_rollup_day_agent', '24 hours', TEAM_AND_AGENT],
  ['contact_rollup_local_day_team', 'local', WITHOUT_AGENT],
  ['contact_rollup_local_day_agent', 'local', TEAM_AND_AGENT],
];

/**
 * The QA KPIs (DOMAIN.md "Quality"): per-contact QA tallies, kept with every
 * recorded evaluation like the survey tallies, so the rollups sum them and the
 * KPIs land on the evaluated contact's period, channel, queue, team and agent (a
 * correction of the contact moves them with it). qa_score_sum is numeric: sums
 * of fractional scores added and subtracted by deltas stay exact, equal to a
 * rebuild's. Evaluations recorded before this migration are tallied here.
 */
export class Migration20261205100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "contact" add column "qa_evaluations" int not null default 0,
      add column "qa_score_sum" numeric not null default 0, add column "qa_fatal_errors" int not null default 0;`);
    for (const [table] of ROLLUPS) {
      this.addSql(`alter table "${table}" add column "qa_evaluations" bigint not null default 0,
        add column "qa_score_sum" numeric not null default 0, add column "qa_fatal_errors" bigint not null default 0;`);
    }
    this.addSql(`update contact c set qa_evaluations = e.n, qa_score_sum = e.score_sum, qa_fatal_errors = e.fatal
      from (select organization_id, contact_id, count(*) as n, sum(score::text::numeric) as score_sum,
              count(*) filter (where cardinality(fatal_errors) > 0) as fatal
            from qa_evaluation group by organization_id, contact_id) e
      where c.organization_id = e.organization_id and c.id = e.contact_id;`);
    for (const [table, interval, keys] of ROLLUPS) {
      const bucket = interval === 'local'
        ? `(date_trunc('day', c.offered_at at time zone o.reporting_time_zone) at time zone o.reporting_time_zone)`
        : `date_bin('${interval}', c.offered_at, timestamptz '2000-01-01 00:00:00+00')`;
      this.addSql(`update "${table}" r set qa_evaluations = s.n, qa_score_sum = s.score_sum, qa_fatal_errors = s.fatal
        from (select c.organization_id, ${bucket} as bucket, ${keys.map((k) => `c.${k}`).join(', ')},
                sum(c.qa_evaluations) as n, sum(c.qa_score_sum) as score_sum, sum(c.qa_fatal_errors) as fatal
              from contact c join organization o on o.id = c.organization_id
              where c.qa_evaluations > 0
              group by 1, 2, ${keys.map((k) => `c.${k}`).join(', ')}) s
        where r.organization_id = s.organization_id and r.bucket = s.bucket
          and ${keys.map((k) => `r.${k} is not distinct from s.${k}`).join(' and ')};`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['contact', ...ROLLUPS.map(([t]) => t)]) {
      this.addSql(`alter table "${table}" drop column "qa_evaluations", drop column "qa_score_sum", drop column "qa_fatal_errors";`);
    }
  }
}
