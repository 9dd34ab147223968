import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logger';
import { Organization } from '../../../src/org/organization.entity';
import { seedDemo } from '../../../src/demo/seed-demo';
import { DEMO_AGENT_HOURLY_COSTS, DEMO_QUEUES, DEMO_TEAMS } from '../../../src/demo/demo-generator';
import { KpiService } from '../../../src/analytics/kpi.service';
import { Dimension } from '../../../src/analytics/kpi.request';
import { createDirectoryLoaders } from '../../../src/org/directory.loaders';
import { SlaScorecards } from '../../../src/sla/sla.scorecards';
import { SlaStore } from '../../../src/sla/sla.store';
import { createTestDatabase, type TestDatabase } from '../../support/database';

describe('seedDemo', () => {
  let db: TestDatabase;
  let orgId: number;
  const logger = createLogger('silent');
  const options = { logger, endDate: '2026-03-04', days: 3 };

  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    db.orm.em.fork().getConnection().execute<T[]>(sql, params);
  const storedCount = async () =>
    (await query<{ n: number }>('select count(*)::int as n from contact where organization_id = ?', [orgId]))[0].n;
  /** Everything the activity part writes, to compare before and after a second run. */
  const activityState = async () =>
    query<{ n: number; updated: string; costs: string }>(
      `select (select count(*)::int from agent_activity where organization_id = ?) as n,
              (select max(updated_at)::text from agent_activity where organization_id = ?) as updated,
              (select string_agg(id || ':' || hourly_cost, ',' order by id) from hourly_cost where organization_id = ?) as costs`,
      [orgId, orgId, orgId],
    );
  let firstActivity = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    const em = db.orm.em.fork();
    const org = new Organization('demo', 'demo');
    await em.persistAndFlush(org);
    orgId = org.id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('stores every generated contact of a short range', async () => {
    const summary = await seedDemo(db.orm.em.fork(), orgId, options);
    expect(summary).toMatchObject({ days: 3, from: '2026-03-02', to: '2026-03-04', updated: 0, unchanged: 0, reportingTimeZone: 'Europe/Berlin', queueOwners: DEMO_QUEUES.length });
    expect(summary.contacts).toBeGreaterThan(3 * 1000);
    expect(summary.created).toBe(summary.contacts);
    expect(await storedCount()).toBe(summary.contacts);
    firstActivity = summary.activity;
  });

  it('stores every agent\'s shift activity and the hourly costs, priced as written', async () => {
    const [stored] = await query<{ n: number; agents: number; logged_in: number; handling: number; not_ready: number; unpriced: number }>(
      `select count(*)::int as n, count(distinct agent_id)::int as agents, sum(logged_in_seconds)::int as logged_in,
              sum(handling_seconds)::int as handling, sum(not_ready_seconds)::int as not_ready,
              count(*) filter (where hourly_cost is null)::int as unpriced
       from agent_activity where organization_id = ?`,
      [orgId],
    );
    expect(stored!.n).toBe(firstActivity);
    expect(stored!.n).toBeGreaterThan(3 * 30 * 34); // 3 weekdays, ≥ 30 agents, 34 intervals of a shift
    expect(stored!.agents).toBeGreaterThan(50);
    expect(stored!.unpriced).toBe(0);
    expect(stored!.not_ready).toBeGreaterThan(0);
    expect(stored!.handling / stored!.logged_in).toBeGreaterThan(0.4);

    const costs = await query<{ agent: string | null; team: string | null; hourly_cost: string }>(
      `select a.key as agent, t.key as team, c.hourly_cost from hourly_cost c
       left join agent a on a.id = c.agent_id left join team t on t.id = c.team_id where c.organization_id = ?`,
      [orgId],
    );
    expect(costs).toHaveLength(DEMO_TEAMS.length + DEMO_AGENT_HOURLY_COSTS.length);
    const [senior] = await query<{ costs: string[] }>(
      `select array_agg(distinct x.hourly_cost::text) as costs from agent_activity x join agent a on a.id = x.agent_id
       where x.organization_id = ? and a.key = ?`,
      [orgId, DEMO_AGENT_HOURLY_COSTS[0]!.agent],
    );
    expect(senior!.costs.map(Number)).toEqual([DEMO_AGENT_HOURLY_COSTS[0]!.hourlyCost]);
  });

  it('answers the activity KPIs per team: occupancy, utilization, staffed cost and cost per contact', async () => {
    const em = db.orm.em.fork();
    const kpis = new KpiService(em, createDirectoryLoaders(em, async () => orgId));
    const report = await kpis.report({
      organizationId: orgId,
      from: new Date('2026-03-01T23:00:00Z'), // the 3 Berlin days
      to: new Date('2026-03-04T23:00:00Z'),
      timeZone: 'Europe/Berlin',
      granularity: null,
      groupBy: [Dimension.TEAM],
      filter: {},
      fields: ['handled', 'occupancy', 'utilization', 'averageAgentsStaffed', 'staffedCost', 'costCoverage', 'costPerContact'],
    });
    const teams = report.rows.filter((r) => r.team);
    expect(teams.map((r) => r.team!.key).sort()).toEqual(DEMO_TEAMS.map((t) => t.key).sort());
    for (const { team, metrics: m } of teams) {
      expect(m.occupancy, team!.key).not.toBeNull();
      expect(m.occupancy!).toBeGreaterThan(0.45);
      expect(m.occupancy!).toBeLessThan(0.9);
      expect(m.utilization!).toBeLessThan(m.occupancy!);
      expect(m.costCoverage).toBe(1);
      expect(m.staffedCost!).toBeGreaterThan(0);
      expect(m.costPerContact!).toBeGreaterThan(3);
      expect(m.costPerContact!).toBeLessThan(15);
    }
    // ~40 agents of 8.5 hours a weekday: about 14 on average around the clock.
    expect(report.total.metrics.averageAgentsStaffed!).toBeGreaterThan(10);
    expect(report.total.metrics.averageAgentsStaffed!).toBeLessThan(20);
  });

  it('fills the directory: 5 named teams, every agent in one', async () => {
    const teams = await query<{ key: string; name: string }>('select key, name from team where organization_id = ? order by key', [orgId]);
    expect(teams.map((t) => t.name)).toEqual(['Team Central', 'Team East', 'Team North', 'Team South', 'Team West']);
    const agents = await query<{ n: number; teamless: number }>(
      'select count(*)::int as n, count(*) filter (where team_id is null)::int as teamless from agent where organization_id = ?',
      [orgId],
    );
    expect(agents[0].n).toBeGreaterThan(50);
    expect(agents[0].teamless).toBe(0);
    // Unanswered contacts name no agent and no team: each is credited to its queue's owner, the team that mainly serves it.
    const queues = await query<{ queue: string; team: string | null }>(
      'select q.key as queue, t.key as team from queue q left join team t on t.id = q.team_id where q.organization_id = ? order by q.key',
      [orgId],
    );
    expect(queues).toEqual(DEMO_QUEUES.map((q) => ({ queue: q.key, team: q.team })).sort((a, b) => a.queue.localeCompare(b.queue)));
    const unanswered = await query<{ n: number; with_agent: number; not_owner: number }>(
      `select count(*)::int as n, count(c.agent_id)::int as with_agent,
              count(*) filter (where c.team_id is distinct from q.team_id or not c.team_from_queue)::int as not_owner
       from contact c join queue q on q.id = c.queue_id where c.organization_id = ? and c.answered_at is null`,
      [orgId],
    );
    expect(unanswered[0]!.n).toBeGreaterThan(0);
    expect(unanswered[0]).toMatchObject({ with_agent: 0, not_owner: 0 });
  });

  it("puts every team's abandoned calls on its own row: no contact is left without a team", async () => {
    const em = db.orm.em.fork();
    const report = await new KpiService(em, createDirectoryLoaders(em, async () => orgId)).report({
      organizationId: orgId,
      from: new Date('2026-03-01T23:00:00Z'),
      to: new Date('2026-03-04T23:00:00Z'),
      timeZone: 'Europe/Berlin',
      granularity: null,
      groupBy: [Dimension.TEAM],
      filter: {},
      fields: ['offered', 'abandoned', 'abandonRate'],
    });
    expect(report.rows.map((r) => r.team?.key ?? null).sort()).toEqual(DEMO_TEAMS.map((t) => t.key).sort());
    for (const row of report.rows) expect(row.metrics.abandoned, row.team!.key).toBeGreaterThan(0);
    expect(report.rows.reduce((n, r) => n + r.metrics.abandoned!, 0)).toBe(report.total.metrics.abandoned);
  });

  it('adds surveys whose KPIs the rollups carry, and the review policies', async () => {
    const [surveys] = await query<{ invitations: number; responses: number; complaints: number }>(
      `select (select count(*)::int from survey_invitation where organization_id = ?) as invitations,
              (select count(*)::int from survey_response where organization_id = ?) as responses,
              (select count(*)::int from survey_response where organization_id = ? and complaint) as complaints`,
      [orgId, orgId, orgId],
    );
    expect(surveys!.invitations).toBeGreaterThan(500);
    expect(surveys!.responses / surveys!.invitations).toBeGreaterThan(0.3);
    expect(surveys!.complaints).toBeGreaterThan(0);
    const [rolled] = await query<{ responses: number }>(
      'select sum(survey_responses)::int as responses from contact_rollup_day where organization_id = ?',
      [orgId],
    );
    expect(rolled!.responses).toBe(surveys!.responses);
    const policies = await query<{ name: string }>(
      `select definition->>'name' as name from sla_policy_version where organization_id = ? order by id`,
      [orgId],
    );
    expect(policies.map((p) => p.name)).toEqual([
      'Customer service: classic 80/20', 'Billing department (internal SLA)', 'Chat: 80 % answered within 60 s', 'Email: 90 % answered within 24 hours',
      'Quality: monthly QA review',
    ]);

    // The classic policy's workforce targets have data: occupancy and cost per contact come from the demo activity.
    const em = db.orm.em.fork();
    const [classic] = (await new SlaStore(em).all(orgId, false)).filter((v) => v[0]!.definition.name.startsWith('Customer service'));
    const [card] = await new SlaScorecards(em, createDirectoryLoaders(em, async () => orgId), orgId).scorecard(classic!, new Date('2026-03-03T12:00:00Z'), null);
    const actual = (metric: string) => card!.targets.find((t) => t.metric === metric)?.actual;
    expect(actual('occupancy')).toBeGreaterThan(0.3);
    expect(actual('occupancy')).toBeLessThan(1);
    expect(actual('costPerContact')).toBeGreaterThan(2);
    // Judged by each channel's T (email within a day, chat within a minute), the demo's 80/20 is not breached by its emails.
    const sl = card!.targets.find((t) => t.metric === 'serviceLevel')!;
    expect(sl.status).not.toBe('BREACHED');
  });

  it('adds QA forms with fatal criteria and evaluations of handled contacts, which the rollups and kpis carry', async () => {
    const forms = await query<{ name: string; fatal: number }>(
      `select name, (select count(*)::int from jsonb_array_elements(criteria) c where (c->>'fatal')::boolean) as fatal
       from qa_form where organization_id = ? order by id`,
      [orgId],
    );
    expect(forms).toEqual([{ name: 'Calls', fatal: 2 }, { name: 'Chats and emails', fatal: 2 }]);
    const [stored] = await query<{ n: number; unanswered: number; score_sum: number; fatal: number }>(
      `select count(*)::int as n, count(*) filter (where c.answered_at is null)::int as unanswered,
              sum(e.score)::float8 as score_sum, count(*) filter (where cardinality(e.fatal_errors) > 0)::int as fatal
       from qa_evaluation e join contact c on c.id = e.contact_id where e.organization_id = ?`,
      [orgId],
    );
    // About 3.5 in 1,000 of some 3,500 handled contacts.
    expect(stored!.n).toBeGreaterThan(3);
    expect(stored!.unanswered).toBe(0);
    const em = db.orm.em.fork();
    const report = await new KpiService(em, createDirectoryLoaders(em, async () => orgId)).report({
      organizationId: orgId, from: new Date('2026-03-01T23:00:00Z'), to: new Date('2026-03-04T23:00:00Z'), timeZone: 'Europe/Berlin',
      filter: {}, groupBy: [], granularity: null, fields: ['qaEvaluations', 'qaScore', 'fatalErrors'],
    });
    expect(report.total.metrics).toMatchObject({ qaEvaluations: stored!.n, fatalErrors: stored!.fatal });
    expect(report.total.metrics.qaScore).toBeCloseTo(stored!.score_sum / stored!.n, 12);
  });

  it('makes the center\'s zone the reporting zone: its Berlin days come from their own rollups, equal to the contacts', async () => {
    const [org] = await query<{ zone: string }>('select reporting_time_zone as zone from organization where id = ?', [orgId]);
    expect(org!.zone).toBe('Europe/Berlin');
    // Each local day (23:00 UTC in March) holds what its contacts and survey answers add up to.
    const days = await query<{ bucket: string; rolled: number; contacts: number; responses: number; answered_surveys: number }>(
      `select to_char(r.bucket at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as bucket, r.rolled, r.responses,
              (select count(*)::int from contact c where c.organization_id = ? and c.offered_at >= r.bucket and c.offered_at < r.bucket + interval '24 hours') as contacts,
              (select count(*)::int from survey_response s join contact c on c.id = s.contact_id
                where s.organization_id = ? and c.offered_at >= r.bucket and c.offered_at < r.bucket + interval '24 hours') as answered_surveys
       from (select bucket, sum(contacts)::int as rolled, sum(survey_responses)::int as responses
             from contact_rollup_local_day_team where organization_id = ? group by bucket) r order by r.bucket`,
      [orgId, orgId, orgId],
    );
    expect(days.map((d) => d.bucket)).toEqual(['2026-03-01 23:00', '2026-03-02 23:00', '2026-03-03 23:00']);
    for (const d of days) {
      expect(d.rolled).toBe(d.contacts);
      expect(d.responses).toBe(d.answered_surveys);
    }
  });

  it('changes nothing when run again', async () => {
    const before = await storedCount();
    const invitations = (await query<{ n: number }>('select count(*)::int as n from survey_invitation'))[0]!.n;
    const activity = await activityState();
    const again = await seedDemo(db.orm.em.fork(), orgId, options);
    expect(again).toMatchObject({ contacts: before, created: 0, updated: 0, unchanged: before });
    expect(again).toMatchObject({ activity: firstActivity, activityCreated: 0, activityUpdated: 0, hourlyCosts: 0, queueOwners: 0 });
    expect(await storedCount()).toBe(before);
    expect((await query<{ n: number }>('select count(*)::int as n from survey_invitation'))[0]!.n).toBe(invitations);
    expect(await activityState()).toEqual(activity);
  });

  it('keeps a reporting zone the organization chose', async () => {
    await db.orm.em.fork().getConnection().execute(`update organization set reporting_time_zone = 'America/New_York' where id = ?`, [orgId]);
    expect((await seedDemo(db.orm.em.fork(), orgId, options)).reportingTimeZone).toBe('America/New_York');
  });
});
