import { Migration } from '@mikro-orm/migrations';

/**
 * SQL access for BI tools (API.md "Exports, the dashboard page and SQL access"):
 * `sql_access` maps each read-only login that createSqlAccess makes to its
 * organization, and schema `reporting` holds the stable views such logins read.
 *
 * Isolation is PostgreSQL's own: every view keeps only the rows whose
 * organization is the one `sql_access` names for `current_user` (the login
 * running the query; a view checks table privileges as its owner, but
 * current_user stays the caller), so a login sees its organization or nothing,
 * whatever SQL it writes. The logins get SELECT on these views and nothing
 * else (no table of `public`); `security_barrier` keeps a function of the
 * caller's from seeing rows before the organization condition has removed them.
 * The views read the contact table and the directory (never the rollups, whose
 * layout is the KPI engine's to change); their columns are documented here, in
 * COMMENTs and in the README, and may gain columns but never lose or rename one.
 */
export class Migration20261204150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sql_access" (
      "username" text primary key,
      "organization_id" integer not null references "organization" ("id"),
      "created_at" timestamptz not null default now(),
      "created_by_api_key_id" integer
    );`);
    this.addSql(`create index "sql_access_organization_index" on "sql_access" ("organization_id");`);
    this.addSql(`create schema "reporting";`);
    this.addSql(`comment on schema "reporting" is 'CallPulse views for BI tools: each SQL access login sees only its organization''s rows, read-only';`);
    const mine = (alias: string) =>
      `${alias}.organization_id = (select a.organization_id from public.sql_access a where a.username = current_user)`;

    this.addSql(`create view "reporting"."contacts" with (security_barrier = true) as
      select c.id, c.external_id, c.channel, c.direction, q.key as queue, t.key as team, g.key as agent, c.customer_ref,
        c.offered_at, c.answered_at, c.ended_at, c.wait_seconds, c.talk_seconds, c.hold_seconds, c.after_contact_work_seconds,
        c.transfers, c.resolved, c.disposition, c.first_contact_resolved
      from public.contact c
      join public.queue q on q.organization_id = c.organization_id and q.id = c.queue_id
      left join public.team t on t.organization_id = c.organization_id and t.id = c.team_id
      left join public.agent g on g.organization_id = c.organization_id and g.id = c.agent_id
      where ${mine('c')};`);
    this.addSql(`comment on view "reporting"."contacts" is 'One row per offered contact, as recorded (GraphQL Contact): queue, team and agent as their keys; wait_seconds = (answered_at or ended_at) - offered_at';`);

    this.addSql(`create view "reporting"."kpi_daily" with (security_barrier = true) as
      select (c.offered_at at time zone o.reporting_time_zone)::date as day, o.reporting_time_zone as time_zone,
        c.channel, q.key as queue, t.key as team,
        count(*) filter (where c.direction = 'INBOUND')::int as offered,
        count(*) filter (where c.direction = 'INBOUND' and c.answered_at is not null)::int as answered,
        count(*) filter (where c.direction = 'INBOUND' and c.answered_at is null)::int as abandoned,
        count(*) filter (where c.direction = 'INBOUND' and c.answered_at is not null and c.wait_seconds <= 20)::int as answered_within_20s,
        coalesce(sum(c.wait_seconds) filter (where c.direction = 'INBOUND' and c.answered_at is not null), 0)::bigint as answered_wait_seconds,
        count(*) filter (where c.answered_at is not null)::int as handled,
        coalesce(sum(c.talk_seconds) filter (where c.answered_at is not null), 0)::bigint as talk_seconds,
        coalesce(sum(c.hold_seconds) filter (where c.answered_at is not null), 0)::bigint as hold_seconds,
        coalesce(sum(c.after_contact_work_seconds) filter (where c.answered_at is not null), 0)::bigint as after_contact_work_seconds,
        count(*) filter (where c.answered_at is not null and c.transfers > 0)::int as transferred,
        count(*) filter (where c.first_contact_resolved is not null)::int as fcr_eligible,
        count(*) filter (where c.first_contact_resolved)::int as fcr_resolved,
        sum(c.survey_responses)::int as survey_responses, sum(c.csat_top2)::int as csat_top2, sum(c.csat_sum)::int as csat_sum,
        sum(c.complaints)::int as complaints, sum(c.nps_answers)::int as nps_answers,
        sum(c.nps_promoters)::int as nps_promoters, sum(c.nps_detractors)::int as nps_detractors
      from public.contact c
      join public.organization o on o.id = c.organization_id
      join public.queue q on q.organization_id = c.organization_id and q.id = c.queue_id
      left join public.team t on t.organization_id = c.organization_id and t.id = c.team_id
      where ${mine('c')}
      group by 1, 2, 3, 4, 5;`);
    this.addSql(`comment on view "reporting"."kpi_daily" is 'Additive KPI sums per local day (the organization''s reporting time zone) x channel x queue x team, from the contacts; form ratios from the sums (service level = answered_within_20s / offered, ASA = answered_wait_seconds / answered, AHT = (talk + hold + acw) / handled), never average them';`);

    this.addSql(`create view "reporting"."survey_responses" with (security_barrier = true) as
      select r.id, r.contact_id, c.external_id as contact_external_id, c.channel, q.key as queue, t.key as team, g.key as agent,
        c.offered_at, r.submitted_at, r.csat, r.resolved, r.complaint, r.complaint_category, r.nps, r.comment
      from public.survey_response r
      join public.contact c on c.organization_id = r.organization_id and c.id = r.contact_id
      join public.queue q on q.organization_id = c.organization_id and q.id = c.queue_id
      left join public.team t on t.organization_id = c.organization_id and t.id = c.team_id
      left join public.agent g on g.organization_id = c.organization_id and g.id = c.agent_id
      where ${mine('r')};`);
    this.addSql(`comment on view "reporting"."survey_responses" is 'One row per survey answer, with its contact''s channel, queue, team and agent: csat 1-5, resolved (self-reported), complaint and its category, nps 0-10, comment';`);

    this.addSql(`create view "reporting"."agent_activity" with (security_barrier = true) as
      select a.interval_start, g.key as agent, t.key as team, a.logged_in_seconds, a.available_seconds, a.handling_seconds,
        a.not_ready_seconds, a.hourly_cost
      from public.agent_activity a
      join public.agent g on g.organization_id = a.organization_id and g.id = a.agent_id
      left join public.team t on t.organization_id = a.organization_id and t.id = a.team_id
      where ${mine('a')};`);
    this.addSql(`comment on view "reporting"."agent_activity" is 'Agent states per 15-minute interval (interval_start, UTC): logged_in = available + handling + not_ready seconds; hourly_cost in force (the agent''s, else its team''s), null when none';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop schema if exists "reporting" cascade;`);
    this.addSql(`drop table if exists "sql_access";`);
  }
}
