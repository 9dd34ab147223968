import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { random } from '../../support/random';
import { useTestServer } from '../../support/server';

/**
 * Agent activity KPIs against an independent reference: random 15-minute records
 * (re-sent with changes, agents moving teams), random hourly costs with
 * effectiveFrom history, random contacts, and random queries (zones with DST and
 * :45 offsets, every granularity, TEAM/AGENT/CHANNEL grouping, filters). The
 * reference below computes every figure from API.md's formulas with luxon and
 * plain arrays; it imports nothing from src/.
 */

const ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { received } }`;
const CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { received } }`;
const SET_COST = `mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`;
const FIELDS = ['loggedInSeconds', 'availableSeconds', 'handlingSeconds', 'notReadySeconds', 'occupancy', 'utilization', 'averageAgentsStaffed', 'staffedCost', 'costCoverage', 'costPerContact', 'handled'] as const;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart channel team { key } agent { key } ${FIELDS.join(' ')} } total { ${FIELDS.join(' ')} } } }`;

interface Rec { agent: string; team: string; start: number; loggedIn: number; available: number; handling: number; notReady: number }
interface Cost { agent?: string; team?: string; hourlyCost: number; effectiveFrom?: string }
interface Handled { agent: string; team: string; at: number; channel: string }

const AGENTS = ['a1', 'a2', 'a3', 'a4', 'a5'];
const TEAMS = ['t1', 't2', 't3'];
const Q = 900_000;
// Around Berlin's spring DST change (29 March 2026) and past Kathmandu midnights.
const START = Date.parse('2026-03-26T00:00:00Z');
const END = Date.parse('2026-04-02T00:00:00Z');

type Gran = 'FIFTEEN_MINUTES' | 'THIRTY_MINUTES' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | null;

/** The reference's period start: local clock minutes for sub-day periods, luxon's startOf otherwise. */
function periodStart(ms: number, g: Gran, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  const minutes = { FIFTEEN_MINUTES: 15, THIRTY_MINUTES: 30, HOUR: 60 } as Record<string, number>;
  if (g && minutes[g]) return ms - ((local.minute % minutes[g]!) * 60 + local.second) * 1000 - local.millisecond;
  const unit = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;
  return local.startOf(unit[g as keyof typeof unit]).toMillis();
}
function periodEnd(start: number, g: Gran, zone: string): number {
  const minutes = { FIFTEEN_MINUTES: 15, THIRTY_MINUTES: 30, HOUR: 60 } as Record<string, number>;
  if (g && minutes[g]) return periodStart(start + minutes[g]! * 60_000, g, zone) > start ? periodStart(start + minutes[g]! * 60_000, g, zone) : start + minutes[g]! * 60_000;
  const unit = { DAY: 'days', WEEK: 'weeks', MONTH: 'months' } as const;
  return DateTime.fromMillis(start, { zone }).plus({ [unit[g as keyof typeof unit]]: 1 }).toMillis();
}

describe('agent activity KPIs, property: random records, costs and queries against an independent reference', () => {
  const server = useTestServer();

  it('matches the reference field for field', { timeout: 120_000 }, async () => {
    const next = random(20260329);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const stored = new Map<string, Rec>();
    const teamOf = new Map(AGENTS.map((a) => [a, pick(TEAMS)]));

    // Three batches; later ones re-send some intervals with other figures and move agents to other teams.
    for (let batch = 0; batch < 3; batch++) {
      const records: Rec[] = [];
      const keys = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const agent = pick(AGENTS);
        const start = START + Math.floor(next() * ((END - START) / Q)) * Q;
        if (keys.has(`${agent}|${start}`)) continue;
        keys.add(`${agent}|${start}`);
        if (batch > 0 && next() < 0.1) teamOf.set(agent, pick(TEAMS));
        const loggedIn = next() < 0.7 ? 900 : Math.floor(next() * 901);
        const handling = Math.floor(next() * (loggedIn + 1));
        const available = Math.floor(next() * (loggedIn - handling + 1));
        records.push({ agent, team: teamOf.get(agent)!, start, loggedIn, handling, available, notReady: loggedIn - handling - available });
      }
      const res = await server.gql(ACTIVITY, {
        a: records.map((r) => ({
          agent: r.agent, team: r.team, intervalStart: new Date(r.start).toISOString(),
          loggedInSeconds: r.loggedIn, availableSeconds: r.available, handlingSeconds: r.handling, notReadySeconds: r.notReady,
        })),
      }, server.org.keys.INGEST);
      expect(res.errors).toBeUndefined();
      for (const r of records) stored.set(`${r.agent}|${r.start}`, r);

      // Costs between batches: team costs for all time, agent costs from a moment on, one replaced.
      const costs: Cost[] =
        batch === 0
          ? [{ team: 't1', hourlyCost: 30 }, { team: 't2', hourlyCost: 24.5 }, { agent: 'a2', hourlyCost: 41, effectiveFrom: '2026-03-28T10:15:00Z' }]
          : batch === 1
            ? [{ team: 't1', hourlyCost: 32 }, { agent: 'a4', hourlyCost: 0, effectiveFrom: '2026-03-30T00:00:00+02:00' }, { agent: 'a2', hourlyCost: 44, effectiveFrom: '2026-03-31T00:00:00Z' }]
            : [];
      for (const c of costs) expect((await server.gql(SET_COST, { i: c })).errors).toBeUndefined();
      for (const c of costs) applyCost(c);
      // Local days of the reporting zone from now on: rebuilt here, kept by the later batches and costs.
      if (batch === 0) await setReportingZone('Europe/Berlin');
    }

    // Contacts handled by the agents, for costPerContact; their team is the one they were recorded with.
    const handled: Handled[] = [];
    const contacts = Array.from({ length: 300 }, (_, i) => {
      const agent = pick(AGENTS);
      const team = pick(TEAMS);
      const at = START + Math.floor(next() * (END - START) / 1000) * 1000;
      const channel = pick(['VOICE', 'CHAT']);
      handled.push({ agent, team, at, channel });
      return {
        externalId: `p-${i}`, channel, queue: 'q', agent, team, offeredAt: new Date(at).toISOString(),
        answeredAt: new Date(at + 5000).toISOString(), endedAt: new Date(at + 65_000).toISOString(), talkSeconds: 60,
      };
    });
    expect((await server.gql(CONTACTS, { c: contacts }, server.org.keys.INGEST)).errors).toBeUndefined();

    const records = [...stored.values()];
    let compared = 0;
    for (let q = 0; q < 40; q++) {
      // Halfway, a zone whose days start on the half hour: local days summed from the records.
      if (q === 20) await setReportingZone('America/St_Johns');
      const zone = pick(['UTC', 'Europe/Berlin', 'Asia/Kathmandu', 'America/St_Johns']);
      const granularity = pick<Gran>([null, 'FIFTEEN_MINUTES', 'THIRTY_MINUTES', 'HOUR', 'DAY', 'WEEK', 'MONTH']);
      const groupBy = pick([[], ['AGENT'], ['TEAM'], ['TEAM', 'AGENT'], ['CHANNEL']]);
      const from = START - Q + Math.floor(next() * 3 * 86_400) * 1000; // any second: ranges cut intervals and periods
      const to = Math.min(from + Math.floor((0.2 + next() * 4) * 86_400) * 1000, END + Q);
      if (granularity === 'FIFTEEN_MINUTES' && to - from > 3 * 86_400_000) continue;
      const filter = pick([{}, {}, { agents: ['a1', 'a3'] }, { teams: ['t2'] }, { channels: ['VOICE'] }]);
      const ids = async (table: string, keys?: string[]) =>
        keys && (await server.db.orm.em.fork().getConnection().execute(`select id from ${table} where key = any(?::text[])`, [`{${keys.join(',')}}`])).map((r: any) => r.id);
      const apiFilter = {
        ...('agents' in filter ? { agentIds: await ids('agent', filter.agents) } : {}),
        ...('teams' in filter ? { teamIds: await ids('team', filter.teams) } : {}),
        ...('channels' in filter ? { channels: filter.channels } : {}),
      };
      const res = await server.gql(KPIS, { q: { range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, timeZone: zone, granularity, groupBy, filter: apiFilter } });
      expect(res.errors, JSON.stringify({ zone, granularity, groupBy, filter })).toBeUndefined();
      const want = reference(records, handled, { from, to, zone, granularity, groupBy, filter });
      const label = JSON.stringify({ q, zone, granularity, groupBy, filter, from: new Date(from), to: new Date(to) });
      const got = res.data.kpis;
      const key = (r: any) => `${r.periodStart ?? ''}|${r.channel ?? ''}|${r.team?.key ?? ''}|${r.agent?.key ?? ''}`;
      expect(got.rows.map(key), label).toEqual(want.rows.map((r) => r.key));
      got.rows.forEach((row: any, i: number) => close(row, want.rows[i]!.figures, `${label} ${key(row)}`));
      close(got.total, want.total, `${label} total`);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);

    async function setReportingZone(zone: string) {
      const res = await server.gql(`mutation($z: String!) { setReportingTimeZone(timeZone: $z) { reportingTimeZone } }`, { z: zone });
      expect(res.data?.setReportingTimeZone.reportingTimeZone).toBe(zone);
    }

    function applyCost(c: Cost) {
      const list = costsOf.get(c.agent ? `a:${c.agent}` : `t:${c.team}`) ?? [];
      const from = c.effectiveFrom ? Date.parse(c.effectiveFrom) : -Infinity;
      costsOf.set(c.agent ? `a:${c.agent}` : `t:${c.team}`, c.effectiveFrom ? [...list.filter((x) => x.from !== from), { from, cost: c.hourlyCost }] : [{ from, cost: c.hourlyCost }]);
    }
  });
});

const costsOf = new Map<string, Array<{ from: number; cost: number }>>();
const latest = (subject: string, at: number) =>
  (costsOf.get(subject) ?? []).filter((c) => c.from <= at).sort((a, b) => b.from - a.from)[0]?.cost;
const costOf = (r: Rec) => latest(`a:${r.agent}`, r.start) ?? latest(`t:${r.team}`, r.start);

interface Query { from: number; to: number; zone: string; granularity: Gran; groupBy: string[]; filter: { agents?: string[]; teams?: string[]; channels?: string[] } }

function reference(records: Rec[], handled: Handled[], q: Query) {
  const activityApplies = !q.filter.channels;
  const rowsApply = activityApplies && !q.groupBy.includes('CHANNEL');
  const inFilter = (x: { agent: string; team: string }) => (!q.filter.agents || q.filter.agents.includes(x.agent)) && (!q.filter.teams || q.filter.teams.includes(x.team));
  const recs = records.filter((r) => r.start >= q.from && r.start < q.to && inFilter(r));
  const contacts = handled.filter((c) => c.at >= q.from && c.at < q.to && inFilter(c) && (!q.filter.channels || q.filter.channels.includes(c.channel)));
  const periodOf = (ms: number) => (q.granularity ? periodStart(ms, q.granularity, q.zone) : null);
  const keyOf = (p: number | null, x: { agent: string; team: string; channel?: string }) =>
    `${p === null ? '' : new Date(p).toISOString()}|${q.groupBy.includes('CHANNEL') ? x.channel : ''}|${q.groupBy.includes('TEAM') ? x.team : ''}|${q.groupBy.includes('AGENT') ? x.agent : ''}`;

  const groups = new Map<string, { period: number | null; recs: Rec[]; handled: number }>();
  const group = (key: string, period: number | null) => groups.get(key) ?? groups.set(key, { period, recs: [], handled: 0 }).get(key)!;
  for (const c of contacts) group(keyOf(periodOf(c.at), c), periodOf(c.at)).handled++;
  if (rowsApply) for (const r of recs) group(keyOf(periodOf(r.start), r), periodOf(r.start)).recs.push(r);

  const elapsed = (period: number | null) => {
    if (period === null) return (q.to - q.from) / 1000;
    const end = periodEnd(period, q.granularity, q.zone);
    return (Math.min(end, q.to) - Math.max(period, q.from)) / 1000;
  };
  const rows = [...groups.entries()]
    .sort(([a, x], [b, y]) => (x.period ?? 0) - (y.period ?? 0) || (a < b ? -1 : 1))
    .map(([key, g]) => ({ key, figures: figures(g.recs, g.handled, rowsApply ? elapsed(g.period) : null) }));
  return { rows, total: figures(activityApplies ? recs : [], contacts.length, activityApplies ? elapsed(null) : null) };
}

function figures(recs: Rec[], handled: number, elapsedSeconds: number | null) {
  const sum = (f: (r: Rec) => number) => recs.reduce((n, r) => n + f(r), 0);
  const loggedIn = sum((r) => r.loggedIn);
  const handling = sum((r) => r.handling);
  const available = sum((r) => r.available);
  const costed = sum((r) => (costOf(r) === undefined ? 0 : r.loggedIn));
  const staffedCost = costed === 0 ? null : sum((r) => (r.loggedIn * (costOf(r) ?? 0)) / 3600);
  return {
    loggedInSeconds: loggedIn, availableSeconds: available, handlingSeconds: handling, notReadySeconds: sum((r) => r.notReady),
    occupancy: handling + available === 0 ? null : handling / (handling + available),
    utilization: loggedIn === 0 ? null : handling / loggedIn,
    averageAgentsStaffed: elapsedSeconds === null || elapsedSeconds === 0 ? null : loggedIn / elapsedSeconds,
    staffedCost,
    costCoverage: loggedIn === 0 ? null : costed / loggedIn,
    costPerContact: staffedCost === null || handled === 0 ? null : staffedCost / handled,
    handled,
  };
}

function close(actual: Record<string, unknown>, wanted: Record<string, number | null>, label: string) {
  for (const [name, value] of Object.entries(wanted)) {
    if (value === null) expect(actual[name], `${label} ${name}`).toBeNull();
    else expect(actual[name] as number, `${label} ${name}`).toBeCloseTo(value, 6);
  }
}
