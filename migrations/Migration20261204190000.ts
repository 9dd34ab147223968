import { Migration } from '@mikro-orm/migrations';

/**
 * QA forms and evaluations (DOMAIN.md "Quality"). A form's criteria are kept as
 * JSON (a form is never edited: a new form is a new id). An evaluation keeps its
 * scores, its computed score and the fatal criteria it failed, and points at the
 * evaluated contact by id: a correction of that contact keeps its id, so its
 * evaluations move with it.
 */
export class Migration20261204190000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "qa_form" (
      "organization_id" int not null references "organization" ("id"),
      "id" bigserial not null,
      "name" text not null,
      "criteria" jsonb not null,
      "created_at" timestamptz not null default now(),
      constraint "qa_form_pkey" primary key ("organization_id", "id"));`);
    this.addSql(`create table "qa_evaluation" (
      "organization_id" int not null references "organization" ("id"),
      "id" bigserial not null,
      "external_id" text not null,
      "contact_id" bigint not null,
      "form_id" bigint not null,
      "evaluator" text not null,
      "evaluated_at" timestamptz not null,
      "scores" jsonb not null,
      "score" double precision not null,
      "fatal_errors" text[] not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "qa_evaluation_pkey" primary key ("organization_id", "id"),
      constraint "qa_evaluation_external_id_key" unique ("organization_id", "external_id"),
      constraint "qa_evaluation_contact_fkey" foreign key ("organization_id", "contact_id") references "contact" ("organization_id", "id"),
      constraint "qa_evaluation_form_fkey" foreign key ("organization_id", "form_id") references "qa_form" ("organization_id", "id"));`);
    this.addSql(`create index "qa_evaluation_contact_idx" on "qa_evaluation" ("organization_id", "contact_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "qa_evaluation";`);
    this.addSql(`drop table if exists "qa_form";`);
  }
}
