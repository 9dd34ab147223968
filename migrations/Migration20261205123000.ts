import { Migration } from '@mikro-orm/migrations';

/**
 * Drops the foreign keys to `organization` that only repeat another one (issue 16,
 * ingest speed). PostgreSQL checks a foreign key row by row (a trigger and an index
 * probe, about 3 µs each here): a batch of 10,000 new contacts writes about 30,000
 * rollup rows, and their checks took about 180 ms of a 1.4 s batch.
 *
 * - A rollup row holds the sums of stored facts of its organization (the upkeep
 *   deletes a row no fact falls in any more), and each fact row is itself checked:
 *   its organization exists whenever the row does.
 * - A contact references its queue by (organization_id, queue_id), queue_id is NOT
 *   NULL, and the queue references the organization: the contact's own key to the
 *   organization adds nothing. Likewise an activity record through its agent.
 *
 * Every remaining foreign key still starts with organization_id (tenancy-keys test).
 */
const REDUNDANT: ReadonlyArray<[table: string, constraint: string]> = [
  ['contact', 'contact_organization_id_fkey'],
  ['agent_activity', 'agent_activity_organization_id_fkey'],
  ['contact_rollup', 'contact_rollup_organization_id_fkey'],
  ['contact_rollup_team', 'contact_rollup_team_organization_id_foreign'],
  ['contact_rollup_hour', 'contact_rollup_hour_organization_id_foreign'],
  ['contact_rollup_hour_team', 'contact_rollup_hour_team_organization_id_foreign'],
  ['contact_rollup_hour_agent', 'contact_rollup_hour_agent_organization_id_foreign'],
  ['contact_rollup_day', 'contact_rollup_day_organization_id_foreign'],
  ['contact_rollup_day_team', 'contact_rollup_day_team_organization_id_foreign'],
  ['contact_rollup_day_agent', 'contact_rollup_day_agent_organization_id_foreign'],
  ['contact_rollup_local_day_team', 'contact_rollup_local_day_team_organization_id_foreign'],
  ['contact_rollup_local_day_agent', 'contact_rollup_local_day_agent_organization_id_foreign'],
  ['contact_wait_rollup', 'contact_wait_rollup_organization_id_fkey'],
  ['contact_wait_rollup_day_team', 'contact_wait_rollup_day_team_organization_id_fkey'],
  ['contact_handle_rollup', 'contact_handle_rollup_organization_id_fkey'],
  ['agent_activity_hour', 'agent_activity_hour_organization_id_fkey'],
  ['agent_activity_day', 'agent_activity_day_organization_id_fkey'],
  ['agent_activity_local_day', 'agent_activity_local_day_organization_id_foreign'],
];

export class Migration20261205123000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, constraint] of REDUNDANT) this.addSql(`alter table "${table}" drop constraint if exists "${constraint}";`);
  }

  override async down(): Promise<void> {
    for (const [table, constraint] of REDUNDANT) {
      this.addSql(`alter table "${table}" add constraint "${constraint}" foreign key ("organization_id") references "organization" ("id");`);
    }
  }
}
