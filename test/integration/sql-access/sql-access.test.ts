import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../../src/app/orm';
import { SqlAccessService } from '../../../src/sql-access/sql-access.service';
import { Role } from '../../../src/org/api-key.entity';
import { adminQuery } from '../../support/postgres-server';
import { useTestServer, type TestOrganization } from '../../support/server';

const RECORD = `mutation($contacts: [ContactInput!]!) { recordContacts(contacts: $contacts) { created } }`;
const ACTIVITY = `mutation($activity: [AgentActivityInput!]!) { recordAgentActivity(activity: $activity) { __typename } }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token } }`;
const ANSWER = `mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { csat } }`;
const CREATE = `mutation { createSqlAccess { username password database host port schema } }`;
const REVOKE = `mutation($username: String!) { revokeSqlAccess(username: $username) }`;
const VIEWS = ['contacts', 'kpi_daily', 'survey_responses', 'agent_activity'];

function contact(id: string, i: number) {
  const offered = Date.parse('2026-03-02T09:00:00Z') + i * 600_000;
  return {
    externalId: id, channel: 'VOICE', queue: 'billing', team: 'north', agent: 'ann',
    offeredAt: new Date(offered).toISOString(), answeredAt: new Date(offered + 15_000).toISOString(),
    endedAt: new Date(offered + 315_000).toISOString(), talkSeconds: 280,
  };
}

interface Access { username: string; password: string; database: string; host: string; port: number; schema: string }

describe('SQL access for BI tools', () => {
  const server = useTestServer();
  let other: TestOrganization;
  const clients: pg.Client[] = [];

  /** Seeds an organization: contacts (prefix), one activity interval, one survey answer. */
  async function seed(org: TestOrganization, prefix: string, contacts: number) {
    const key = org.keys.ADMIN;
    expect((await server.gql(RECORD, { contacts: Array.from({ length: contacts }, (_, i) => contact(`${prefix}-${i}`, i)) }, key)).errors).toBeUndefined();
    const activity = [{ agent: 'ann', team: 'north', intervalStart: '2026-03-02T09:00:00Z', loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 600, notReadySeconds: 0 }];
    expect((await server.gql(ACTIVITY, { activity }, key)).errors).toBeUndefined();
    const invited = await server.gql(INVITE, { ids: [`${prefix}-0`] }, key);
    expect(invited.errors).toBeUndefined();
    const answered = await server.gql(ANSWER, { input: { token: invited.data.createSurveyInvitations[0].token, csat: 4, comment: `${prefix} says hi` } }, null);
    expect(answered.errors).toBeUndefined();
  }

  async function create(org: TestOrganization): Promise<Access> {
    const res = await server.gql(CREATE, {}, org.keys.ADMIN);
    expect(res.errors).toBeUndefined();
    return res.data.createSqlAccess;
  }

  async function connect(access: Access): Promise<pg.Client> {
    const client = new pg.Client({ host: access.host, port: access.port, database: access.database, user: access.username, password: access.password });
    client.on('error', () => {}); // ended by revokeSqlAccess below
    await client.connect();
    clients.push(client);
    return client;
  }

  /** The SQLSTATE a statement fails with (it must fail). */
  async function refused(client: pg.Client, statement: string): Promise<string> {
    try {
      await client.query(statement);
    } catch (error) {
      await client.query('rollback').catch(() => {});
      return (error as { code: string }).code;
    }
    throw new Error(`succeeded: ${statement}`);
  }

  beforeAll(async () => {
    other = await server.createOrganization('other');
    await seed(server.org, 'a', 5);
    await seed(other, 'b', 3);
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => {});
    // Roles are the cluster's, not the test database's: drop what a failed test left.
    const left = (await server.db.orm.em.fork().getConnection().execute('select username from sql_access')) as Array<{ username: string }>;
    for (const { username } of left) await server.db.orm.em.fork().getConnection().execute(`drop owned by "${username}"; drop role if exists "${username}"`);
  });

  it('gives each organization a login that reads its own rows of every view, and none of the other organization', async () => {
    const a = await create(server.org);
    const b = await create(other);
    expect(a).toMatchObject({ schema: 'reporting', host: '127.0.0.1', database: server.db.url.split('/').pop() });
    expect(a.username).toMatch(new RegExp(`^callpulse_bi_${server.org.id}_[0-9a-f]{12}$`));
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const ca = await connect(a);
    const cb = await connect(b);

    const ids = async (client: pg.Client) => (await client.query('select external_id from contacts order by external_id')).rows.map((r) => r.external_id);
    expect(await ids(ca)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']); // search_path is reporting
    expect(await ids(cb)).toEqual(['b-0', 'b-1', 'b-2']);
    for (const view of VIEWS) {
      const mine = await ca.query(`select count(*)::int as n from reporting.${view}`);
      expect(mine.rows[0].n, view).toBeGreaterThan(0);
    }
    expect((await ca.query('select contact_external_id, comment, csat from survey_responses')).rows).toEqual([{ contact_external_id: 'a-0', comment: 'a says hi', csat: 4 }]);
    expect((await cb.query('select agent, team, logged_in_seconds from agent_activity')).rows).toEqual([{ agent: 'ann', team: 'north', logged_in_seconds: 900 }]);
    // Hand-written SQL reaching for the other organization finds nothing.
    expect((await ca.query(`select count(*)::int as n from reporting.contacts where external_id like 'b-%'`)).rows[0].n).toBe(0);
    expect((await ca.query(`select count(*)::int as n from reporting.survey_responses where comment like 'b%'`)).rows[0].n).toBe(0);

    // Two QA evaluations of a-1, one with a fatal error.
    const form = await server.gql(`mutation { createQaForm(name: "Calls", criteria: [{ key: "tone", label: "Tone", weight: 1 },
      { key: "privacy", label: "Privacy", weight: 1, fatal: true }]) { id } }`, {}, server.org.keys.ADMIN);
    const evaluation = (externalId: string, tone: number, privacy: number) => ({ externalId, contactExternalId: 'a-1', formId: form.data.createQaForm.id,
      evaluator: 'sam', evaluatedAt: '2026-03-03T09:00:00Z', scores: [{ criterion: 'tone', score: tone }, { criterion: 'privacy', score: privacy }] });
    const recorded = await server.gql(`mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { created } }`,
      { e: [evaluation('qa-1', 0.5, 1), evaluation('qa-2', 1, 0)] }, server.org.keys.INGEST);
    expect(recorded.data.recordQaEvaluations.created).toBe(2);

    // kpi_daily's sums are the KPI engine's figures for the same day.
    const kpis = await server.gql(`query { kpis(query: { range: { from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z" } }) {
      total { offered answered answeredWithinThreshold handled averageTalkTime surveyResponses qaEvaluations qaScore fatalErrors } } }`, {}, server.org.keys.ANALYST);
    const daily = await ca.query(`select day::text, sum(offered)::int as offered, sum(answered)::int as answered,
      sum(answered_within_20s)::int as within, sum(handled)::int as handled, sum(talk_seconds)::int as talk, sum(survey_responses)::int as responses,
      sum(qa_evaluations)::int as qa, (sum(qa_score_sum) / nullif(sum(qa_evaluations), 0))::float8 as qa_score, sum(qa_fatal_errors)::int as fatal
      from kpi_daily group by day`);
    expect(kpis.errors).toBeUndefined();
    const total = kpis.data.kpis.total;
    expect(total).toMatchObject({ qaEvaluations: 2, qaScore: 0.375, fatalErrors: 1 }); // (0.75 + 0) / 2
    expect(daily.rows).toEqual([{ day: '2026-03-02', offered: total.offered, answered: total.answered, within: total.answeredWithinThreshold,
      handled: total.handled, talk: total.averageTalkTime * total.handled, responses: total.surveyResponses,
      qa: total.qaEvaluations, qa_score: total.qaScore, fatal: total.fatalErrors }]);
  });

  it('a login cannot read the tables, cannot write anything, and cannot reach rows early through a function of its own', async () => {
    const access = await create(other);
    const client = await connect(access);
    for (const table of ['public.contact', 'public.organization', 'public.api_key', 'public.sql_access', 'public.survey_response']) {
      expect(await refused(client, `select * from ${table} limit 1`), table).toBe('42501'); // insufficient_privilege
    }
    const writes = [
      `insert into reporting.contacts (external_id) values ('x')`,
      `update reporting.contacts set disposition = 'x'`,
      `delete from reporting.contacts`,
      `delete from reporting.kpi_daily`,
      `update reporting.agent_activity set hourly_cost = 0`,
      `insert into public.contact (organization_id) values (1)`,
      `create table reporting.mine (x int)`,
      `create table public.mine (x int)`,
      `create view reporting.mine as select 1`,
      `insert into public.sql_access (username, organization_id) values (current_user, ${server.org.id})`,
    ];
    // Even with the session's read-only default switched off, no privilege allows a write.
    await client.query('set default_transaction_read_only = off');
    for (const statement of writes) expect(await refused(client, statement), statement).toMatch(/^(42501|42809|55000|0A000)$/);
    // Without the grant option, PostgreSQL only warns; nothing is granted.
    await client.query('grant select on reporting.contacts to public');
    const grants = await server.db.orm.em.fork().getConnection().execute(
      `select count(*)::int as n from information_schema.role_table_grants where table_schema = 'reporting' and grantee = 'PUBLIC'`,
    );
    expect(grants[0].n).toBe(0);
    await client.query('set default_transaction_read_only = on');
    expect(await refused(client, `set role postgres`)).toBe('42501');
    expect(await refused(client, `set session authorization postgres`)).toBe('42501');

    // A leaky function of the caller's sees only rows the organization condition kept (security_barrier). Without
    // index scans the cheap function runs before that condition: a view without security_barrier leaks here.
    await client.query('set default_transaction_read_only = off');
    await client.query('set enable_indexscan = off; set enable_bitmapscan = off');
    await client.query(`create function pg_temp.peek(text) returns boolean language plpgsql cost 0.0001 as
      $$ begin raise notice 'saw %', $1; return true; end $$`);
    const seen: string[] = [];
    client.on('notice', (notice) => seen.push(String(notice.message)));
    await client.query(`select * from reporting.contacts where pg_temp.peek(external_id)`);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.sort()).toEqual(['saw b-0', 'saw b-1', 'saw b-2']);
  });

  it('revokeSqlAccess ends the login and its sessions; only ADMIN keys of the same organization may make or drop one', async () => {
    const access = await create(server.org);
    const client = await connect(access);
    expect((await client.query('select count(*)::int as n from contacts')).rows[0].n).toBe(5);

    const analyst = await server.gql(CREATE, {}, server.org.keys[Role.ANALYST]);
    expect(analyst.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const foreign = await server.gql(REVOKE, { username: access.username }, other.keys.ADMIN);
    expect(foreign.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(foreign.errors![0]!.message).toBe(`username: no SQL access named "${access.username}" in this organization`);

    const revoked = await server.gql(REVOKE, { username: access.username }, server.org.keys.ADMIN);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokeSqlAccess).toBe(true);
    await expect(client.query('select count(*) from contacts')).rejects.toThrow(); // its session was ended
    await expect(connect(access)).rejects.toThrow(/does not exist/);
    const again = await server.gql(REVOKE, { username: access.username }, server.org.keys.ADMIN);
    expect(again.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('says what to do when the server database user may not create roles, and makes nothing', async () => {
    const user = `callpulse_t_nocreaterole_${process.pid}`;
    const adminUrl = server.db.url.replace(/\/[^/]+$/, '/postgres');
    await adminQuery(adminUrl, `drop role if exists ${user}; create role ${user} login nocreaterole`);
    const url = new URL(server.db.url);
    url.username = user;
    const orm = await openOrm(url.toString());
    try {
      const error = await new SqlAccessService(orm.em.fork()).create({ organizationId: server.org.id, apiKeyId: 1, role: Role.ADMIN }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        message: `SQL access needs a database user that may create roles, and the server's database user "${user}" may not: run ALTER ROLE "${user}" CREATEROLE as a superuser, or start the server with a DATABASE_URL whose user has CREATEROLE`,
        extensions: { code: 'SQL_ACCESS_UNAVAILABLE' },
      });
    } finally {
      await orm.close(true);
      await adminQuery(adminUrl, `drop role if exists ${user}`);
    }
    const count = (await server.db.orm.em.fork().getConnection().execute('select count(*)::int as n from sql_access where organization_id = ?', [server.org.id])) as Array<{ n: number }>;
    expect(count[0]!.n).toBe(1); // the first test's login, nothing more
  });
});
