import { Migration } from '@mikro-orm/migrations';

const mine = (alias: string) =>
  `${alias}.organization_id = (select a.organization_id from public.sql_access a where a.username = current_user)`;

/**
 * SQL access: `reporting.kpi_daily` gains the QA sums (DOMAIN.md "Quality"), after
 * its other columns (a view may gain columns, never lose or rename one; grants and
 * the security barrier stay): qa_evaluations, qa_score_sum (numeric) and
 * qa_fatal_errors, attributed to the evaluated contact's day, channel, queue and
 * team. QA score = sum(qa_score_sum) / sum(qa_evaluations); fatal error rate =
 * sum(qa_fatal_errors) / sum(qa_evaluations).
 */
export class Migration20261205101000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace view "reporting"."kpi_daily" with (security_barrier = true) as
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
        sum(c.nps_promoters)::int as nps_promoters, sum(c.nps_detractors)::int as nps_detractors,
        sum(c.qa_evaluations)::int as qa_evaluations, sum(c.qa_score_sum) as qa_score_sum, sum(c.qa_fatal_errors)::int as qa_fatal_errors
      from public.contact c
      join public.organization o on o.id = c.organization_id
      join public.queue q on q.organization_id = c.organization_id and q.id = c.queue_id
      left join public.team t on t.organization_id = c.organization_id and t.id = c.team_id
      where ${mine('c')}
      group by 1, 2, 3, 4, 5;`);
    this.addSql(`comment on view "reporting"."kpi_daily" is 'Additive KPI sums per local day (the organization''s reporting time zone) x channel x queue x team, from the contacts; form ratios from the sums (service level = answered_within_20s / offered, ASA = answered_wait_seconds / answered, AHT = (talk + hold + acw) / handled, QA score = qa_score_sum / qa_evaluations), never average them';`);
  }

  override async down(): Promise<void> {
    // A view cannot lose columns by CREATE OR REPLACE: drop it, make it again as before, and grant it to every login again.
    this.addSql(`drop view "reporting"."kpi_daily";`);
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
    this.addSql(`do $$ declare r record; begin
      for r in select username from public.sql_access loop execute format('grant select on reporting.kpi_daily to %I', r.username); end loop;
    end $$;`);
  }
}
