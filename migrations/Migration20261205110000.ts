import { Migration } from '@mikro-orm/migrations';

/**
 * The team that owns a queue (setQueueTeam; DOMAIN.md "Team of an unanswered
 * contact"):
 * - queue.team_id: the owning team, null for none;
 * - contact.team_from_queue: true when the contact's team_id is its queue's owner
 *   rather than a team of its own (its `team` key or its agent's team). A contact
 *   follows its queue's owner when it has no team of its own: team_id null (no
 *   owner when it was written) or team_from_queue. Every contact written before
 *   this migration had no owner to take, so the default false is exact for them
 *   and no row is rewritten;
 * - a partial index on the contacts that follow their queue's owner (unanswered
 *   contacts without a team key, mostly), so moving a queue's contacts to a new
 *   owner reads only those.
 */
export class Migration20261205110000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "queue" add column "team_id" int null,
      add constraint "queue_team_fk" foreign key ("organization_id", "team_id") references "team" ("organization_id", "id");`);
    this.addSql(`alter table "contact" add column "team_from_queue" boolean not null default false;`);
    this.addSql(`create index "contact_queue_owner_index" on "contact" ("organization_id", "queue_id")
      where "team_id" is null or "team_from_queue";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "contact_queue_owner_index";`);
    this.addSql(`alter table "contact" drop column if exists "team_from_queue";`);
    this.addSql(`alter table "queue" drop constraint if exists "queue_team_fk", drop column if exists "team_id";`);
  }
}
