import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logger';
import { Organization } from '../../../src/org/organization.entity';
import { seedDemo } from '../../../src/demo/seed-demo';
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
    expect(summary).toMatchObject({ days: 3, from: '2026-03-02', to: '2026-03-04', updated: 0, unchanged: 0 });
    expect(summary.contacts).toBeGreaterThan(3 * 1000);
    expect(summary.created).toBe(summary.contacts);
    expect(await storedCount()).toBe(summary.contacts);
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
    const unansweredWithTeam = await query<{ n: number }>(
      'select count(*)::int as n from contact where organization_id = ? and answered_at is null and (team_id is not null or agent_id is not null)',
      [orgId],
    );
    expect(unansweredWithTeam[0].n).toBe(0);
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
    expect(policies.map((p) => p.name)).toEqual(['Customer service: classic 80/20', 'Billing department (internal SLA)']);
  });

  it('changes nothing when run again', async () => {
    const before = await storedCount();
    const invitations = (await query<{ n: number }>('select count(*)::int as n from survey_invitation'))[0]!.n;
    const again = await seedDemo(db.orm.em.fork(), orgId, options);
    expect(again).toMatchObject({ contacts: before, created: 0, updated: 0, unchanged: before });
    expect(await storedCount()).toBe(before);
    expect((await query<{ n: number }>('select count(*)::int as n from survey_invitation'))[0]!.n).toBe(invitations);
  });
});
