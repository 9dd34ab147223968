import { Migration } from '@mikro-orm/migrations';

/**
 * Days' totals, without any dimension (issue 16, item 5): a report that neither
 * groups nor filters, such as a dashboard's month total, read every row of the
 * days without agents (about 5,900 for a month of the benchmark's center) and the
 * activity of every agent and day (about 6,200); from these it reads one row a day.
 * UTC days and the reporting zone's days, for contacts and for activity; filled
 * from the day grains they are summed from (migrations are history: the columns
 * of this date).
 */
const CONTACT_SUMS = [
  'contacts int', 'offered int', 'answered int', 'answered_wait_seconds bigint', 'handled int', 'talk_seconds bigint',
  'hold_seconds bigint', 'after_contact_work_seconds bigint', 'transferred int', 'fcr_eligible int', 'fcr_resolved int',
  'answered_within_t10 int', 'answered_within_t15 int', 'answered_within_t20 int', 'answered_within_t30 int',
  'answered_within_t45 int', 'answered_within_t60 int', 'answered_within_t90 int', 'answered_within_t120 int',
  'answered_within_t180 int', 'answered_within_t300 int', 'short_abandoned_s3 int', 'short_abandoned_s5 int',
  'short_abandoned_s10 int', 'survey_invitations bigint', 'survey_responses bigint', 'csat_top2 bigint', 'csat_sum bigint',
  'resolution_answered bigint', 'resolution_yes bigint', 'complaints bigint', 'nps_answers bigint', 'nps_promoters bigint',
  'nps_detractors bigint', 'qa_evaluations bigint', 'qa_score_sum numeric', 'qa_fatal_errors bigint',
];
const ACTIVITY_SUMS = [
  'logged_in_seconds bigint', 'available_seconds bigint', 'handling_seconds bigint', 'not_ready_seconds bigint',
  'costed_seconds bigint', 'cost_seconds numeric', 'records int',
];

/** [new table, the table it is filled from, its sum columns] */
const TOTALS: ReadonlyArray<[string, string, readonly string[]]> = [
  ['contact_rollup_day_total', 'contact_rollup_day_team', CONTACT_SUMS],
  ['contact_rollup_local_day_total', 'contact_rollup_local_day_team', CONTACT_SUMS],
  ['agent_activity_day_total', 'agent_activity_day', ACTIVITY_SUMS],
  ['agent_activity_local_day_total', 'agent_activity_local_day', ACTIVITY_SUMS],
];

export class Migration20261206020000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, from, sums] of TOTALS) {
      const columns = sums.map((s) => s.split(' ')[0]!);
      this.addSql(`create table "${table}" (
        "organization_id" int not null,
        "bucket" timestamptz not null,
        ${sums.map((s) => `${s} not null default 0`).join(',\n        ')},
        constraint "${table}_key" unique ("organization_id", "bucket"));`);
      this.addSql(`insert into "${table}" (organization_id, bucket, ${columns.join(', ')})
        select organization_id, bucket, ${columns.map((c) => `typed_sum(${c})`).join(', ')}
        from "${from}" group by organization_id, bucket order by organization_id, bucket;`);
    }
  }

  override async down(): Promise<void> {
    for (const [table] of TOTALS) this.addSql(`drop table if exists "${table}";`);
  }
}
