import { Migration } from '@mikro-orm/migrations';

// A snapshot of the thresholds and aggregates as of this migration (migrations are history).
const T = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300];
const S = [3, 5, 10];
const INBOUND = `c.direction = 'INBOUND'`;

/**
 * Precomputed service-level and short-abandon counts on contact_rollup for common
 * thresholds, so most KPI queries need no pass over contact_wait_rollup. Existing
 * rollup rows are filled from their contacts.
 */
export class Migration20261123123000 extends Migration {
  override async up(): Promise<void> {
    const columns = [...T.map((t) => `answered_within_t${t}`), ...S.map((s) => `short_abandoned_s${s}`)];
    this.addSql(`alter table "contact_rollup" ${columns.map((c) => `add column "${c}" int not null default 0`).join(', ')};`);
    const aggregates = [
      ...T.map((t) => `count(*) filter (where ${INBOUND} and c.answered_at is not null and c.wait_seconds <= ${t})`),
      ...S.map((s) => `count(*) filter (where ${INBOUND} and c.answered_at is null and c.wait_seconds < ${s})`),
    ];
    this.addSql(`update contact_rollup r set ${columns.map((c) => `${c} = x.${c}`).join(', ')}
      from (
        select c.organization_id, date_bin('15 minutes', c.offered_at, timestamptz '2000-01-01 00:00:00+00') as bucket,
          c.channel, c.direction, c.queue_id, c.team_id, c.agent_id,
          ${aggregates.map((a, i) => `${a} as ${columns[i]}`).join(', ')}
        from contact c
        group by 1, 2, 3, 4, 5, 6, 7) x
      where r.organization_id = x.organization_id and r.bucket = x.bucket and r.channel = x.channel
        and r.direction = x.direction and r.queue_id = x.queue_id
        and r.team_id is not distinct from x.team_id and r.agent_id is not distinct from x.agent_id;`);
  }

  override async down(): Promise<void> {
    const columns = [...T.map((t) => `answered_within_t${t}`), ...S.map((s) => `short_abandoned_s${s}`)];
    this.addSql(`alter table "contact_rollup" ${columns.map((c) => `drop column "${c}"`).join(', ')};`);
  }
}
