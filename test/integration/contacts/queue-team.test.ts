import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueTeamService } from '../../../src/contacts/queue-team.service';
import type { DomainEvents } from '../../../src/org/events';
import { EventBus } from '../../../src/platform/events';
import { openLiveClient, type LiveClient } from '../../support/live-client';
import { useTestServer } from '../../support/server';

/**
 * DOMAIN.md "Team of an unanswered contact": a contact is credited to its team key,
 * else its agent's team, else its queue's owning team (setQueueTeam), else none.
 * The test keeps its own model of every contact (its team key, its agent's team, its
 * queue) and of the queues' owners, derives each contact's team from the rule, and
 * compares kpis by TEAM (15 minutes, local days, months; with the survey and QA figures
 * the contacts carry), the SLA scorecard's TEAM drill-down and the contacts filter with
 * that, before and after the owner changes.
 */

const ZONE = 'Europe/Berlin';
const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }`;
const SET = `mutation($q: ID!, $t: ID) { setQueueTeam(queueId: $q, teamId: $t) { id key team { key } } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart team { key } offered answered abandoned handled surveyInvitations surveyResponses csatAverage qaEvaluations fatalErrors } } }`;

/** One contact as the test knows it. */
interface Model {
  externalId: string;
  queue: 'billing' | 'sales';
  /** Its team key, if it names one. */
  team: string | null;
  /** Its agent, and the team that agent belongs to when the contact is written (null: none). */
  agent: string | null;
  agentTeam: string | null;
  offeredAt: string;
  answered: boolean;
  wait: number;
  /** Survey invitation and the CSAT answered, if any. */
  invited: boolean;
  csat: number | null;
  /** QA evaluations of the contact (one criterion scored `qa`, fatal when below 1), if evaluated. */
  qa: number | null;
}

const AGENT_TEAMS: Record<string, string | null> = { 'north-a': 'north', 'south-a': 'south', 'east-a': 'east', rookie: null };

/** Contacts every 53 minutes from 2026-02-25 to 2026-04-05 (Berlin moves to summer time on 29 March), of seven kinds. */
function contacts(fromMs: number, toMs: number, prefix: string): Model[] {
  const out: Model[] = [];
  for (let i = 0; fromMs + i * 53 * 60_000 < toMs; i++) {
    const offeredAt = new Date(fromMs + i * 53 * 60_000).toISOString();
    const queue = i % 3 === 2 ? 'sales' : 'billing';
    const base = { externalId: `${prefix}-${i}`, queue, offeredAt, invited: false, csat: null, qa: null } as const;
    const wait = (i * 11) % 45;
    switch (i % 7) {
      case 0: case 1: case 2: { // answered by a team's agent, naming the team
        const team = i % 2 ? 'north' : 'south';
        out.push({ ...base, team, agent: `${team}-a`, agentTeam: team, answered: true, wait });
        break;
      }
      case 3: // abandoned, no team key: follows its queue's owner
        out.push({ ...base, team: null, agent: null, agentTeam: null, answered: false, wait });
        break;
      case 4: // abandoned with a team key of its own: never moves
        out.push({ ...base, team: 'south', agent: null, agentTeam: null, answered: false, wait });
        break;
      case 5: // answered by an agent of team east, no team key: the agent's team, never moves
        out.push({ ...base, team: null, agent: 'east-a', agentTeam: 'east', answered: true, wait });
        break;
      case 6: // answered by an agent without a team, no team key: follows its queue's owner; some surveyed
        out.push({ ...base, team: null, agent: 'rookie', agentTeam: null, answered: true, wait, invited: i % 2 === 0, csat: i % 4 === 0 ? 1 + (i % 5) : null, qa: i % 3 === 0 ? (i % 5) / 4 : null });
        break;
    }
  }
  return out;
}

const input = (c: Model) => ({
  externalId: c.externalId, channel: 'VOICE', queue: c.queue, team: c.team, agent: c.agent,
  offeredAt: c.offeredAt,
  answeredAt: c.answered ? new Date(Date.parse(c.offeredAt) + c.wait * 1000).toISOString() : null,
  endedAt: new Date(Date.parse(c.offeredAt) + c.wait * 1000 + (c.answered ? 240_000 : 0)).toISOString(),
  talkSeconds: c.answered ? 240 : 0,
});

type Grain = 'FIFTEEN_MINUTES' | 'DAY' | 'MONTH';
const periodOf = (at: string, grain: Grain) =>
  grain === 'FIFTEEN_MINUTES'
    ? new Date(Math.floor(Date.parse(at) / 900_000) * 900_000).toISOString()
    : DateTime.fromISO(at, { zone: ZONE }).startOf(grain === 'DAY' ? 'day' : 'month').toUTC().toISO()!;

describe('setQueueTeam and the team of an unanswered contact', () => {
  const server = useTestServer();
  const all: Model[] = [];
  /** The queues' owners as the test set them. */
  const owners: Record<string, string | null> = { billing: null, sales: null };
  const ids: Record<string, Record<string, string>> = { queue: {}, team: {} };

  /** The rule, straight from DOMAIN.md. */
  const teamOf = (c: Model) => c.team ?? c.agentTeam ?? owners[c.queue] ?? null;

  function expectedRows(grain: Grain, from: string, to: string) {
    const rows = new Map<string, any>();
    for (const c of all.filter((x) => x.offeredAt >= from && x.offeredAt < to)) {
      const periodStart = periodOf(c.offeredAt, grain);
      const team = teamOf(c);
      const key = `${periodStart}|${team}`;
      const row = rows.get(key) ?? { periodStart, team, offered: 0, answered: 0, abandoned: 0, handled: 0, surveyInvitations: 0, surveyResponses: 0, csatSum: 0, qaEvaluations: 0, fatalErrors: 0 };
      row.offered++;
      if (c.answered) { row.answered++; row.handled++; } else row.abandoned++;
      if (c.invited) row.surveyInvitations++;
      if (c.csat !== null) { row.surveyResponses++; row.csatSum += c.csat; }
      if (c.qa !== null) { row.qaEvaluations++; if (c.qa < 1) row.fatalErrors++; }
      rows.set(key, row);
    }
    return [...rows.values()]
      .map(({ csatSum, ...r }) => ({ ...r, csatAverage: r.surveyResponses ? csatSum / r.surveyResponses : null }))
      .sort((a, b) => `${a.periodStart}|${a.team}`.localeCompare(`${b.periodStart}|${b.team}`));
  }

  async function actualRows(grain: Grain, from: string, to: string) {
    const res = await server.gql(KPIS, { q: { range: { from, to }, timeZone: ZONE, granularity: grain, groupBy: ['TEAM'] } }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    return (res.data.kpis.rows as any[])
      .map(({ team, periodStart, ...r }) => ({ periodStart: new Date(periodStart).toISOString(), team: team?.key ?? null, ...r }))
      .sort((a, b) => `${a.periodStart}|${a.team}`.localeCompare(`${b.periodStart}|${b.team}`));
  }

  const WEEK = ['2026-03-26T00:00:00.000Z', '2026-04-02T00:00:00.000Z'] as const; // 15 minutes across the DST change
  const ALL = ['2026-01-31T23:00:00.000Z', '2026-04-30T22:00:00.000Z'] as const; // Berlin February to April

  /** kpis by TEAM at every grain equal the model's. */
  async function expectReportsFollowTheRule() {
    expect(await actualRows('MONTH', ...ALL)).toEqual(expectedRows('MONTH', ...ALL));
    expect(await actualRows('DAY', ...ALL)).toEqual(expectedRows('DAY', ...ALL));
    expect(await actualRows('FIFTEEN_MINUTES', ...WEEK)).toEqual(expectedRows('FIFTEEN_MINUTES', ...WEEK));
  }

  const CARD = `query($id: ID!, $d: Dimension) { slaScorecard(policyId: $id, periodContaining: "2026-03-15T12:00:00Z", drillDown: $d) {
    team { key } unassigned targets { metric actual } } }`;
  let policyId: string;

  /** The TEAM drill-down of March (Berlin): one card per team with contacts, abandonRate and answerRate as the model says. */
  async function expectScorecardFollowsTheRule() {
    const res = await server.gql(CARD, { id: policyId, d: 'TEAM' }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const cards = (res.data.slaScorecard as any[]).slice(1).map((c) => ({
      team: c.team?.key ?? null,
      unassigned: c.unassigned,
      abandonRate: c.targets.find((t: any) => t.metric === 'abandonRate').actual,
    }));
    const march = all.filter((c) => c.offeredAt >= '2026-02-28T23:00:00.000Z' && c.offeredAt < '2026-03-31T22:00:00.000Z');
    const teams = [...new Set(march.map(teamOf))];
    const expected = teams.map((team) => {
      const mine = march.filter((c) => teamOf(c) === team);
      return { team, unassigned: team === null, abandonRate: mine.filter((c) => !c.answered).length / mine.length };
    });
    const byTeam = (a: { team: string | null }, b: { team: string | null }) => String(a.team).localeCompare(String(b.team));
    expect(cards.sort(byTeam)).toEqual(expected.sort(byTeam));
    return cards;
  }

  /** The contacts drill-through filtered by a team: exactly the model's contacts of that team in the week. */
  async function expectContactsFilterFollowsTheRule(team: string) {
    const res = await server.gql(
      `query($r: TimeRange!, $f: ContactFilter) { contacts(range: $r, filter: $f, first: 500) { totalCount edges { node { externalId team { key } } } } }`,
      { r: { from: WEEK[0], to: WEEK[1] }, f: { teamIds: [ids.team[team]] } },
      server.org.keys.ANALYST,
    );
    expect(res.errors).toBeUndefined();
    const expected = all.filter((c) => c.offeredAt >= WEEK[0] && c.offeredAt < WEEK[1] && teamOf(c) === team).map((c) => c.externalId).sort();
    expect(res.data.contacts.totalCount).toBe(expected.length);
    expect(res.data.contacts.edges.map((e: any) => e.node.externalId).sort()).toEqual(expected);
    expect(new Set(res.data.contacts.edges.map((e: any) => e.node.team.key))).toEqual(new Set([team]));
  }

  async function setQueueTeam(queue: string, team: string | null) {
    const res = await server.gql(SET, { q: ids.queue[queue], t: team === null ? null : ids.team[team] });
    expect(res.errors).toBeUndefined();
    expect(res.data.setQueueTeam).toEqual({ id: ids.queue[queue], key: queue, team: team === null ? null : { key: team } });
    owners[queue] = team;
  }

  async function record(models: Model[]) {
    for (let i = 0; i < models.length; i += 1000) {
      const res = await server.gql(RECORD, { c: models.slice(i, i + 1000).map(input) }, server.org.keys.INGEST);
      expect(res.errors).toBeUndefined();
    }
  }

  let formId: string;
  async function evaluate(models: Model[]) {
    const evaluated = models.filter((c) => c.qa !== null);
    const res = await server.gql(
      `mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { created } }`,
      { e: evaluated.map((c) => ({
        externalId: `qa-${c.externalId}`, contactExternalId: c.externalId, formId, evaluator: 'sam', evaluatedAt: '2026-04-10T09:00:00Z',
        scores: [{ criterion: 'privacy', score: c.qa }],
      })) },
      server.org.keys.INGEST,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.recordQaEvaluations.created).toBe(evaluated.length);
  }

  async function survey(models: Model[]) {
    const invited = models.filter((c) => c.invited);
    const res = await server.gql(
      `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token contactExternalId } }`,
      { ids: invited.map((c) => c.externalId) },
      server.org.keys.INGEST,
    );
    expect(res.errors).toBeUndefined();
    for (const inv of res.data.createSurveyInvitations) {
      const c = invited.find((m) => m.externalId === inv.contactExternalId)!;
      if (c.csat === null) continue;
      const answer = await server.gql(`mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id } }`, { i: { token: inv.token, csat: c.csat } }, null);
      expect(answer.errors).toBeUndefined();
    }
  }

  const clients: LiveClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('credits contacts without a team key or agent team to no team while their queue has no owner', async () => {
    const zone = await server.gql(`mutation { setReportingTimeZone(timeZone: "${ZONE}") { reportingTimeZone } }`);
    expect(zone.errors).toBeUndefined();
    // The agents' teams: each named once with its team before the contacts that do not name one.
    const roster: Model[] = Object.entries(AGENT_TEAMS).map(([agent, team], n) => ({
      externalId: `roster-${agent}`, queue: 'billing', team, agent, agentTeam: team,
      offeredAt: new Date(Date.parse('2026-02-02T08:00:00Z') + n * 3_600_000).toISOString(), answered: true, wait: 5, invited: false, csat: null, qa: null,
    }));
    all.push(...roster, ...contacts(Date.parse('2026-02-25T00:00:00Z'), Date.parse('2026-04-03T00:00:00Z'), 'c'));
    await record(all);
    await survey(all);
    const form = await server.gql(`mutation { createQaForm(name: "Calls", criteria: [{ key: "privacy", label: "Verifies identity", weight: 1, fatal: true }]) { id } }`);
    expect(form.errors).toBeUndefined();
    formId = form.data.createQaForm.id;
    await evaluate(all);
    for (const table of ['queue', 'team'] as const) {
      const res = await server.gql(`{ ${table === 'queue' ? 'queues' : 'teams'} { id key } }`, {}, server.org.keys.ANALYST);
      for (const { id, key } of res.data[table === 'queue' ? 'queues' : 'teams']) ids[table][key] = id;
    }
    expect(Object.keys(ids.team).sort()).toEqual(['east', 'north', 'south']);
    const queues = await server.gql(`{ queues { key team { key } } }`, {}, server.org.keys.ANALYST);
    expect(queues.data.queues).toEqual([{ key: 'billing', team: null }, { key: 'sales', team: null }]);

    const policy = await server.gql(`mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }`, {
      i: {
        name: 'Abandonment', period: 'MONTH', timeZone: ZONE,
        targets: [{ metric: 'abandonRate', comparator: 'AT_MOST', target: 0.1 }],
      },
    });
    expect(policy.errors).toBeUndefined();
    policyId = policy.data.createSlaPolicy.id;

    await expectReportsFollowTheRule();
    const cards = await expectScorecardFollowsTheRule();
    // Every abandoned contact without a team key lands on the unassigned card: its abandonment is high.
    expect(cards.find((c) => c.unassigned)!.abandonRate).toBeGreaterThan(0.4);
    await expectContactsFilterFollowsTheRule('north');
  });

  it('moves the queue\'s contacts without a team of their own to its new owner, in every grain, the scorecard and the contacts filter', async () => {
    const agentsBefore = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { rows { agent { key } offered handled abandoned } } }`, {
      q: { range: { from: ALL[0], to: ALL[1] }, groupBy: ['AGENT'] },
    });
    const coaching = () => server.gql(
      `query($q: KpiQuery!, $t: [SlaTargetInput!]!) { coachingList(query: $q, targets: $t, minHandled: 1) {
        agent { key } row { handled abandoned averageHandleTime csatAverage } misses { metric actual } examples { externalId } } }`,
      { q: { range: { from: ALL[0], to: ALL[1] } }, t: [{ metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 10 }, { metric: 'csatAverage', comparator: 'AT_LEAST', target: 4.5 }] },
    );
    const coachingBefore = await coaching();
    expect(coachingBefore.errors).toBeUndefined();
    expect(coachingBefore.data.coachingList.length).toBeGreaterThan(0);
    const unassignedBefore = (await expectScorecardFollowsTheRule()).find((c) => c.unassigned)!;

    await setQueueTeam('billing', 'north'); // none -> A
    await expectReportsFollowTheRule();
    const after = await expectScorecardFollowsTheRule();
    // The unassigned card keeps only the sales queue's contacts without a team: fewer, and billing's abandoned calls reach north.
    expect(after.find((c) => c.unassigned)).toBeDefined();
    expect(after.find((c) => c.team === 'north')!.abandonRate).toBeGreaterThan(0);
    expect(after.find((c) => c.unassigned)!.abandonRate).not.toBe(unassignedBefore.abandonRate);
    await expectContactsFilterFollowsTheRule('north');

    await setQueueTeam('billing', 'south'); // A -> B
    await expectReportsFollowTheRule();
    await expectScorecardFollowsTheRule();
    await expectContactsFilterFollowsTheRule('north');
    await expectContactsFilterFollowsTheRule('south');

    // Agents are not teams: the report by agent and the coaching list did not change.
    const agentsAfter = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { rows { agent { key } offered handled abandoned } } }`, {
      q: { range: { from: ALL[0], to: ALL[1] }, groupBy: ['AGENT'] },
    });
    expect(agentsAfter.data).toEqual(agentsBefore.data);
    expect((await coaching()).data).toEqual(coachingBefore.data);
  });

  it('credits contacts recorded later to the owner, and a correction naming a team takes it out of the owner\'s', async () => {
    const later = contacts(Date.parse('2026-04-03T00:00:00Z'), Date.parse('2026-04-06T00:00:00Z'), 'late');
    all.push(...later);
    await record(later);
    await survey(later);
    await evaluate(later);
    // A contact that followed billing's owner is corrected to name team east, another to be answered by north's agent.
    const named = all.find((c) => c.queue === 'billing' && c.team === null && c.agent === null && c.offeredAt > WEEK[0])!;
    named.team = 'east';
    const answered = all.find((c) => c.queue === 'billing' && c.team === null && c.agent === null && c.offeredAt > WEEK[0] && c !== named)!;
    Object.assign(answered, { agent: 'north-a', agentTeam: 'north', answered: true });
    const res = await server.gql(RECORD, { c: [input(named), input(answered)] }, server.org.keys.INGEST);
    expect(res.data.recordContacts).toEqual({ created: 0, updated: 2, unchanged: 0 });
    // A re-send of a contact that follows the owner changes nothing.
    const follower = all.find((c) => c.queue === 'billing' && c.team === null && c.agent === null)!;
    expect((await server.gql(RECORD, { c: [input(follower)] }, server.org.keys.INGEST)).data.recordContacts.unchanged).toBe(1);
    await expectReportsFollowTheRule();

    await setQueueTeam('billing', null); // B -> none
    await expectReportsFollowTheRule();
    await expectScorecardFollowsTheRule();
    await expectContactsFilterFollowsTheRule('south');
    await expectContactsFilterFollowsTheRule('east');
  });

  it('refuses an unknown queue or team naming the argument, and changes nothing', async () => {
    const other = await server.createOrganization('other');
    const foreign = await server.gql(RECORD, { c: [{ ...input(all[0]!), team: 'west' }] }, other.keys.INGEST);
    expect(foreign.errors).toBeUndefined();
    const foreignTeam = (await server.gql(`{ teams { id key } }`, {}, other.keys.ANALYST)).data.teams[0].id;
    const before = await actualRows('DAY', ...ALL);
    const attempts: Array<[Record<string, unknown>, string, string]> = [
      [{ q: '999999', t: ids.team.north }, 'queueId', 'UNKNOWN_QUEUE'],
      [{ q: ids.queue.billing, t: '999999' }, 'teamId', 'UNKNOWN_TEAM'],
      [{ q: ids.queue.billing, t: foreignTeam }, 'teamId', 'UNKNOWN_TEAM'],
      [{ q: 'billing', t: ids.team.north }, 'queueId', 'ID_FORMAT'],
    ];
    for (const [variables, field, rule] of attempts) {
      const res = await server.gql(SET, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toContain(field);
      expect(res.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([`${field} ${rule}`]);
    }
    const both = await server.gql(SET, { q: '999998', t: '999999' });
    expect(both.errors![0]!.extensions!.problems.map((p: any) => p.field)).toEqual(['queueId', 'teamId']);
    expect((await server.gql(SET, { q: ids.queue.billing, t: ids.team.north }, server.org.keys.ANALYST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(`{ queues { key team { key } } }`)).data.queues).toEqual([{ key: 'billing', team: null }, { key: 'sales', team: null }]);
    expect(await actualRows('DAY', ...ALL)).toEqual(before);
  });

  it('tells queue.teamChanged with both teams after commit, and live reports by team follow', async () => {
    const client = openLiveClient(server.url, server.org.keys.ANALYST);
    clients.push(client);
    const q = { range: { from: ALL[0], to: ALL[1] }, timeZone: ZONE, granularity: 'MONTH', groupBy: ['TEAM'], filter: { teamIds: [ids.team.east] } };
    const sub = client.subscribe(`subscription($q: KpiQuery!) { liveKpis(query: $q) { rows { periodStart team { key } offered abandoned } } }`, { q });
    const first = (await sub.nth(1)).data!.liveKpis.rows;

    const bus = new EventBus<DomainEvents>();
    const told: Array<DomainEvents['queue.teamChanged']> = [];
    bus.on('queue.teamChanged', (payload) => void told.push(payload));
    const service = new QueueTeamService(server.db.orm.em.fork(), bus);
    const followers = all.filter((c) => c.queue === 'sales' && teamOf(c) === null);
    const { moved } = await service.set(server.org.id, Number(ids.queue.sales), Number(ids.team.east));
    owners.sales = 'east';
    expect(moved).toBe(followers.length);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      organizationId: server.org.id, queueId: Number(ids.queue.sales), previousTeamId: null, teamId: Number(ids.team.east), moved: followers.length,
      dimensions: expect.objectContaining({ team_id: [Number(ids.team.east)], queue_id: [Number(ids.queue.sales)] }),
    });
    const quarter = (at: string) => Math.floor(Date.parse(at) / 900_000) * 900_000;
    expect(told[0]!.from.getTime()).toBe(Math.min(...followers.map((c) => quarter(c.offeredAt))));
    expect(told[0]!.to.getTime()).toBe(Math.max(...followers.map((c) => quarter(c.offeredAt))) + 900_000);

    // The subscriber of team east's report gets it again, with sales' followers in it.
    const second = (await sub.nth(2)).data!.liveKpis.rows;
    const eastRows = expectedRows('MONTH', ...ALL).filter((r) => r.team === 'east').map((r) => ({ periodStart: r.periodStart, team: { key: 'east' }, offered: r.offered, abandoned: r.abandoned }));
    expect(second.map((r: any) => ({ ...r, periodStart: new Date(r.periodStart).toISOString() }))).toEqual(eastRows);
    expect(second).not.toEqual(first);
    await expectReportsFollowTheRule();

    // Setting the owner it already has moves nothing and tells nothing.
    expect((await service.set(server.org.id, Number(ids.queue.sales), Number(ids.team.east))).moved).toBe(0);
    expect(told).toHaveLength(1);
  });
});
