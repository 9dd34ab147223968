import { Migration } from '@mikro-orm/migrations';

/**
 * No planner statistics for the fact columns that no statement filters, joins or
 * groups by (they are only summed, ordered by or shown). ANALYZE's sample is the
 * same, but it computed a histogram of every column: 400 ms for the contact table at
 * 89,000 rows, ~9 ms a column, run after nearly every batch of 10,000 while a table
 * grows by a tenth (src/warehouse/statistics.ts) and by autovacuum. Columns that a
 * plan depends on keep theirs: ids and external ids (joined one by one; a column of a
 * composite unique index has no uniqueness without them), times, dimensions,
 * customers, null shares (answered, resolved) and the QA counts the coaching list
 * filters on.
 */
const WITHOUT_STATISTICS = {
  contact: [
    'ended_at', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers', 'created_at', 'updated_at',
    'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes', 'complaints',
    'nps_answers', 'nps_promoters', 'nps_detractors', 'qa_score_sum',
  ],
  agent_activity: ['logged_in_seconds', 'available_seconds', 'handling_seconds', 'not_ready_seconds', 'created_at', 'updated_at'],
};

const alter = (target: number) =>
  Object.entries(WITHOUT_STATISTICS).map(
    ([table, columns]) => `alter table ${table} ${columns.map((c) => `alter column ${c} set statistics ${target}`).join(', ')};`,
  );

export class Migration20261206040000 extends Migration {
  override async up(): Promise<void> {
    for (const sql of alter(0)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of alter(-1)) this.addSql(sql);
  }
}
