import { Migration } from '@mikro-orm/migrations';

// Snapshot as of this migration (migrations are history).
const DIMENSIONS = ['channel', 'direction', 'queue_id', 'team_id', 'agent_id'];
const DROPPED = ['contact_rollup', 'contact_rollup_hour'];

/**
 * Drops the two contact rollups with every dimension below the day (issue 16,
 * items 4 and 5): by 15 minutes and by hour they held 0.95 and 0.83 rows a
 * contact, so a report they answered read about as many rows as the contacts
 * themselves, while every new contact wrote a row in each (two of the eleven
 * upkeep statements, about 600 of the 2,300 bytes a contact took). Reports that
 * need every dimension below a day now read the contacts; the coarser grains are
 * kept from the upkeep's delta and rebuilt from the contacts.
 */
export class Migration20261205170000 extends Migration {
  override async up(): Promise<void> {
    for (const table of DROPPED) this.addSql(`drop table if exists "${table}";`);
  }

  /** Recreates them empty, with the day grain's columns: rebuild the organizations' facts after going back. */
  override async down(): Promise<void> {
    for (const table of DROPPED) {
      this.addSql(`create table "${table}" (like "contact_rollup_day" including defaults,
        constraint "${table}_key" unique nulls not distinct ("organization_id", "bucket", ${DIMENSIONS.map((d) => `"${d}"`).join(', ')}));`);
    }
  }
}
