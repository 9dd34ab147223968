import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { useTestServer } from '../../support/server';
import { random } from '../../support/random';
import { withStatements } from '../../support/statements';

/**
 * Issue 17's dashboard queries against an independent computation: contacts with
 * known waits around Berlin's fall-back day (2026-10-25, 25 hours), reported in
 * Berlin, Kathmandu (+05:45) and UTC, every figure recomputed here from the
 * contacts with luxon's calendar and DOMAIN.md's counting rules.
 */

const SECOND = 1000;
const START = Date.parse('2026-10-22T00:00:00Z');
const END = Date.parse('2026-10-29T00:00:00Z');
const AGENT_TEAM: Record<string, string> = { ann: 'north', bob: 'north', cyd: 'south', dee: 'south', eve: 'east' };
const AGENTS = Object.keys(AGENT_TEAM);
const QUEUES = ['billing', 'sales', 'support'];
/** Waits on and around the thresholds asked below, and some anywhere. */
const EDGE_WAITS = [0, 1, 7, 19, 20, 21, 33, 59, 60, 61, 119, 120, 121, 299, 300];

interface Fact {
  externalId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  queue: string;
  agent: string | null;
  offeredAt: number;
  waitSeconds: number;
  answered: boolean;
  handleSeconds: number;
}

function generate(count: number, seed: number): Fact[] {
  const next = random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const answered = next() < 0.75;
    return {
      externalId: `dq-${i}`,
      direction: next() < 0.9 ? 'INBOUND' : 'OUTBOUND',
      queue: pick(QUEUES),
      agent: answered ? pick(AGENTS) : null,
      offeredAt: START + Math.floor((next() * (END - START)) / SECOND) * SECOND,
      waitSeconds: next() < 0.6 ? pick(EDGE_WAITS) : int(0, 400),
      answered,
      handleSeconds: int(30, 900),
    };
  });
}

const holdOf = (f: Fact) => (f.handleSeconds % 7) * 3;
const acwOf = (f: Fact) => f.handleSeconds % 11;

function toInput(f: Fact) {
  const waited = f.offeredAt + f.waitSeconds * SECOND;
  return {
    externalId: f.externalId,
    channel: 'VOICE',
    direction: f.direction,
    queue: f.queue,
    team: f.agent ? AGENT_TEAM[f.agent] : null,
    agent: f.agent,
    offeredAt: new Date(f.offeredAt).toISOString(),
    answeredAt: f.answered ? new Date(waited).toISOString() : null,
    endedAt: new Date(waited + (f.answered ? f.handleSeconds : 0) * SECOND).toISOString(),
    // Handle time split into talk, hold and ACW (handleSeconds ≥ 30 > the largest hold + ACW, 28).
    talkSeconds: f.answered ? f.handleSeconds - holdOf(f) - acwOf(f) : 0,
    holdSeconds: f.answered ? holdOf(f) : 0,
    afterContactWorkSeconds: f.answered ? acwOf(f) : 0,
  };
}

// ---------------------------------------------------------------- the reference

/** The local day of `ms` in `zone` as the instant it starts (luxon, not the engine's calendar). */
const dayStart = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).startOf('day').toUTC().toISO({ suppressMilliseconds: true })!;

interface RefGroup {
  facts: Fact[];
}

/** Contacts offered in [from, to), grouped by local day (or not) and agent (or not). */
function groupsOf(facts: readonly Fact[], from: number, to: number, zone: string | null, byAgent: boolean): Map<string, Fact[]> {
  const groups = new Map<string, Fact[]>();
  for (const f of facts) {
    if (f.offeredAt < from || f.offeredAt >= to) continue;
    const key = `${zone ? dayStart(f.offeredAt, zone) : ''}|${byAgent ? f.agent ?? '' : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return groups;
}

const inbound = (fs: readonly Fact[]) => fs.filter((f) => f.direction === 'INBOUND');
const answeredWithin = (fs: readonly Fact[], t: number) => inbound(fs).filter((f) => f.answered && f.waitSeconds <= t).length;
/** answered + abandoned with S = 0: every inbound contact. */
const qualifying = (fs: readonly Fact[]) => inbound(fs).length;
const serviceLevel = (fs: readonly Fact[], t: number) => (qualifying(fs) === 0 ? null : answeredWithin(fs, t) / qualifying(fs));

// ---------------------------------------------------------------- the tests

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const THRESHOLDS = [0, 7, 20, 33, 59, 60, 61, 120, 299, 86_400];

describe('kpis: dashboard queries', () => {
  // Statements are counted here: without the KPI result cache, which would answer some of them (its own test: kpi-result-cache.test.ts).
  const server = useTestServer({ limits: { kpiResultCacheMb: 0 } });
  const facts = generate(900, 17);

  beforeAll(async () => {
    const res = await server.gql(RECORD, { c: facts.map(toInput) });
    expect(res.errors).toBeUndefined();
    expect(res.data.recordContacts.created).toBe(facts.length);
  });

  describe('thresholds as field arguments', () => {
    const aliases = THRESHOLDS.map((t) => `sl${t}: serviceLevel(thresholdSeconds: ${t}) aw${t}: answeredWithinThreshold(thresholdSeconds: ${t})`).join(' ');
    const rowFields = `periodStart agent { key } serviceLevel answeredWithinThreshold ${aliases}`;
    const query = `query($q: KpiQuery!) { kpis(query: $q) {
      rows { ${rowFields} previous { ${rowFields} } } total { ${rowFields} previous { ${rowFields} } } } }`;

    /** Every alias of a row (or its previous) against the reference over its contacts. */
    const expectRow = (row: any, fs: readonly Fact[], T: number) => {
      expect(row.serviceLevel).toBe(serviceLevel(fs, T));
      expect(row.answeredWithinThreshold).toBe(answeredWithin(fs, T));
      for (const t of THRESHOLDS) {
        expect([t, row[`sl${t}`]]).toEqual([t, serviceLevel(fs, t)]);
        expect([t, row[`aw${t}`]]).toEqual([t, answeredWithin(fs, t)]);
      }
    };

    for (const zone of ['Europe/Berlin', 'Asia/Kathmandu', 'UTC']) {
      it(`counts ten thresholds per agent and local day in ${zone}, rows, previous and total, in one statement`, async () => {
        // Cut mid-bucket at both ends: the edges are read from raw contacts, the rest from the rollups.
        const from = Date.parse('2026-10-24T03:07:00Z');
        const to = Date.parse('2026-10-27T13:52:30Z');
        const T = 25;
        const q = {
          range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
          timeZone: zone,
          groupBy: ['AGENT'],
          granularity: 'DAY',
          serviceLevelThresholdSeconds: T,
          compareWithPrevious: true,
        };
        const { result: res, statements } = await withStatements(() => server.gql(query, { q }));
        expect(res.errors).toBeUndefined();
        // The report and its two previous reports: three KPI statements, however many thresholds.
        expect(statements.filter((s) => s.includes('reporting_zone')).length).toBe(3);

        const expected = groupsOf(facts, from, to, zone, true);
        const rows = res.data.kpis.rows as any[];
        expect(rows.map((r) => `${r.periodStart.replace('.000', '')}|${r.agent?.key ?? ''}`).sort()).toEqual([...expected.keys()].sort());
        for (const row of rows) {
          expectRow(row, expected.get(`${row.periodStart.replace('.000', '')}|${row.agent?.key ?? ''}`)!, T);
          // previous: the same agent over the whole preceding local day.
          const day = DateTime.fromISO(row.periodStart, { zone });
          const before = facts.filter((f) => f.agent === (row.agent?.key ?? null));
          expectRow(row.previous, [...(groupsOf(before, day.minus({ days: 1 }).toMillis(), day.toMillis(), null, false).values())].flat(), T);
        }
        expectRow(res.data.kpis.total, [...groupsOf(facts, from, to, null, false).values()].flat(), T);
        expectRow(res.data.kpis.total.previous, [...groupsOf(facts, 2 * from - to, from, null, false).values()].flat(), T);
      });
    }

    it('refuses a threshold outside 0..86,400 seconds, naming the argument', async () => {
      const q = { range: { from: '2026-10-22T00:00:00Z', to: '2026-10-23T00:00:00Z' } };
      const res = await server.gql(`query($q: KpiQuery!, $t: Int) { kpis(query: $q) { total { serviceLevel(thresholdSeconds: $t) } } }`, { q, t: 86_401 });
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toMatch(/^thresholdSeconds: must be a whole number of seconds from 0 to 86400, got 86401/);
    });
  });
  describe('orderBy, having and limit', () => {
    const query = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart agent { key } handled offered serviceLevel previous { handled } } total { offered handled serviceLevel } } }`;
    const from = Date.parse('2026-10-23T00:00:00Z');
    const to = Date.parse('2026-10-28T00:00:00Z');
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const handled = (fs: readonly Fact[]) => fs.filter((f) => f.answered).length;

    it('keeps the agents with the lowest service level among those who handled at least N, the total untouched', async () => {
      const groups = [...groupsOf(facts, from, to, null, true)].map(([key, fs]) => ({ agent: key.split('|')[1] || null, fs }));
      const N = [...groups.map((g) => handled(g.fs))].sort((a, b) => a - b)[2]!; // leaves out the two lowest
      const expected = groups
        .filter((g) => handled(g.fs) >= N && serviceLevel(g.fs, 20) !== null)
        .sort((a, b) => serviceLevel(a.fs, 20)! - serviceLevel(b.fs, 20)! || (a.agent! < b.agent! ? -1 : 1))
        .slice(0, 3);
      expect(expected).toHaveLength(3);
      const res = await server.gql(query, {
        q: { range, timeZone: 'Europe/Berlin', groupBy: ['AGENT'], orderBy: [{ metric: 'serviceLevel' }], having: [{ metric: 'handled', comparator: 'AT_LEAST', value: N }], limit: 3 },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.kpis.rows.map((r: any) => [r.agent?.key ?? null, r.handled, r.serviceLevel])).toEqual(
        expected.map((g) => [g.agent, handled(g.fs), serviceLevel(g.fs, 20)]),
      );
      const all = [...groupsOf(facts, from, to, null, false).values()].flat();
      expect(res.data.kpis.total).toEqual({ offered: inbound(all).length, handled: handled(all), serviceLevel: serviceLevel(all, 20) });
    });

    it('sorts (agent, local day) rows by a metric, nulls last, ties in period and key order, with previous for the rows kept', async () => {
      const zone = 'Asia/Kathmandu';
      const groups = [...groupsOf(facts, from, to, zone, true)].map(([key, fs]) => ({ day: key.split('|')[0]!, agent: key.split('|')[1] || null, fs }));
      const defaultOrder = (a: (typeof groups)[0], b: (typeof groups)[0]) =>
        a.day < b.day ? -1 : a.day > b.day ? 1 : a.agent === b.agent ? 0 : a.agent === null ? 1 : b.agent === null ? -1 : a.agent < b.agent ? -1 : 1;
      const expected = [...groups].sort((a, b) => handled(b.fs) - handled(a.fs) || defaultOrder(a, b)).slice(0, 7);
      const res = await server.gql(query, {
        q: { range, timeZone: zone, groupBy: ['AGENT'], granularity: 'DAY', orderBy: [{ metric: 'handled', direction: 'DESC' }], limit: 7, compareWithPrevious: true },
      });
      expect(res.errors).toBeUndefined();
      const rows = res.data.kpis.rows as any[];
      expect(rows.map((r) => [r.periodStart.replace('.000', ''), r.agent?.key ?? null, r.handled])).toEqual(expected.map((g) => [g.day, g.agent, handled(g.fs)]));
      for (const row of rows) {
        const day = DateTime.fromISO(row.periodStart, { zone });
        const before = facts.filter((f) => f.agent === (row.agent?.key ?? null) && f.offeredAt >= day.minus({ days: 1 }).toMillis() && f.offeredAt < day.toMillis());
        expect(row.previous.handled).toBe(handled(before));
      }
      // Ascending by service level: rows without inbound contacts (null) come last.
      const asc = await server.gql(query, { q: { range, timeZone: zone, groupBy: ['AGENT'], granularity: 'DAY', orderBy: [{ metric: 'serviceLevel', direction: 'ASC' }] } });
      const levels = (asc.data.kpis.rows as any[]).map((r) => r.serviceLevel);
      const nulls = levels.filter((l) => l === null).length;
      expect(levels.slice(levels.length - nulls).every((l) => l === null)).toBe(true);
      expect(levels.slice(0, levels.length - nulls)).toEqual([...levels.slice(0, levels.length - nulls)].sort((a, b) => a - b));
      expect(levels).toHaveLength(groups.length);
    });

    it('refuses a metric that is not a numeric KpiRow field, naming it, and a limit outside 1..10,000', async () => {
      const res = await server.gql(query, { q: { range, groupBy: ['AGENT'], orderBy: [{ metric: 'handled' }, { metric: 'agentName' }], having: [{ metric: 'nps', comparator: 'AT_MOST', value: 1 }] } });
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toBe(
        'query: orderBy[1].metric: "agentName" is not a numeric KpiRow field without required arguments; having[0].metric: "nps" is not a numeric KpiRow field without required arguments',
      );
      expect(res.errors![0]!.extensions!.problems.map((p: any) => p.field)).toEqual(['orderBy[1].metric', 'having[0].metric']);
      const limit = await server.gql(query, { q: { range, limit: 0 } });
      expect(limit.errors![0]!.extensions!.problems).toEqual([expect.objectContaining({ field: 'limit', rule: 'OUT_OF_RANGE' })]);
    });
  });
  describe('periodLabel and partial', () => {
    const query = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart periodEnd periodLabel partial offered previous { periodLabel partial } } total { periodLabel partial } } }`;
    const cases: Array<[string, string, string, string, string]> = [
      // zone, granularity, luxon format of the label, range from, range to
      ['Europe/Berlin', 'HOUR', "yyyy-MM-dd'T'HH", '2026-10-24T22:30:00Z', '2026-10-25T04:00:00Z'], // the 25-hour day: 02:00 twice
      ['Europe/Berlin', 'DAY', 'yyyy-MM-dd', '2026-10-23T10:00:00Z', '2026-10-27T23:00:00Z'],
      ['Asia/Kathmandu', 'FIFTEEN_MINUTES', "yyyy-MM-dd'T'HH:mm", '2026-10-26T18:10:00Z', '2026-10-26T20:00:00Z'],
      ['Asia/Kathmandu', 'DAY', 'yyyy-MM-dd', '2026-10-22T18:15:00Z', '2026-10-26T18:15:00Z'], // whole Kathmandu days
      ['Europe/Berlin', 'WEEK', "kkkk-'W'WW", '2026-10-22T00:00:00Z', '2026-10-29T00:00:00Z'],
      ['Asia/Kathmandu', 'MONTH', 'yyyy-MM', '2026-10-22T00:00:00Z', '2026-10-29T00:00:00Z'],
    ];
    for (const [zone, granularity, format, from, to] of cases) {
      it(`labels ${granularity} rows in ${zone} and flags the periods the range cuts`, async () => {
        const res = await server.gql(query, { q: { range: { from, to }, timeZone: zone, granularity, compareWithPrevious: true } });
        expect(res.errors).toBeUndefined();
        const rows = res.data.kpis.rows as any[];
        const offered = facts.filter((f) => f.offeredAt >= Date.parse(from) && f.offeredAt < Date.parse(to) && f.direction === 'INBOUND').length;
        expect(rows.reduce((n, r) => n + r.offered, 0)).toBe(offered);
        for (const row of rows) {
          const start = DateTime.fromISO(row.periodStart, { zone });
          expect(row.periodLabel).toBe(start.toFormat(format));
          expect(row.partial).toBe(Date.parse(row.periodStart) < Date.parse(from) || Date.parse(row.periodEnd) > Date.parse(to));
          expect(row.previous.partial).toBe(false);
        }
        expect(res.data.kpis.total).toEqual({ periodLabel: null, partial: false });
      });
    }

    it('gives the two 02:00 hours of Berlin\'s fall-back night the same label, and whole days none partial', async () => {
      const hours = await server.gql(query, { q: { range: { from: '2026-10-25T00:00:00Z', to: '2026-10-25T02:00:00Z' }, timeZone: 'Europe/Berlin', granularity: 'HOUR' } });
      expect(hours.data.kpis.rows.map((r: any) => [r.periodStart, r.periodLabel, r.partial])).toEqual([
        ['2026-10-25T00:00:00.000Z', '2026-10-25T02', false],
        ['2026-10-25T01:00:00.000Z', '2026-10-25T02', false],
      ].filter(([start]) => facts.some((f) => f.offeredAt >= Date.parse(start as string) && f.offeredAt < Date.parse(start as string) + 3_600_000)));
      const days = await server.gql(query, { q: { range: { from: '2026-10-24T22:00:00Z', to: '2026-10-25T23:00:00Z' }, timeZone: 'Europe/Berlin', granularity: 'DAY' } });
      expect(days.data.kpis.rows.map((r: any) => [r.periodLabel, r.partial, Date.parse(r.periodEnd) - Date.parse(r.periodStart)])).toEqual([['2026-10-25', false, 25 * 3_600_000]]);
    });
  });
  describe('dates: local days instead of a range', () => {
    const kpis = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart periodEnd periodLabel partial offered } total { offered } } }`;
    /** Inbound contacts offered on the local days from..to of zone, both included, by luxon. */
    const offeredOn = (from: string, to: string, zone: string) => {
      const [lo, hi] = [DateTime.fromISO(from, { zone }).toMillis(), DateTime.fromISO(to, { zone }).plus({ days: 1 }).toMillis()];
      return inbound(facts.filter((f) => f.offeredAt >= lo && f.offeredAt < hi)).length;
    };

    it('reads Berlin\'s 25-hour day, and Kathmandu days, whole and none partial', async () => {
      const berlin = await server.gql(kpis, { q: { dates: { from: '2026-10-25', to: '2026-10-25' }, timeZone: 'Europe/Berlin', granularity: 'HOUR' } });
      expect(berlin.errors).toBeUndefined();
      expect(berlin.data.kpis.total.offered).toBe(offeredOn('2026-10-25', '2026-10-25', 'Europe/Berlin'));
      expect(new Set(berlin.data.kpis.rows.map((r: any) => r.periodLabel)).size).toBeLessThanOrEqual(24);
      expect(berlin.data.kpis.rows.every((r: any) => !r.partial)).toBe(true);
      const kathmandu = await server.gql(kpis, { q: { dates: { from: '2026-10-23', to: '2026-10-26' }, timeZone: 'Asia/Kathmandu', granularity: 'DAY' } });
      expect(kathmandu.data.kpis.rows.map((r: any) => [r.periodStart, r.periodLabel, r.partial])).toEqual([
        ['2026-10-22T18:15:00.000Z', '2026-10-23', false],
        ['2026-10-23T18:15:00.000Z', '2026-10-24', false],
        ['2026-10-24T18:15:00.000Z', '2026-10-25', false],
        ['2026-10-25T18:15:00.000Z', '2026-10-26', false],
      ]);
      expect(kathmandu.data.kpis.total.offered).toBe(offeredOn('2026-10-23', '2026-10-26', 'Asia/Kathmandu'));
    });

    it('takes dates on contacts, surveyResponses, complaintBreakdown and staffing, as the same instants as a range', async () => {
      const zone = 'Europe/Berlin';
      const range = { from: '2026-10-24T22:00:00Z', to: '2026-10-26T23:00:00Z' }; // Berlin's 25th and 26th
      const dates = { from: '2026-10-25', to: '2026-10-26' };
      const contacts = `query($r: TimeRange, $d: DateRange, $z: String) { contacts(range: $r, dates: $d, timeZone: $z, first: 500) { edges { node { externalId } } } }`;
      const byDates = await server.gql(contacts, { d: dates, z: zone });
      expect(byDates.errors).toBeUndefined();
      expect(byDates.data).toEqual((await server.gql(contacts, { r: range })).data);
      const fromTo = [Date.parse(range.from), Date.parse(range.to)];
      expect(byDates.data.contacts.edges).toHaveLength(facts.filter((f) => f.offeredAt >= fromTo[0]! && f.offeredAt < fromTo[1]!).length);

      const surveys = `query($r: TimeRange, $d: DateRange, $z: String) { surveyResponses(range: $r, dates: $d, timeZone: $z) { edges { cursor } } }`;
      expect((await server.gql(surveys, { d: dates, z: zone })).errors).toBeUndefined();
      const complaints = `query($q: KpiQuery!) { complaintBreakdown(query: $q) { periodStart count } }`;
      expect((await server.gql(complaints, { q: { dates, timeZone: zone, granularity: 'DAY' } })).errors).toBeUndefined();
      const staffing = `query($q: StaffingQuery!) { staffing(query: $q) { periodStart offered } }`;
      const staffed = await server.gql(staffing, { q: { dates, timeZone: zone, intervalMinutes: 60 } });
      expect(staffed.errors).toBeUndefined();
      expect(staffed.data).toEqual((await server.gql(staffing, { q: { range, timeZone: zone, intervalMinutes: 60 } })).data);
      expect(staffed.data.staffing).toHaveLength(49); // 25 + 24 hours
      expect(staffed.data.staffing.reduce((n: number, i: any) => n + i.offered, 0)).toBe(offeredOn('2026-10-25', '2026-10-26', zone));
    });

    it('refuses both range and dates, neither, and reversed dates, naming the argument', async () => {
      const range = { from: '2026-10-22T00:00:00Z', to: '2026-10-23T00:00:00Z' };
      const problems = async (q: Record<string, unknown>) => {
        const res = await server.gql(kpis, { q });
        expect(res.data).toBeNull();
        expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        return res.errors![0]!.extensions!.problems.map((p: any) => [p.field, p.rule]);
      };
      expect(await problems({ range, dates: { from: '2026-10-22', to: '2026-10-22' } })).toEqual([['range', 'RANGE_AND_DATES']]);
      expect(await problems({})).toEqual([['range', 'NO_RANGE']]);
      expect(await problems({ dates: { from: '2026-10-23', to: '2026-10-22' } })).toEqual([['dates', 'EMPTY_RANGE']]);
      const contacts = await server.gql(`{ contacts { edges { cursor } } }`);
      expect(contacts.errors![0]!.extensions!.problems).toEqual([expect.objectContaining({ field: 'range', rule: 'NO_RANGE' })]);
      const badDate = await server.gql(kpis, { q: { dates: { from: '2026-02-30', to: '2026-03-01' } } });
      expect(badDate.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(badDate.errors![0]!.message).toMatch(/Date must be a calendar date "YYYY-MM-DD", got "2026-02-30"/);
    });
  });
  describe('filters by key', () => {
    const range = { from: '2026-10-22T00:00:00Z', to: '2026-10-29T00:00:00Z' };
    const kpis = `query($q: KpiQuery!) { kpis(query: $q) { total { offered handled } } }`;
    const handled = (fs: readonly Fact[]) => fs.filter((f) => f.answered).length;

    it('filters by queue, team and agent keys (OR with ids of the same dimension) on kpis, contacts and staffing', async () => {
      const agents = (await server.gql(`{ agents { id key } }`)).data.agents as Array<{ id: string; key: string }>;
      const annId = agents.find((a) => a.key === 'ann')!.id;
      const chosen = facts.filter((f) => (f.agent === 'ann' || f.agent === 'cyd') && f.queue !== 'sales');
      const res = await server.gql(kpis, { q: { range, filter: { agentIds: [annId], agentKeys: ['cyd'], queueKeys: ['billing', 'support'] } } });
      expect(res.errors).toBeUndefined();
      expect(res.data.kpis.total).toEqual({ offered: inbound(chosen).length, handled: handled(chosen) });
      const team = await server.gql(kpis, { q: { range, filter: { teamKeys: ['south'] } } });
      const south = facts.filter((f) => f.agent !== null && AGENT_TEAM[f.agent] === 'south');
      expect(team.data.kpis.total).toEqual({ offered: inbound(south).length, handled: handled(south) });

      const contacts = await server.gql(`{ contacts(range: { from: "${range.from}", to: "${range.to}" }, filter: { agentKeys: ["eve"] }, first: 500) { edges { node { agent { key } } } } }`);
      expect(contacts.data.contacts.edges).toHaveLength(facts.filter((f) => f.agent === 'eve').length);
      const staffing = await server.gql(`query($q: StaffingQuery!) { staffing(query: $q) { offered } }`, {
        q: { range, intervalMinutes: 60, filter: { queueKeys: ['sales'] } },
      });
      expect(staffing.data.staffing.reduce((n: number, i: any) => n + i.offered, 0)).toBe(inbound(facts.filter((f) => f.queue === 'sales')).length);
    });

    it('refuses each unknown id or key, naming it, on kpis, contacts, surveyResponses and staffing', async () => {
      const filter = { queueKeys: ['billing', 'biling'], teamIds: ['999999'], agentKeys: ['zed'] };
      const expected = [
        { field: 'query.filter.queueKeys[1]', rule: 'UNKNOWN_KEY', message: 'no queue has key "biling"' },
        { field: 'query.filter.teamIds[0]', rule: 'UNKNOWN_ID', message: 'no team has id "999999"' },
        { field: 'query.filter.agentKeys[0]', rule: 'UNKNOWN_KEY', message: 'no agent has key "zed"' },
      ];
      const res = await server.gql(kpis, { q: { range, filter } });
      expect(res.data).toBeNull();
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: expected });
      expect(res.errors![0]!.message).toMatch(/^unknown ids or keys: query\.filter\.queueKeys\[1\]: no queue has key "biling"/);
      const plain = expected.map((p) => ({ ...p, field: p.field.replace('query.', '') }));
      for (const query of [
        `query($f: ContactFilter) { contacts(range: { from: "${range.from}", to: "${range.to}" }, filter: $f) { edges { cursor } } }`,
        `query($f: ContactFilter) { surveyResponses(range: { from: "${range.from}", to: "${range.to}" }, filter: $f) { edges { cursor } } }`,
      ]) {
        expect((await server.gql(query, { f: filter })).errors![0]!.extensions!.problems).toEqual(plain);
      }
      const staffing = await server.gql(`query($q: StaffingQuery!) { staffing(query: $q) { offered } }`, { q: { range, filter } });
      expect(staffing.errors![0]!.extensions!.problems).toEqual(expected);
    });
  });
  describe('waitTimePercentile', () => {
    /** p as hundredths, so that the reference's rank ⌈p × n⌉ is integer arithmetic: ⌈70 × 10 / 100⌉ = 7. */
    const HUNDREDTHS = [1, 10, 25, 50, 70, 90, 95, 99, 100];
    const aliases = HUNDREDTHS.map((h) => `p${h}: waitTimePercentile(p: ${h / 100})`).join(' ');
    const query = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart queue { key } ${aliases} previous { p90: waitTimePercentile(p: 0.9) } } total { ${aliases} } } }`;
    /** Nearest rank over the answered inbound contacts' waits (DOMAIN.md "Percentiles"). */
    const nearestRank = (fs: readonly Fact[], hundredths: number) => {
      const waits = inbound(fs).filter((f) => f.answered).map((f) => f.waitSeconds).sort((a, b) => a - b);
      return waits.length === 0 ? null : waits[Math.ceil((hundredths * waits.length) / 100) - 1]!;
    };
    const expectPercentiles = (row: any, fs: readonly Fact[]) => {
      for (const h of HUNDREDTHS) expect([h, row[`p${h}`]]).toEqual([h, nearestRank(fs, h)]);
    };

    for (const zone of ['Europe/Berlin', 'Asia/Kathmandu']) {
      it(`is the nearest-rank wait per queue and local day in ${zone}, previous and total included`, async () => {
        const from = Date.parse('2026-10-23T05:40:00Z'); // mid-bucket: its edges come from raw contacts
        const to = Date.parse('2026-10-27T19:07:00Z');
        const res = await server.gql(query, {
          q: { range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, timeZone: zone, groupBy: ['QUEUE'], granularity: 'DAY', compareWithPrevious: true },
        });
        expect(res.errors).toBeUndefined();
        const rows = res.data.kpis.rows as any[];
        expect(rows.length).toBeGreaterThan(12);
        for (const row of rows) {
          const day = DateTime.fromISO(row.periodStart, { zone });
          const inQueue = facts.filter((f) => f.queue === row.queue.key);
          expectPercentiles(row, inQueue.filter((f) => f.offeredAt >= Math.max(from, day.toMillis()) && f.offeredAt < Math.min(to, day.plus({ days: 1 }).toMillis())));
          const before = inQueue.filter((f) => f.offeredAt >= day.minus({ days: 1 }).toMillis() && f.offeredAt < day.toMillis());
          expect(row.previous.p90).toBe(nearestRank(before, 90));
        }
        expectPercentiles(res.data.kpis.total, facts.filter((f) => f.offeredAt >= from && f.offeredAt < to));
      });
    }

    it('reads whole UTC days from the day distribution without agents: by queue and day, filtered by team keys, thresholds beside', async () => {
      const teams = ['north', 'east'];
      const from = Date.parse('2026-10-22T10:15:00Z'); // a quarter hour mid-day: quarter hours, then whole days, then raw contacts
      const to = Date.parse('2026-10-27T19:07:00Z');
      const sls = THRESHOLDS.map((t) => `sl${t}: serviceLevel(thresholdSeconds: ${t})`).join(' ');
      const q = { range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, groupBy: ['QUEUE'], granularity: 'DAY', filter: { teamKeys: teams } };
      const { result: res, statements } = await withStatements(() => server.gql(`query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart queue { key } ${aliases} ${sls} } total { ${aliases} } } }`, { q }));
      expect(res.errors).toBeUndefined();
      // Both the percentiles and the thresholds read the day rows.
      expect(statements.filter((s) => s.includes('contact_wait_rollup_day_team')).length).toBe(2);
      const scoped = facts.filter((f) => f.agent !== null && teams.includes(AGENT_TEAM[f.agent]!));
      const rows = res.data.kpis.rows as any[];
      expect(rows.length).toBe(6 * QUEUES.length);
      for (const row of rows) {
        const day = Date.parse(row.periodStart);
        const fs = scoped.filter((f) => f.queue === row.queue.key && f.offeredAt >= Math.max(from, day) && f.offeredAt < Math.min(to, day + 86_400_000));
        expectPercentiles(row, fs);
        for (const t of THRESHOLDS) expect([t, row[`sl${t}`]]).toEqual([t, serviceLevel(fs, t)]);
      }
      expectPercentiles(res.data.kpis.total, scoped.filter((f) => f.offeredAt >= from && f.offeredAt < to));
    });

    it('is null without answered inbound contacts, and refuses p outside (0, 1]', async () => {
      const outbound = facts.find((f) => f.direction === 'OUTBOUND')!;
      const quiet = { from: new Date(outbound.offeredAt).toISOString(), to: new Date(outbound.offeredAt + 1000).toISOString() };
      const only = facts.filter((f) => f.offeredAt === outbound.offeredAt);
      const res = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { total { waitTimePercentile(p: 0.5) } } }`, { q: { range: quiet } });
      expect(res.data.kpis.total.waitTimePercentile).toBe(nearestRank(only, 50));
      for (const p of [0, 1.5, -0.1]) {
        const bad = await server.gql(`query($q: KpiQuery!, $p: Float!) { kpis(query: $q) { total { waitTimePercentile(p: $p) } } }`, { q: { range: quiet }, p });
        expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(bad.errors![0]!.message).toBe(`p: a percentile's p must be greater than 0 and at most 1, got ${p}`);
      }
    });
  });
  describe('handleTimePercentile', () => {
    const HUNDREDTHS = [1, 5, 10, 25, 33, 50, 67, 70, 75, 90, 95, 99, 100];
    const aliases = HUNDREDTHS.map((h) => `h${h}: handleTimePercentile(p: ${h / 100})`).join(' ');
    /** Nearest rank over the handled contacts' talk + hold + ACW, both directions (DOMAIN.md "Percentiles"). */
    const nearestRank = (fs: readonly Fact[], hundredths: number) => {
      const handles = fs.filter((f) => f.answered).map((f) => f.handleSeconds).sort((a, b) => a - b);
      return handles.length === 0 ? null : handles[Math.ceil((hundredths * handles.length) / 100) - 1]!;
    };
    const expectPercentiles = (row: any, fs: readonly Fact[]) => {
      for (const h of HUNDREDTHS) expect([h, row[`h${h}`]]).toEqual([h, nearestRank(fs, h)]);
    };
    // Cut mid-bucket at both ends, across Berlin's 25-hour day (2026-10-25).
    const from = Date.parse('2026-10-23T05:40:00Z');
    const to = Date.parse('2026-10-27T19:07:00Z');
    const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    const within = (fs: readonly Fact[], lo: number, hi: number) => fs.filter((f) => f.offeredAt >= Math.max(from, lo) && f.offeredAt < Math.min(to, hi));

    for (const zone of ['Europe/Berlin', 'Asia/Kathmandu']) {
      it(`is the nearest-rank handle time per agent and local day in ${zone}, previous and total included`, async () => {
        const query = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart agent { key } ${aliases} previous { h90: handleTimePercentile(p: 0.9) } } total { ${aliases} previous { h50: handleTimePercentile(p: 0.5) } } } }`;
        const res = await server.gql(query, { q: { range, timeZone: zone, groupBy: ['AGENT'], granularity: 'DAY', compareWithPrevious: true } });
        expect(res.errors).toBeUndefined();
        const rows = res.data.kpis.rows as any[];
        expect(rows.length).toBeGreaterThan(20);
        for (const row of rows) {
          const day = DateTime.fromISO(row.periodStart, { zone });
          const byAgent = facts.filter((f) => f.agent === (row.agent?.key ?? null));
          expectPercentiles(row, within(byAgent, day.toMillis(), day.plus({ days: 1 }).toMillis()));
          const before = byAgent.filter((f) => f.offeredAt >= day.minus({ days: 1 }).toMillis() && f.offeredAt < day.toMillis());
          expect(row.previous.h90).toBe(nearestRank(before, 90));
        }
        // Both directions count: outbound handled contacts are among the total's.
        expect(within(facts, from, to).filter((f) => f.answered && f.direction === 'OUTBOUND').length).toBeGreaterThan(10);
        expectPercentiles(res.data.kpis.total, within(facts, from, to));
        expect(res.data.kpis.total.previous.h50).toBe(nearestRank(facts.filter((f) => f.offeredAt >= 2 * from - to && f.offeredAt < from), 50));
      });
    }

    it('follows any grouping and filter: by queue and hour in UTC for two agents, beside wait percentiles of the same rows', async () => {
      const agents = ['ann', 'eve'];
      const query = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart queue { key } ${aliases} w50: waitTimePercentile(p: 0.5) } total { ${aliases} } } }`;
      const res = await server.gql(query, { q: { range, groupBy: ['QUEUE'], granularity: 'HOUR', filter: { agentKeys: agents } } });
      expect(res.errors).toBeUndefined();
      const scoped = facts.filter((f) => f.agent !== null && agents.includes(f.agent));
      const rows = res.data.kpis.rows as any[];
      expect(rows.length).toBeGreaterThan(50);
      for (const row of rows) {
        const hour = Date.parse(row.periodStart);
        const fs = within(scoped.filter((f) => f.queue === row.queue.key), hour, hour + 3_600_000);
        for (const h of HUNDREDTHS) expect([h, row[`h${h}`]]).toEqual([h, nearestRank(fs, h)]);
        const waits = inbound(fs).filter((f) => f.answered).map((f) => f.waitSeconds).sort((a, b) => a - b);
        expect(row.w50).toBe(waits.length ? waits[Math.ceil(waits.length / 2) - 1] : null);
      }
      expectPercentiles(res.data.kpis.total, within(scoped, from, to));
    });

    it('is null without handled contacts, and refuses p outside (0, 1]', async () => {
      const unanswered = facts.find((f) => !f.answered && !facts.some((g) => g.answered && g.offeredAt === f.offeredAt))!;
      const quiet = { from: new Date(unanswered.offeredAt).toISOString(), to: new Date(unanswered.offeredAt + 1000).toISOString() };
      const res = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { total { handleTimePercentile(p: 0.5) offered } } }`, { q: { range: quiet } });
      expect(res.data.kpis.total).toEqual({ handleTimePercentile: null, offered: unanswered.direction === 'INBOUND' ? 1 : 0 });
      for (const p of [0, 1.000001, -1]) {
        const bad = await server.gql(`query($q: KpiQuery!, $p: Float!) { kpis(query: $q) { total { handleTimePercentile(p: $p) } } }`, { q: { range: quiet }, p });
        expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(bad.errors![0]!.message).toBe(`p: a percentile's p must be greater than 0 and at most 1, got ${p}`);
      }
    });
  });
  describe('connections: totalCount and PageInfo', () => {
    const range = { from: '2026-10-23T00:00:00Z', to: '2026-10-26T00:00:00Z' };
    const page = `query($r: TimeRange!, $after: String, $f: ContactFilter) { contacts(range: $r, first: 100, after: $after, filter: $f) {
      totalCount edges { cursor node { externalId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

    it('counts the whole selection on every page, and says where each page starts and ends', async () => {
      const expected = facts.filter((f) => f.offeredAt >= Date.parse(range.from) && f.offeredAt < Date.parse(range.to)).length;
      expect(expected).toBeGreaterThan(200);
      let after: string | null = null;
      let seen = 0;
      for (let i = 0; ; i++) {
        const res: any = await server.gql(page, { r: range, after });
        expect(res.errors).toBeUndefined();
        const { totalCount, edges, pageInfo } = res.data.contacts;
        expect(totalCount).toBe(expected);
        expect(pageInfo).toEqual({ hasNextPage: seen + edges.length < expected, hasPreviousPage: i > 0, startCursor: edges[0].cursor, endCursor: edges.at(-1).cursor });
        seen += edges.length;
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      expect(seen).toBe(expected);
      const annOnly = await server.gql(page, { r: range, f: { agentKeys: ['ann'] } });
      expect(annOnly.data.contacts.totalCount).toBe(facts.filter((f) => f.agent === 'ann' && f.offeredAt >= Date.parse(range.from) && f.offeredAt < Date.parse(range.to)).length);
      const surveys = await server.gql(`query($r: TimeRange!) { surveyResponses(range: $r) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, { r: range });
      expect(surveys.data.surveyResponses).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    });
  });
});
