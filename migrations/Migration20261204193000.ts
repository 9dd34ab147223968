import { Migration } from '@mikro-orm/migrations';

/**
 * SLA alerts by webhook (API.md "Live wallboard and SLA alerts"):
 * - webhook: an organization's receivers, each with the event types it wants and
 *   the secret its deliveries are signed with (kept to sign; shown once);
 * - webhook_delivery: the outbox, one row per event and webhook, written in the
 *   transaction of the write that raised the event; the worker posts the oldest
 *   pending one of each webhook first (in order per webhook);
 * - webhook_attempt: every attempt of a delivery, with its status or error;
 * - sla_alert_state: each policy's last seen target statuses for its current
 *   period, so an event is raised only by a change.
 * Keys begin with organization_id (tenancy-keys.test.ts).
 */
export class Migration20261204193000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "webhook" (
      "organization_id" int not null references "organization" ("id"),
      "id" bigserial not null,
      "url" text not null,
      "events" text[] not null,
      "secret" text not null,
      "created_at" timestamptz not null default now(),
      "deleted_at" timestamptz null,
      constraint "webhook_pkey" primary key ("organization_id", "id"));`);
    this.addSql(`create table "webhook_delivery" (
      "organization_id" int not null,
      "id" bigserial not null,
      "webhook_id" bigint not null,
      "event_id" uuid not null,
      "event" text not null,
      "body" text not null,
      "created_at" timestamptz not null default now(),
      "attempts" int not null default 0,
      "last_status" int null,
      "last_error" text null,
      "delivered_at" timestamptz null,
      "failed_at" timestamptz null,
      "next_attempt_at" timestamptz not null default now(),
      "lease_until" timestamptz null,
      constraint "webhook_delivery_pkey" primary key ("organization_id", "id"),
      constraint "webhook_delivery_webhook_fk" foreign key ("organization_id", "webhook_id") references "webhook" ("organization_id", "id"));`);
    // The worker's scan: the pending deliveries, oldest first per webhook.
    this.addSql(`create index "webhook_delivery_pending" on "webhook_delivery" ("organization_id", "webhook_id", "id")
      where "delivered_at" is null and "failed_at" is null;`);
    this.addSql(`create table "webhook_attempt" (
      "organization_id" int not null,
      "delivery_id" bigint not null,
      "attempt" int not null,
      "attempted_at" timestamptz not null default now(),
      "status" int null,
      "error" text null,
      "duration_ms" int not null,
      constraint "webhook_attempt_pkey" primary key ("organization_id", "delivery_id", "attempt"),
      constraint "webhook_attempt_delivery_fk" foreign key ("organization_id", "delivery_id") references "webhook_delivery" ("organization_id", "id"));`);
    this.addSql(`create table "sla_alert_state" (
      "organization_id" int not null,
      "policy_id" bigint not null,
      "period_start" timestamptz not null,
      "statuses" jsonb not null,
      constraint "sla_alert_state_pkey" primary key ("organization_id", "policy_id"),
      constraint "sla_alert_state_policy_fk" foreign key ("organization_id", "policy_id") references "sla_policy" ("organization_id", "id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sla_alert_state";`);
    this.addSql(`drop table if exists "webhook_attempt";`);
    this.addSql(`drop table if exists "webhook_delivery";`);
    this.addSql(`drop table if exists "webhook";`);
  }
}
