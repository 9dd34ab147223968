import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { KpiService } from '../../../src/analytics/kpi.service';
import { Dimension } from '../../../src/analytics/kpi.request';
import { Granularity } from '../../../src/platform/calendar';
import { createDirectoryLoaders } from '../../../src/org/directory.loaders';
import { rebuildOrganizationFacts } from '../../../src/warehouse/rebuild';
import { ACTIVITY_GRAINS } from '../../../src/warehouse/activity-grains';
import { random } from '../../support/random';
import { postGraphQL, useTestServer } from '../../support/server';

const RECORD = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { received created updated unchanged } }`;
const SET_COST = `mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`;
const CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const ACTIVITY_FIELDS =
  'loggedInSeconds availableSeconds handlingSeconds notReadySeconds occupancy utilization averageAgentsStaffed staffedCost costCoverage costPerContact handled';
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) {
  rows { periodStart periodEnd channel team { key } agent { key } ${ACTIVITY_FIELDS} }
  total { ${ACTIVITY_FIELDS} } } }`;

interface Activity {
  agent: string;
  team?: string | null;
  intervalStart: string;
  loggedInSeconds: number;
  availableSeconds: number;
  handlingSeconds: number;
  notReadySeconds: number;
}

const AGENTS = [
  { agent: 'ann', team: 'north' },
  { agent: 'bob', team: 'north' },
  { agent: 'cat', team: 'south' },
];

/** Two days of intervals around a Berlin midnight, random splits, some intervals logged out. */
function generateActivity(): Activity[] {
  const next = random(42);
  const records: Activity[] = [];
  const start = Date.parse('2026-03-02T18:00:00Z');
  for (const { agent, team } of AGENTS) {
    for (let i = 0; i < 4 * 16; i++) {
      if (next() < 0.2) continue;
      const loggedIn = next() < 0.8 ? 900 : Math.floor(next() * 900);
      const handling = Math.floor(next() * loggedIn);
      const available = Math.floor(next() * (loggedIn - handling));
      records.push({
        agent,
        team,
        intervalStart: new Date(start + i * 900_000).toISOString(),
        loggedInSeconds: loggedIn,
        availableSeconds: available,
        handlingSeconds: handling,
        notReadySeconds: loggedIn - handling - available,
      });
    }
  }
  return records;
}

const COSTS = { north: 30, ann: 42 } as Record<string, number>; // ann has her own cost; bob takes north's; cat (south) none

describe('agent activity', () => {
  const server = useTestServer();
  const count = async (table: string) =>
    (await server.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from ${table}`))[0].n as number;
  const records = generateActivity();

  it('records activity idempotently by (agent, intervalStart): re-sent counts nothing twice, changes update', async () => {
    const first = await server.gql(RECORD, { a: records }, server.org.keys.INGEST);
    expect(first.errors).toBeUndefined();
    expect(first.data.recordAgentActivity).toEqual({ received: records.length, created: records.length, updated: 0, unchanged: 0 });
    const again = await server.gql(RECORD, { a: records }, server.org.keys.INGEST);
    expect(again.data.recordAgentActivity).toEqual({ received: records.length, created: 0, updated: 0, unchanged: records.length });

    const i = records.findIndex((r) => r.handlingSeconds > 0);
    const r = records[i]!;
    const changed = { ...r, availableSeconds: r.availableSeconds + r.handlingSeconds, handlingSeconds: 0 };
    const update = await server.gql(RECORD, { a: [changed, records[i + 1]] }, server.org.keys.INGEST);
    expect(update.data.recordAgentActivity).toEqual({ received: 2, created: 0, updated: 1, unchanged: 1 });
    records[i] = changed;
    expect(await count('agent_activity')).toBe(records.length);
  });

  it('rejects a bad batch whole, naming every record, field and rule, and writes nothing', async () => {
    const good = { agent: 'dan', intervalStart: '2026-03-05T10:00:00Z', loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 500, notReadySeconds: 100 };
    const bad = [
      good,
      { ...good, intervalStart: '2026-03-05T10:07:00Z' },
      { ...good, intervalStart: '2026-03-05T10:30:00Z', loggedInSeconds: 901 },
      { ...good, intervalStart: '2026-03-05T10:45:00Z', handlingSeconds: 400 },
      { ...good, intervalStart: '2026-03-05T11:00:00Z', availableSeconds: -1, notReadySeconds: 401 },
      { ...good, agent: '  ' },
      good,
    ];
    const before = await count('agent_activity');
    const result = await server.gql(RECORD, { a: bad }, server.org.keys.INGEST);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = result.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`);
    expect(problems).toEqual([
      'activity[1].intervalStart NOT_ALIGNED',
      'activity[2].loggedInSeconds OUT_OF_RANGE',
      'activity[3].loggedInSeconds PARTS_MISMATCH',
      'activity[4].availableSeconds OUT_OF_RANGE',
      'activity[5].agent REQUIRED',
      'activity[6].intervalStart DUPLICATE_INTERVAL',
    ]);
    expect(result.errors![0]!.message).toMatch(/6 of 7 activity records are invalid; nothing was written/);
    expect(await count('agent_activity')).toBe(before);
    expect(await count("agent where key = 'dan'")).toBe(0);
  });

  it('takes activity from INGEST keys only', async () => {
    const denied = await server.gql(RECORD, { a: records.slice(0, 1) }, server.org.keys.ANALYST);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sets hourly costs of teams and agents, the agent\'s beating its team\'s, and lists them', async () => {
    for (const input of [{ team: 'north', hourlyCost: COSTS.north }, { agent: 'ann', hourlyCost: COSTS.ann }]) {
      const set = await server.gql(SET_COST, { i: input });
      expect(set.errors).toBeUndefined();
      expect(set.data.setHourlyCost).toBe(true);
    }
    const list = await server.gql(`{ hourlyCosts { agent team hourlyCost effectiveFrom } }`);
    expect(list.data.hourlyCosts).toEqual([
      { agent: 'ann', team: null, hourlyCost: 42, effectiveFrom: null },
      { agent: null, team: 'north', hourlyCost: 30, effectiveFrom: null },
    ]);
    for (const [input, rule] of [
      [{ hourlyCost: 10 }, 'input.agent ONE_SUBJECT'],
      [{ agent: 'ann', team: 'north', hourlyCost: 10 }, 'input.team ONE_SUBJECT'],
      [{ agent: 'ann', hourlyCost: -1 }, 'input.hourlyCost OUT_OF_RANGE'],
    ] as const) {
      const bad = await server.gql(SET_COST, { i: input });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([rule]);
    }
    expect((await server.gql(SET_COST, { i: { team: 'north', hourlyCost: 1 } }, server.org.keys.INGEST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  /** The test's own computation of the activity KPIs of some records, from API.md's formulas. */
  const expected = (rs: Activity[], handled: number, elapsedSeconds: number | null) => {
    const sum = (f: (r: Activity) => number) => rs.reduce((n, r) => n + f(r), 0);
    const loggedIn = sum((r) => r.loggedInSeconds);
    const handling = sum((r) => r.handlingSeconds);
    const available = sum((r) => r.availableSeconds);
    const cost = (r: Activity) => COSTS[r.agent] ?? COSTS[r.team ?? ''];
    const costed = sum((r) => (cost(r) === undefined ? 0 : r.loggedInSeconds));
    const staffedCost = costed === 0 ? null : sum((r) => (r.loggedInSeconds * (cost(r) ?? 0)) / 3600);
    return {
      loggedInSeconds: loggedIn,
      availableSeconds: available,
      handlingSeconds: handling,
      notReadySeconds: sum((r) => r.notReadySeconds),
      occupancy: handling + available === 0 ? null : handling / (handling + available),
      utilization: loggedIn === 0 ? null : handling / loggedIn,
      averageAgentsStaffed: elapsedSeconds === null ? null : loggedIn / elapsedSeconds,
      staffedCost,
      costCoverage: loggedIn === 0 ? null : costed / loggedIn,
      costPerContact: staffedCost === null || handled === 0 ? null : staffedCost / handled,
      handled,
    };
  };
  const close = (actual: Record<string, unknown>, wanted: Record<string, number | null>) => {
    for (const [name, value] of Object.entries(wanted)) {
      if (value === null) expect(actual[name], name).toBeNull();
      else expect(actual[name] as number, name).toBeCloseTo(value, 9);
    }
  };

  // Contacts handled by ann and cat, to give costPerContact a denominator.
  const contacts = ['2026-03-02T19:10:00Z', '2026-03-02T23:20:00Z', '2026-03-03T01:05:00Z'].flatMap((at, i) =>
    ['ann', 'cat'].map((agent) => ({
      externalId: `c-${agent}-${i}`,
      channel: 'VOICE',
      queue: 'care',
      agent,
      team: AGENTS.find((a) => a.agent === agent)!.team,
      offeredAt: at,
      answeredAt: new Date(Date.parse(at) + 10_000).toISOString(),
      endedAt: new Date(Date.parse(at) + 200_000).toISOString(),
      talkSeconds: 180,
    })),
  );

  it('computes occupancy, utilization, cost and average agents by agent, team and Berlin day, rollups equal to the records', async () => {
    expect((await server.gql(CONTACTS, { c: contacts }, server.org.keys.INGEST)).errors).toBeUndefined();
    const range = { from: '2026-03-02T18:00:00Z', to: '2026-03-03T10:00:00Z' };
    const zone = 'Europe/Berlin';
    const dayOf = (iso: string) => DateTime.fromISO(iso, { zone }).startOf('day').toUTC().toISO({ suppressMilliseconds: false })!;
    const handledBy = (pred: (c: (typeof contacts)[number]) => boolean) => contacts.filter(pred).length;

    for (const groupBy of [['AGENT'], ['TEAM'], ['TEAM', 'AGENT'], []] as const) {
      const result = await server.gql(KPIS, { q: { range, timeZone: zone, granularity: 'DAY', groupBy } });
      expect(result.errors).toBeUndefined();
      const { rows, total } = result.data.kpis;
      for (const row of rows) {
        const inRow = (r: { agent: string; team?: string | null; at: string }) =>
          dayOf(r.at) === row.periodStart && (!row.agent || r.agent === row.agent.key) && (!row.team || r.team === row.team.key);
        const rs = records.filter((r) => inRow({ ...r, at: r.intervalStart }) && Date.parse(r.intervalStart) < Date.parse(range.to));
        const from = Math.max(Date.parse(row.periodStart), Date.parse(range.from));
        const to = Math.min(Date.parse(row.periodEnd), Date.parse(range.to));
        close(row, expected(rs, handledBy((c) => inRow({ ...c, at: c.offeredAt })), (to - from) / 1000));
      }
      // Every group with activity or contacts has a row: bob logged in but handled nothing.
      if (groupBy[0] === 'AGENT') expect(new Set(rows.map((r: any) => r.agent.key))).toEqual(new Set(['ann', 'bob', 'cat']));
      const inRange = records.filter((r) => Date.parse(r.intervalStart) < Date.parse(range.to));
      close(total, expected(inRange, contacts.length, (Date.parse(range.to) - Date.parse(range.from)) / 1000));
    }
  });

  it('leaves activity out of channel and queue rows (agents are not split by channel) but keeps it in their total', async () => {
    const range = { from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z' };
    const byChannel = (await server.gql(KPIS, { q: { range, groupBy: ['CHANNEL'] } })).data.kpis;
    for (const row of byChannel.rows) {
      expect(row).toMatchObject({ loggedInSeconds: 0, occupancy: null, utilization: null, averageAgentsStaffed: null, staffedCost: null });
    }
    const whole = (await server.gql(KPIS, { q: { range } })).data.kpis.total;
    expect(byChannel.total).toEqual(whole);
    expect(whole.loggedInSeconds).toBe(records.reduce((n, r) => n + r.loggedInSeconds, 0));

    const filtered = (await server.gql(KPIS, { q: { range, filter: { channels: ['VOICE'] } } })).data.kpis.total;
    expect(filtered).toMatchObject({ loggedInSeconds: 0, averageAgentsStaffed: null, staffedCost: null, handled: 6 });
  });

  it('re-prices stored activity when a cost changes, from its effectiveFrom on', async () => {
    const from = '2026-03-03T00:00:00Z';
    expect((await server.gql(SET_COST, { i: { agent: 'bob', hourlyCost: 60, effectiveFrom: from } })).errors).toBeUndefined();
    COSTS.bob = 60;
    const range = { from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z' };
    const rows = (await server.gql(KPIS, { q: { range, groupBy: ['AGENT'], granularity: 'DAY' } })).data.kpis.rows;
    const bob = rows.filter((r: any) => r.agent.key === 'bob');
    const bobRecords = (day: string) => records.filter((r) => r.agent === 'bob' && r.intervalStart.startsWith(day));
    const cost = (rs: Activity[], rate: number) => rs.reduce((n, r) => n + (r.loggedInSeconds * rate) / 3600, 0);
    expect(bob[0].staffedCost).toBeCloseTo(cost(bobRecords('2026-03-02'), 30), 9);
    expect(bob[1].staffedCost).toBeCloseTo(cost(bobRecords('2026-03-03'), 60), 9);
    delete COSTS.bob;
  });

  it('reads the hour and day rollups exactly as the 15-minute records, across zones, periods, groupings and re-pricing', async () => {
    const next = random(7);
    const more: Activity[] = [];
    for (const agent of ['dia', 'eve']) {
      for (let t = Date.parse('2026-03-09T00:00:00Z'); t < Date.parse('2026-03-13T00:00:00Z'); t += 900_000) {
        if (next() < 0.3) continue;
        const handling = Math.floor(next() * 600);
        more.push({ agent, team: agent === 'dia' ? 'south' : 'west', intervalStart: new Date(t).toISOString(), loggedInSeconds: 900, availableSeconds: 900 - handling - 60, handlingSeconds: handling, notReadySeconds: 60 });
      }
    }
    expect((await server.gql(RECORD, { a: more }, server.org.keys.INGEST)).errors).toBeUndefined();
    expect((await server.gql(SET_COST, { i: { team: 'south', hourlyCost: 25.5, effectiveFrom: '2026-03-10T13:15:00Z' } })).errors).toBeUndefined();

    const em = server.db.orm.em.fork();
    const service = new KpiService(em, createDirectoryLoaders(em, async () => server.org.id));
    const fields = ACTIVITY_FIELDS.split(' ');
    const ids = (await em.getConnection().execute(`select id from agent where key in ('dia', 'ann')`)).map((r: any) => r.id);
    let compared = 0;
    for (const timeZone of ['UTC', 'Europe/Berlin', 'Asia/Kathmandu']) {
      for (const granularity of [null, Granularity.HOUR, Granularity.DAY, Granularity.WEEK]) {
        for (const groupBy of [[], [Dimension.AGENT], [Dimension.TEAM]]) {
          for (const filter of [{}, { agentIds: ids }]) {
            const ask = {
              organizationId: server.org.id, from: new Date('2026-03-02T06:45:00Z'), to: new Date('2026-03-12T17:30:00Z'),
              timeZone, granularity, groupBy, filter, fields,
            };
            const viaRollups = await service.report(ask);
            const viaRecords = await service.report(ask, { rawOnly: true });
            expect(viaRollups.rows.length).toBe(viaRecords.rows.length);
            viaRollups.rows.forEach((row, i) => close(row.metrics, viaRecords.rows[i]!.metrics));
            close(viaRollups.total.metrics, viaRecords.total.metrics);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(72);
  });

  it('rebuilds activity costs and rollups exactly (rebuildOrganizationFacts, for operators repairing data)', async () => {
    const connection = server.db.orm.em.fork().getConnection();
    const snapshot = async () => ({
      costs: await connection.execute(`select agent_id, interval_start::text, hourly_cost::text from agent_activity order by 1, 2`),
      ...Object.fromEntries(
        await Promise.all(
          ACTIVITY_GRAINS.map(async (g) => [g.table, await connection.execute(`select * from ${g.table} order by ${['bucket', ...g.dimensions].join(', ')}`)]),
        ),
      ),
    });
    const before = await snapshot();
    expect(before.agent_activity_day_total.length).toBeGreaterThan(0);
    await connection.execute(`update agent_activity set hourly_cost = 999 where agent_id = (select min(agent_id) from agent_activity)`);
    await connection.execute(`delete from agent_activity_hour where bucket >= '2026-03-10'`);
    await connection.execute(`update agent_activity_day set logged_in_seconds = 0`);
    await connection.execute(`delete from agent_activity_day_total`);
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);
    expect(await snapshot()).toEqual(before);
  });

  it('answers with figures of its own organization only', async () => {
    const other = await server.createOrganization('other');
    const total = (await postGraphQL(server.url, KPIS, { q: { range: { from: '2026-03-01T00:00:00Z', to: '2026-03-05T00:00:00Z' } } }, other.keys.ANALYST)).data.kpis.total;
    expect(total).toMatchObject({ loggedInSeconds: 0, averageAgentsStaffed: 0, staffedCost: null });
  });
});
