import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';
import { withStatements } from '../../support/statements';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const CREATE = `mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id name period timeZone effectiveFrom serviceHours { dayOfWeek opens closes } holidays targets { metric comparator target warning weight penaltyPerBreach } versions { effectiveFrom } } }`;
const CARD = `query($id: ID!, $at: DateTime!, $d: Dimension) { slaScorecard(policyId: $id, periodContaining: $at, drillDown: $d) {
  periodStart periodEnd team { key } agent { key } met atRisk breached noData compliance penaltyTotal policy { name versions { name } }
  targets { metric comparator target warning actual status previous delta relativeDelta change penalty } } }`;

const ZONE = 'Europe/Berlin';
const HOLIDAY = '2026-02-02';

interface Call { externalId: string; offeredAt: string; wait: number; answered: boolean; team: string }

/** Calls every 97 minutes through January and February 2026, so some fall outside service hours; waits and outcomes vary by team and month. */
function calls(): Call[] {
  const out: Call[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; start + i * 97 * 60_000 < Date.parse('2026-03-01T00:00:00Z'); i++) {
    const at = new Date(start + i * 97 * 60_000);
    const feb = at >= new Date('2026-02-01');
    const team = i % 3 === 0 ? 'south' : 'north';
    const wait = team === 'south' ? (i * 7) % (feb ? 90 : 40) : (i * 5) % 30;
    out.push({ externalId: `sla-${i}`, offeredAt: at.toISOString(), wait, answered: i % (team === 'south' ? 6 : 19) !== 0, team });
  }
  return out;
}

const open = (c: Call) => {
  const local = DateTime.fromISO(c.offeredAt, { zone: ZONE });
  return local.weekday <= 5 && local.hour >= 8 && local.hour < 18 && local.toISODate() !== HOLIDAY;
};

/** An independent reference, straight from DOMAIN.md: SL (T = 20), abandonment, ASA over the calls of [from, to) inside service hours. */
function expected(all: Call[], from: string, to: string, team?: string, inService: (c: Call) => boolean = open) {
  const inside = all.filter((c) => c.offeredAt >= from && c.offeredAt < to && inService(c) && (!team || c.team === team));
  const answered = inside.filter((c) => c.answered);
  const qualifying = inside.length; // S = 0: no short abandons
  return {
    serviceLevel: qualifying ? answered.filter((c) => c.wait <= 20).length / qualifying : null,
    abandonRate: qualifying ? (qualifying - answered.length) / qualifying : null,
    averageSpeedOfAnswer: answered.length ? answered.reduce((s, c) => s + c.wait, 0) / answered.length : null,
  };
}

const statusAtLeast = (v: number, target: number, warning: number) => (v < target ? 'BREACHED' : v >= warning ? 'MET' : 'AT_RISK');
const statusAtMost = (v: number, target: number, warning: number) => (v > target ? 'BREACHED' : v <= warning ? 'MET' : 'AT_RISK');

const POLICY = {
  name: 'Retail hotline 80/20',
  period: 'MONTH',
  timeZone: ZONE,
  serviceHours: [1, 2, 3, 4, 5].map((d) => ({ dayOfWeek: d, opens: '08:00', closes: '18:00' })),
  holidays: [HOLIDAY],
  targets: [
    { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.85, weight: 2, penaltyPerBreach: 500 },
    { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.05, warning: 0.04, penaltyPerBreach: 100 },
    { metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 28 },
    { metric: 'csatScore', comparator: 'AT_LEAST', target: 0.85 },
  ],
};

describe('SLA policies, scorecards and trends', () => {
  const server = useTestServer();
  const all = calls();
  let policyId: string;

  it('creates a policy (ADMIN only) and refuses a bad one naming each field', async () => {
    const contacts = all.map((c) => ({
      externalId: c.externalId, channel: 'VOICE', queue: 'retail', team: c.team, agent: c.answered ? `${c.team}-agent` : null,
      offeredAt: c.offeredAt,
      answeredAt: c.answered ? new Date(Date.parse(c.offeredAt) + c.wait * 1000).toISOString() : null,
      endedAt: new Date(Date.parse(c.offeredAt) + c.wait * 1000 + (c.answered ? 180_000 : 0)).toISOString(),
      talkSeconds: c.answered ? 180 : 0,
    }));
    for (let i = 0; i < contacts.length; i += 500) expect((await server.gql(RECORD, { c: contacts.slice(i, i + 500) })).errors).toBeUndefined();

    expect((await server.gql(CREATE, { i: POLICY }, server.org.keys.ANALYST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await server.gql(CREATE, {
      i: {
        ...POLICY,
        timeZone: 'Mars/Olympus',
        serviceHours: [{ dayOfWeek: 1, opens: '18:00', closes: '08:00' }, { dayOfWeek: 8, opens: '8', closes: '09:00' }],
        targets: [
          { metric: 'offered', comparator: 'AT_LEAST', target: 10 },
          { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.7 },
          { metric: 'happiness', comparator: 'AT_MOST', target: 1 },
        ],
      },
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = bad.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`);
    expect(problems).toEqual(expect.arrayContaining([
      'input.timeZone UNKNOWN_TIME_ZONE',
      'input.serviceHours[0].closes CLOSES_BEFORE_OPENS',
      'input.serviceHours[1].dayOfWeek OUT_OF_RANGE',
      'input.serviceHours[1].opens MALFORMED_TIME',
      'input.targets[0].metric NOT_A_RATIO_OR_DURATION',
      'input.targets[1].warning WARNING_ON_WRONG_SIDE',
      'input.targets[2].metric UNKNOWN_METRIC',
    ]));

    const created = await server.gql(CREATE, { i: { ...POLICY, effectiveFrom: '2025-12-01T00:00:00Z' } });
    expect(created.errors).toBeUndefined();
    policyId = created.data.createSlaPolicy.id;
    expect(created.data.createSlaPolicy.targets[2]).toEqual({
      metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 28, warning: null, weight: 1, penaltyPerBreach: 0,
    });
    const listed = await server.gql(`{ slaPolicies { id name } }`, {}, server.org.keys.ANALYST);
    expect(listed.data.slaPolicies).toEqual([{ id: policyId, name: POLICY.name }]);
  });

  it('evaluates a month on the contacts inside service hours, against the previous month', async () => {
    const res = await server.gql(CARD, { id: policyId, at: '2026-02-15T12:00:00Z' }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const [card] = res.data.slaScorecard;
    const FEB = ['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'];
    const JAN = ['2025-12-31T23:00:00.000Z', FEB[0]!];
    expect([card.periodStart, card.periodEnd, card.team, card.agent]).toEqual([...FEB, null, null]);
    const now = expected(all, FEB[0]!, FEB[1]!);
    const before = expected(all, JAN[0]!, JAN[1]!);
    const byMetric = Object.fromEntries(card.targets.map((t: any) => [t.metric, t]));

    const sl = byMetric.serviceLevel;
    expect(sl.actual).toBeCloseTo(now.serviceLevel!, 12);
    expect(sl.previous).toBeCloseTo(before.serviceLevel!, 12);
    expect(sl.delta).toBeCloseTo(now.serviceLevel! - before.serviceLevel!, 12);
    expect(sl.relativeDelta).toBeCloseTo((now.serviceLevel! - before.serviceLevel!) / before.serviceLevel!, 12);
    expect(sl.status).toBe(statusAtLeast(now.serviceLevel!, 0.8, 0.85));
    expect(sl.change).toBe(now.serviceLevel! > before.serviceLevel! ? 'IMPROVED' : 'WORSENED');
    expect(sl.penalty).toBe(sl.status === 'BREACHED' ? 500 : 0);

    const ab = byMetric.abandonRate;
    expect(ab.actual).toBeCloseTo(now.abandonRate!, 12);
    expect(ab.status).toBe(statusAtMost(now.abandonRate!, 0.05, 0.04));
    expect(byMetric.averageSpeedOfAnswer.actual).toBeCloseTo(now.averageSpeedOfAnswer!, 9);
    expect(byMetric.csatScore).toMatchObject({ actual: null, status: 'NO_DATA', change: 'NOT_COMPARABLE', previous: null, delta: null });

    const statuses = card.targets.map((t: any) => t.status);
    const weights: Record<string, number> = { serviceLevel: 2, abandonRate: 1, averageSpeedOfAnswer: 1 };
    const withData = card.targets.filter((t: any) => t.status !== 'NO_DATA');
    const kept = withData.filter((t: any) => t.status !== 'BREACHED');
    expect(card).toMatchObject({
      met: statuses.filter((s: string) => s === 'MET').length,
      atRisk: statuses.filter((s: string) => s === 'AT_RISK').length,
      breached: statuses.filter((s: string) => s === 'BREACHED').length,
      noData: 1,
      penaltyTotal: card.targets.reduce((s: number, t: any) => s + t.penalty, 0),
    });
    expect(card.compliance).toBeCloseTo(
      kept.reduce((s: number, t: any) => s + weights[t.metric]!, 0) / withData.reduce((s: number, t: any) => s + weights[t.metric]!, 0),
      12,
    );
    // The scenario is meant to exercise a breach: south's waits grow in February.
    expect(card.breached).toBeGreaterThan(0);
  });

  it('drills down by team, worst first, each team on its own contacts', async () => {
    const res = await server.gql(CARD, { id: policyId, at: '2026-02-15T12:00:00Z', d: 'TEAM' });
    expect(res.errors).toBeUndefined();
    const [wide, ...teams] = res.data.slaScorecard;
    expect(wide.team).toBeNull();
    expect(teams.map((c: any) => c.team.key)).toEqual(['south', 'north']);
    for (const c of teams) {
      const now = expected(all, c.periodStart, c.periodEnd, c.team.key);
      const sl = c.targets.find((t: any) => t.metric === 'serviceLevel');
      expect(sl.actual).toBeCloseTo(now.serviceLevel!, 12);
      expect(sl.previous).toBeCloseTo(expected(all, '2025-12-31T23:00:00.000Z', c.periodStart, c.team.key).serviceLevel!, 12);
    }
    expect(teams[0].breached).toBeGreaterThanOrEqual(teams[1].breached);
  });

  it('keeps history: a new version governs later periods only, and the trend follows each period’s version', async () => {
    const update = await server.gql(
      `mutation($id: ID!, $i: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $i) { id name versions { name effectiveFrom } } }`,
      {
        id: policyId,
        i: {
          ...POLICY,
          name: 'Retail hotline 80/20 (relaxed ASA)',
          targets: POLICY.targets.map((t) => (t.metric === 'averageSpeedOfAnswer' ? { ...t, target: 60 } : t)),
          effectiveFrom: '2026-02-01T00:00:00+01:00',
        },
      },
    );
    expect(update.errors).toBeUndefined();
    expect(update.data.updateSlaPolicy.versions.map((v: any) => v.name)).toEqual([POLICY.name, 'Retail hotline 80/20 (relaxed ASA)']);
    const jan = (await server.gql(CARD, { id: policyId, at: '2026-01-15T12:00:00Z' })).data.slaScorecard[0];
    const feb = (await server.gql(CARD, { id: policyId, at: '2026-02-15T12:00:00Z' })).data.slaScorecard[0];
    expect(jan.targets.find((t: any) => t.metric === 'averageSpeedOfAnswer').target).toBe(28);
    expect(feb.targets.find((t: any) => t.metric === 'averageSpeedOfAnswer').target).toBe(60);

    const trend = await server.gql(
      `query($id: ID!) { slaTrend(policyId: $id, periods: 3, endingWith: "2026-02-20T00:00:00Z") {
         scorecards { periodStart breached policy { name } }
         targets { metric values statuses movingAverage slope improving breachStreak } } }`,
      { id: policyId },
    );
    expect(trend.errors).toBeUndefined();
    const { scorecards, targets } = trend.data.slaTrend;
    expect(scorecards.map((c: any) => c.periodStart)).toEqual(['2025-11-30T23:00:00.000Z', '2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z']);
    const sl = targets.find((t: any) => t.metric === 'serviceLevel');
    const jan1 = expected(all, '2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z').serviceLevel!;
    const feb1 = expected(all, '2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z').serviceLevel!;
    expect(sl.values[0]).toBeNull(); // no contacts in December
    expect(sl.values[1]).toBeCloseTo(jan1, 12);
    expect(sl.values[2]).toBeCloseTo(feb1, 12);
    expect(sl.movingAverage[2]).toBeCloseTo((jan1 + feb1) / 2, 12);
    expect(sl.slope).toBeCloseTo(feb1 - jan1, 12);
    expect(sl.improving).toBe(feb1 > jan1);
    expect(sl.statuses[0]).toBe('NO_DATA');
    expect(sl.breachStreak).toBe(sl.statuses[2] === 'BREACHED' ? (sl.statuses[1] === 'BREACHED' ? 2 : 1) : 0);
  });

  it('archives a policy: gone from slaPolicies, kept with includeArchived; unknown ids are NOT_FOUND', async () => {
    const archived = await server.gql(`mutation($id: ID!) { archiveSlaPolicy(id: $id) { id archivedAt } }`, { id: policyId });
    expect(archived.data.archiveSlaPolicy.archivedAt).not.toBeNull();
    expect((await server.gql(`{ slaPolicies { id } }`)).data.slaPolicies).toEqual([]);
    expect((await server.gql(`{ slaPolicies(includeArchived: true) { id } }`)).data.slaPolicies).toEqual([{ id: policyId }]);
    expect((await server.gql(CARD, { id: policyId, at: '2026-02-15T12:00:00Z' })).errors).toBeUndefined();
    for (const id of ['999999', 'abc']) {
      expect((await server.gql(`mutation($id: ID!) { archiveSlaPolicy(id: $id) { id } }`, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('takes targets on agent activity: occupancy, cost per contact and agents staffed, over the service hours only', async () => {
    // Two agents logged in 07:00–19:00 Berlin on the first February week; only 08:00–18:00 (and not the holiday) counts.
    const activity: Array<{ agent: string; team: string; intervalStart: string; loggedInSeconds: number; availableSeconds: number; handlingSeconds: number; notReadySeconds: number }> = [];
    for (let day = 2; day <= 6; day++) {
      for (let q = 0; q < 48; q++) {
        const start = DateTime.fromISO(`2026-02-0${day}T07:00:00`, { zone: ZONE }).plus({ minutes: 15 * q });
        for (const [agent, team] of [['n1', 'north'], ['s1', 'south']] as const) {
          const handling = (q * 37 + day * 11 + (team === 'south' ? 300 : 0)) % 800;
          activity.push({ agent, team, intervalStart: start.toUTC().toISO()!, loggedInSeconds: 900, availableSeconds: 900 - handling, handlingSeconds: handling, notReadySeconds: 0 });
        }
      }
    }
    const recorded = await server.gql(`mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created } }`, { a: activity }, server.org.keys.INGEST);
    expect(recorded.errors).toBeUndefined();
    for (const [team, hourlyCost] of [['north', 30], ['south', 20]] as const) {
      expect((await server.gql(`mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`, { i: { team, hourlyCost } })).errors).toBeUndefined();
    }
    const created = await server.gql(CREATE, {
      i: {
        ...POLICY,
        name: 'Workforce',
        targets: [
          { metric: 'occupancy', comparator: 'AT_MOST', target: 0.85, warning: 0.8 },
          { metric: 'costPerContact', comparator: 'AT_MOST', target: 5 },
          { metric: 'averageAgentsStaffed', comparator: 'AT_LEAST', target: 0.2 },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const res = await server.gql(CARD, { id: created.data.createSlaPolicy.id, at: '2026-02-15T12:00:00Z', d: 'TEAM' });
    expect(res.errors).toBeUndefined();
    const cards = res.data.slaScorecard;

    const isOpen = (iso: string) => open({ offeredAt: iso } as Call);
    let serviceSeconds = 0;
    for (let t = Date.parse(cards[0].periodStart); t < Date.parse(cards[0].periodEnd); t += 900_000) if (isOpen(new Date(t).toISOString())) serviceSeconds += 900;
    for (const card of cards) {
      const team = card.team?.key;
      const rs = activity.filter((a) => isOpen(a.intervalStart) && (!team || a.team === team));
      const handling = rs.reduce((n, a) => n + a.handlingSeconds, 0);
      const loggedIn = rs.reduce((n, a) => n + a.loggedInSeconds, 0);
      const cost = rs.reduce((n, a) => n + (a.loggedInSeconds / 3600) * (a.team === 'north' ? 30 : 20), 0);
      const handled = all.filter((c) => c.answered && c.offeredAt >= card.periodStart && c.offeredAt < card.periodEnd && open(c) && (!team || c.team === team)).length;
      const actual = (metric: string) => card.targets.find((t: any) => t.metric === metric).actual;
      expect(actual('occupancy'), team).toBeCloseTo(handling / loggedIn, 12);
      expect(actual('costPerContact'), team).toBeCloseTo(cost / handled, 12);
      expect(actual('averageAgentsStaffed'), team).toBeCloseTo(loggedIn / serviceSeconds, 12);
      const occupancy = card.targets.find((t: any) => t.metric === 'occupancy');
      expect(occupancy.status).toBe(statusAtMost(handling / loggedIn, 0.85, 0.8));
    }
    expect(cards.map((c: any) => c.team?.key ?? null).sort()).toEqual([null, 'north', 'south'].sort());
  });

  it('reads whole service days from the local days of the reporting zone, with the same figures', async () => {
    // Weekdays 00:00–24:00 in Berlin: the service hours are runs of whole Berlin days,
    // which the organization's reporting zone keeps rollups of.
    const created = await server.gql(CREATE, {
      i: { ...POLICY, name: 'Weekdays around the clock', serviceHours: [1, 2, 3, 4, 5].map((d) => ({ dayOfWeek: d, opens: '00:00', closes: '24:00' })) },
    });
    expect(created.errors).toBeUndefined();
    const card = async () => {
      const { result: res, statements } = await withStatements(() => server.gql(CARD, { id: created.data.createSlaPolicy.id, at: '2026-02-15T12:00:00Z', d: 'TEAM' }));
      expect(res.errors).toBeUndefined();
      return { data: res.data, localDays: statements.some((q) => q.includes('contact_rollup_local_day_team')) };
    };
    // Planned over UTC days and hours, then (the next report right after the change) over Berlin days.
    const before = await card();
    const set = await server.gql(`mutation { setReportingTimeZone(timeZone: "${ZONE}") { reportingTimeZone } }`);
    expect(set.errors).toBeUndefined();
    const after = await card();
    expect([before.localDays, after.localDays]).toEqual([false, true]);
    expect(after.data).toEqual(before.data);

    const weekday = (c: Call) => {
      const local = DateTime.fromISO(c.offeredAt, { zone: ZONE });
      return local.weekday <= 5 && local.toISODate() !== HOLIDAY;
    };
    const reference = (from: string, to: string, team?: string) => expected(all, from, to, team, weekday);
    for (const scorecard of after.data.slaScorecard) {
      const team = scorecard.team?.key;
      const actual = (metric: string) => scorecard.targets.find((t: any) => t.metric === metric);
      const now = reference(scorecard.periodStart, scorecard.periodEnd, team);
      expect(actual('serviceLevel').actual, team).toBeCloseTo(now.serviceLevel!, 12);
      expect(actual('abandonRate').actual, team).toBeCloseTo(now.abandonRate!, 12);
      expect(actual('serviceLevel').previous, team).toBeCloseTo(reference('2025-12-31T23:00:00.000Z', scorecard.periodStart, team).serviceLevel!, 12);
    }
  });
});

describe('SLA policies: per-channel thresholds, the version rule, every drill-down', () => {
  const server = useTestServer();
  const CHANNELS = ['VOICE', 'CHAT', 'EMAIL', 'MESSAGING'] as const;
  const QUEUES = ['care', 'sales'];
  interface Mixed { externalId: string; channel: (typeof CHANNELS)[number]; queue: string; agent: string | null; offeredAt: string; wait: number; answered: boolean }
  /** March 2026 (UTC policy): every channel, waits from seconds to a day, abandoned ones without an agent. */
  const mixed: Mixed[] = Array.from({ length: 600 }, (_, i) => {
    const channel = CHANNELS[i % 4]!;
    const wait = channel === 'EMAIL' ? (i * 977) % 120_000 : channel === 'CHAT' ? (i * 7) % 150 : (i * 3) % 45;
    const answered = i % 9 !== 0;
    return {
      externalId: `mix-${i}`, channel, queue: QUEUES[i % 2]!, agent: answered ? `agent-${i % 5}` : null,
      offeredAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 3_600_000).toISOString(), wait, answered,
    };
  }).filter((c) => c.offeredAt < '2026-04-01');
  const T: Record<string, number> = { VOICE: 20, CHAT: 60, EMAIL: 86_400 }; // MESSAGING: the policy's T, 30
  const reference = (cs: Mixed[]) => {
    const within = cs.filter((c) => c.answered && c.wait <= (T[c.channel] ?? 30)).length;
    return { serviceLevel: cs.length ? within / cs.length : null };
  };
  const MIXED_CARD = `query($id: ID!, $d: Dimension) { slaScorecard(policyId: $id, periodContaining: "2026-03-10T00:00:00Z", drillDown: $d) {
    channel queue { key } team { key } agent { key } unassigned targets { metric actual } } }`;
  const actual = (card: any, metric: string) => card.targets.find((t: any) => t.metric === metric).actual;
  let policyId: string;

  it("judges each contact by its channel's T, policy-wide and on every drill-down, with unassigned cards", async () => {
    const contacts = mixed.map((c) => ({
      externalId: c.externalId, channel: c.channel, queue: c.queue, agent: c.agent,
      offeredAt: c.offeredAt,
      answeredAt: c.answered ? new Date(Date.parse(c.offeredAt) + c.wait * 1000).toISOString() : null,
      endedAt: new Date(Date.parse(c.offeredAt) + c.wait * 1000 + (c.answered ? 60_000 : 0)).toISOString(),
      talkSeconds: c.answered ? 60 : 0,
    }));
    expect((await server.gql(RECORD, { c: contacts })).errors).toBeUndefined();
    const policy = {
      name: 'Every channel', period: 'MONTH', timeZone: 'UTC', serviceLevelThresholdSeconds: 30,
      channelThresholds: Object.entries(T).map(([channel, t]) => ({ channel, serviceLevelThresholdSeconds: t })),
      targets: [
        { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8 },
        { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.1 },
      ],
    };
    const bad = await server.gql(CREATE, {
      i: { ...policy, channelThresholds: [{ channel: 'CHAT', serviceLevelThresholdSeconds: 60 }, { channel: 'CHAT', serviceLevelThresholdSeconds: 86_401 }] },
    });
    expect(bad.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([
      'input.channelThresholds[1].channel DUPLICATE',
      'input.channelThresholds[1].serviceLevelThresholdSeconds OUT_OF_RANGE',
    ]);
    const created = await server.gql(
      `mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id effectiveFrom channelThresholds { channel serviceLevelThresholdSeconds } } }`,
      { i: policy },
    );
    expect(created.errors).toBeUndefined();
    policyId = created.data.createSlaPolicy.id;
    expect(created.data.createSlaPolicy.effectiveFrom).toBe('1970-01-01T00:00:00.000Z'); // no effectiveFrom: in force for all time
    expect(created.data.createSlaPolicy.channelThresholds).toEqual(policy.channelThresholds);

    const [wide] = (await server.gql(MIXED_CARD, { id: policyId })).data.slaScorecard;
    expect(wide.unassigned).toBe(false);
    expect(actual(wide, 'serviceLevel')).toBeCloseTo(reference(mixed).serviceLevel!, 12);
    // One T for all (30 s) would judge email and chat very differently: the per-channel figure is not that one.
    expect(actual(wide, 'serviceLevel')).not.toBeCloseTo(mixed.filter((c) => c.answered && c.wait <= 30).length / mixed.length, 3);

    const drill = async (d: string) => {
      const res = await server.gql(MIXED_CARD, { id: policyId, d });
      expect(res.errors).toBeUndefined();
      return res.data.slaScorecard.slice(1) as any[];
    };
    const byChannel = await drill('CHANNEL');
    expect(byChannel.map((c) => c.channel).sort()).toEqual([...CHANNELS].sort());
    for (const c of byChannel) {
      expect(c.unassigned).toBe(false);
      expect(actual(c, 'serviceLevel')).toBeCloseTo(reference(mixed.filter((m) => m.channel === c.channel)).serviceLevel!, 12);
    }
    const byQueue = await drill('QUEUE');
    expect(byQueue.map((c) => c.queue.key).sort()).toEqual(QUEUES);
    for (const c of byQueue) expect(actual(c, 'serviceLevel')).toBeCloseTo(reference(mixed.filter((m) => m.queue === c.queue.key)).serviceLevel!, 12);
    const byAgent = await drill('AGENT');
    const unassigned = byAgent.filter((c) => c.unassigned);
    expect(unassigned).toHaveLength(1);
    expect(unassigned[0].agent).toBeNull();
    expect(actual(unassigned[0], 'serviceLevel')).toBe(0); // abandoned calls only: none answered within
    expect(actual(unassigned[0], 'abandonRate')).toBe(1);
    for (const c of byAgent.filter((x) => !x.unassigned)) {
      expect(actual(c, 'serviceLevel')).toBeCloseTo(reference(mixed.filter((m) => m.agent === c.agent.key)).serviceLevel!, 12);
    }
  });

  it('judges a period by the version with the latest effectiveFrom at or before its start; before every version, by the first created', async () => {
    const name = (card: any) => card.policy.name;
    const CARD_NAME = `query($id: ID!, $at: DateTime!) { slaScorecard(policyId: $id, periodContaining: $at) { policy { name } } }`;
    const base = { period: 'MONTH', timeZone: 'UTC', targets: [{ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8 }] };
    const created = await server.gql(CREATE, { i: { ...base, name: 'from February', effectiveFrom: '2026-02-01T00:00:00Z' } });
    const id = created.data.createSlaPolicy.id;
    const update = `mutation($id: ID!, $i: SlaPolicyInput!) { updateSlaPolicy(id: $id, input: $i) { id } }`;
    expect((await server.gql(update, { id, i: { ...base, name: 'from January', effectiveFrom: '2026-01-01T00:00:00Z' } })).errors).toBeUndefined();
    const at = async (instant: string) => name((await server.gql(CARD_NAME, { id, at: instant })).data.slaScorecard[0]);
    expect(await at('2025-12-15T00:00:00Z')).toBe('from February'); // before every version: the first created
    expect(await at('2026-01-15T00:00:00Z')).toBe('from January'); // a version added later for an earlier date governs only from its date
    expect(await at('2026-02-15T00:00:00Z')).toBe('from February');
  });
});
