import { Migration } from '@mikro-orm/migrations';

/**
 * Each organization's facts version (the KPI result cache's key, src/platform/kpi-result-cache.ts):
 * every transaction that takes the organization's write lock sets it to a fresh value of
 * one sequence. A sequence value is never handed out twice, so a version cannot come back
 * meaning other data, even after a rolled-back write. Every organization gets its
 * first version here; one created later gets it with its first write (no row: not cached).
 */
export class Migration20261205120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence "organization_facts_version_seq";`);
    this.addSql(`create table "organization_facts_version" (
      "organization_id" int not null primary key references "organization" ("id"),
      "version" bigint not null);`);
    this.addSql(`insert into "organization_facts_version" ("organization_id", "version")
      select "id", nextval('organization_facts_version_seq') from "organization";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "organization_facts_version";`);
    this.addSql(`drop sequence if exists "organization_facts_version_seq";`);
  }
}
