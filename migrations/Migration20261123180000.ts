import { Migration } from '@mikro-orm/migrations';

/** Automatic survey invitations on ingest, per organization: which channels, and a sampling rate (0 = off). */
export class Migration20261123180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organization"
      add column "survey_auto_invite_channels" text[] not null default '{}',
      add column "survey_auto_invite_rate" double precision not null default 0
        check ("survey_auto_invite_rate" >= 0 and "survey_auto_invite_rate" <= 1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "organization" drop column "survey_auto_invite_channels", drop column "survey_auto_invite_rate";`);
  }
}
