import { Migration } from '@mikro-orm/migrations';

// A snapshot of contact_rollup's sum columns as of this migration (migrations are history).
const DIMENSIONS = ['channel', 'direction', 'queue_id', 'team_id', 'agent_id'];
const SUMS = [
  'contacts', 'offered', 'answered', 'answered_wait_seconds', 'handled', 'talk_seconds', 'hold_seconds',
  'after_contact_work_seconds', 'transferred', 'fcr_eligible', 'fcr_resolved',
  ...[10, 15, 20, 30, 45, 60, 90, 120, 180, 300].map((t) => `answered_within_t${t}`),
  ...[3, 5, 10].map((s) => `short_abandoned_s${s}`),
];

/**
 * Hour and day grains of the sums rollup (UTC-aligned, same columns as the
 * 15-minute contact_rollup), each the sums of the next finer grain, so long
 * ranges read a few rows per group. Filled from the existing 15-minute rows.
 */
export class Migration20261123150000 extends Migration {
  override async up(): Promise<void> {
    const grains = [
      { table: 'contact_rollup_hour', interval: '1 hour', finer: 'contact_rollup' },
      { table: 'contact_rollup_day', interval: '24 hours', finer: 'contact_rollup_hour' },
    ];
    for (const { table, interval, finer } of grains) {
      this.addSql(`create table "${table}" (like "contact_rollup" including defaults,
        constraint "${table}_organization_id_foreign" foreign key ("organization_id") references "organization" ("id"),
        constraint "${table}_key" unique nulls not distinct ("organization_id", "bucket", ${DIMENSIONS.map((d) => `"${d}"`).join(', ')}));`);
      this.addSql(`insert into "${table}" (organization_id, bucket, ${DIMENSIONS.join(', ')}, ${SUMS.join(', ')})
        select organization_id, date_bin('${interval}', bucket, timestamptz '2000-01-01 00:00:00+00'), ${DIMENSIONS.join(', ')},
          ${SUMS.map((c) => `sum(${c})`).join(', ')}
        from "${finer}"
        group by 1, 2, ${DIMENSIONS.map((_, i) => i + 3).join(', ')};`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "contact_rollup_day";`);
    this.addSql(`drop table if exists "contact_rollup_hour";`);
  }
}
