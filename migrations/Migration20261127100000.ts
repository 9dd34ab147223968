import { Migration } from '@mikro-orm/migrations';

// A snapshot of the rollups' sum columns as of this migration (migrations are history).
const DIMENSIONS = ['channel', 'direction', 'queue_id', 'team_id'];
const SUMS = [
  'contacts', 'offered', 'answered', 'answered_wait_seconds', 'handled', 'talk_seconds', 'hold_seconds',
  'after_contact_work_seconds', 'transferred', 'fcr_eligible', 'fcr_resolved',
  ...[10, 15, 20, 30, 45, 60, 90, 120, 180, 300].map((t) => `answered_within_t${t}`),
  ...[3, 5, 10].map((s) => `short_abandoned_s${s}`),
  'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes',
  'complaints', 'nps_answers', 'nps_promoters', 'nps_detractors',
];

/**
 * A 15-minute grain without agents: UTC quarter hour × channel × direction ×
 * queue × team, each row the sums of the contact_rollup rows it covers. Reports
 * that neither group nor filter by agent read it for the quarter hours no hour
 * row answers: a wallboard's day by 15 minutes × queue reads about 1,800 rows
 * instead of 4,500 in the benchmark. Filled from the existing rows, in bucket order.
 */
export class Migration20261127100000 extends Migration {
  override async up(): Promise<void> {
    const table = 'contact_rollup_team';
    this.addSql(`create table "${table}" (like "contact_rollup" including defaults,
      constraint "${table}_organization_id_foreign" foreign key ("organization_id") references "organization" ("id"),
      constraint "${table}_key" unique nulls not distinct ("organization_id", "bucket", ${DIMENSIONS.map((d) => `"${d}"`).join(', ')}));`);
    this.addSql(`alter table "${table}" drop column "agent_id";`);
    this.addSql(`insert into "${table}" (organization_id, bucket, ${DIMENSIONS.join(', ')}, ${SUMS.join(', ')})
      select organization_id, bucket, ${DIMENSIONS.join(', ')}, ${SUMS.map((c) => `sum(${c})`).join(', ')}
      from "contact_rollup"
      group by organization_id, bucket, ${DIMENSIONS.join(', ')}
      order by 2;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_rollup_team";`);
  }
}
