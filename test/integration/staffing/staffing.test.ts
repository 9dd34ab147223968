import { describe, expect, it } from 'vitest';
import { expectedStaffing } from '../../support/erlang-reference';
import { useTestServer } from '../../support/server';

const CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created } }`;
const STAFFING = `query($q: StaffingQuery!) { staffing(query: $q) {
  periodStart periodEnd offered averageHandleTime trafficErlangs requiredAgents requiredStaff
  expectedServiceLevel expectedAverageSpeedOfAnswer expectedOccupancy staffedAgents gap } }`;

/** `n` answered inbound contacts spread over [start, start + 30 min), each handled for `aht` seconds. */
function contacts(prefix: string, start: string, n: number, aht: number, queue = 'care') {
  return Array.from({ length: n }, (_, i) => {
    const offered = Date.parse(start) + Math.floor((i * 1800_000) / n);
    return {
      externalId: `${prefix}-${i}`,
      channel: 'VOICE',
      queue,
      agent: `agent-${i % 10}`,
      team: 'north',
      offeredAt: new Date(offered).toISOString(),
      answeredAt: new Date(offered + 5_000).toISOString(),
      endedAt: new Date(offered + 5_000 + (aht - 30) * 1000).toISOString(),
      talkSeconds: aht - 30,
      afterContactWorkSeconds: 30,
    };
  });
}

const close = (actual: Record<string, unknown>, wanted: Record<string, number | null>) => {
  for (const [name, value] of Object.entries(wanted)) {
    if (value === null) expect(actual[name], name).toBeNull();
    else expect(actual[name] as number, name).toBeCloseTo(value, 9);
  }
};

describe('staffing', () => {
  const server = useTestServer();
  const zone = 'Europe/Berlin';

  it('loads four Mondays of volume and the staffed agents of the first', async () => {
    const batches = [
      contacts('jun01-0900', '2026-06-01T07:00:00Z', 100, 180), // Monday 1 June, 09:00 Berlin
      contacts('jun01-0930', '2026-06-01T07:30:00Z', 50, 240),
      contacts('may25-0900', '2026-05-25T07:00:00Z', 60, 240),
      contacts('may18-0900', '2026-05-18T07:00:00Z', 20, 120, 'sales'),
    ];
    for (const batch of batches) expect((await server.gql(CONTACTS, { c: batch }, server.org.keys.INGEST)).errors).toBeUndefined();
    // 15 agents logged in from 09:00 to 09:30, 12 of them in team north; 6 for half of 09:30–10:00.
    const activity = Array.from({ length: 15 }, (_, i) =>
      ['2026-06-01T07:00:00Z', '2026-06-01T07:15:00Z', ...(i < 6 ? ['2026-06-01T07:30:00Z'] : [])].map((intervalStart) => ({
        agent: `agent-${i}`,
        team: i < 12 ? 'north' : 'south',
        intervalStart,
        loggedInSeconds: 900,
        availableSeconds: 200,
        handlingSeconds: 600,
        notReadySeconds: 100,
      })),
    ).flat();
    expect((await server.gql(ACTIVITY, { a: activity }, server.org.keys.INGEST)).errors).toBeUndefined();
  });

  it('reproduces the worked example: 100 contacts in 30 minutes at AHT 180 s, 80/20 → 14 agents, 20 staff', async () => {
    const result = await server.gql(STAFFING, { q: { range: { from: '2026-06-01T07:00:00Z', to: '2026-06-01T08:30:00Z' }, timeZone: zone } });
    expect(result.errors).toBeUndefined();
    const [nine, half, ten] = result.data.staffing;
    expect(nine).toMatchObject({ periodStart: '2026-06-01T07:00:00.000Z', periodEnd: '2026-06-01T07:30:00.000Z', offered: 100, requiredAgents: 14, requiredStaff: 20 });
    expect(nine.averageHandleTime).toBeCloseTo(180, 9);
    expect(nine.trafficErlangs).toBeCloseTo(10, 9);
    expect(nine.expectedServiceLevel).toBeCloseTo(0.888, 3);
    expect(nine.expectedAverageSpeedOfAnswer).toBeCloseTo(7.84, 2);
    expect(nine.expectedOccupancy).toBeCloseTo(0.714, 3);
    close(nine, { ...expectedStaffing(100, 180, 1800), staffedAgents: 15, gap: 15 - 20 });

    const halfExpected = expectedStaffing(50, 240, 1800);
    close(half, { offered: 50, averageHandleTime: 240, ...halfExpected, staffedAgents: 3, gap: 3 - halfExpected.requiredStaff });
    // An interval without contacts needs nobody; those logged in are all surplus.
    expect(ten).toEqual({
      periodStart: '2026-06-01T08:00:00.000Z', periodEnd: '2026-06-01T08:30:00.000Z', offered: 0, averageHandleTime: null, trafficErlangs: 0,
      requiredAgents: 0, requiredStaff: 0, expectedServiceLevel: null, expectedAverageSpeedOfAnswer: null, expectedOccupancy: null,
      staffedAgents: 0, gap: 0,
    });
  });

  it('honours interval length, target, threshold, shrinkage and the occupancy cap', async () => {
    const range = { from: '2026-06-01T07:00:00Z', to: '2026-06-01T08:00:00Z' };
    const hour = (await server.gql(STAFFING, { q: { range, timeZone: zone, intervalMinutes: 60, targetServiceLevel: 0.9, thresholdSeconds: 30, shrinkage: 0.35 } })).data.staffing;
    expect(hour).toHaveLength(1);
    const aht = (100 * 180 + 50 * 240) / 150;
    close(hour[0], { offered: 150, averageHandleTime: aht, ...expectedStaffing(150, aht, 3600, 0.9, 30, 0.35), staffedAgents: (15 * 1800 + 6 * 900) / 3600 });

    const capped = (await server.gql(STAFFING, { q: { range, timeZone: zone, maxOccupancy: 0.7 } })).data.staffing;
    close(capped[0], expectedStaffing(100, 180, 1800, 0.8, 20, 0.3, 0.7));
    expect(capped[0].requiredAgents).toBe(15); // ceil(10 / 0.7): the cap, not the service level, decides
  });

  it('forecasts from the same weekday and interval of previous weeks: mean volume, pooled AHT', async () => {
    const q = { range: { from: '2026-06-08T07:00:00Z', to: '2026-06-08T07:30:00Z' }, timeZone: zone, source: 'FORECAST' };
    const [monday] = (await server.gql(STAFFING, { q })).data.staffing;
    // 1 June 100 × 180 s, 25 May 60 × 240 s, 18 May 20 × 120 s, 11 May none.
    const aht = (100 * 180 + 60 * 240 + 20 * 120) / 180;
    close(monday, { offered: 180 / 4, averageHandleTime: aht, ...expectedStaffing(45, aht, 1800), staffedAgents: 0 });
    const [twoWeeks] = (await server.gql(STAFFING, { q: { ...q, weeksOfHistory: 2 } })).data.staffing;
    close(twoWeeks, { offered: 80, averageHandleTime: (100 * 180 + 60 * 240) / 160 });
    // Five at once (two compute, the others wait their turn): each answers as one alone.
    const together = await Promise.all([1, 2, 3, 4, 5].map((weeksOfHistory) => server.gql(STAFFING, { q: { ...q, weeksOfHistory } })));
    const alone = [];
    for (const weeksOfHistory of [1, 2, 3, 4, 5]) alone.push(await server.gql(STAFFING, { q: { ...q, weeksOfHistory } }));
    expect(together).toEqual(alone);
    expect(together[1]!.data.staffing).toEqual([twoWeeks]);
  });

  it('counts staffed agents of the filtered teams, and none under a queue filter (activity has no queue)', async () => {
    const ids = async (table: string, key: string) =>
      (await server.db.orm.em.fork().getConnection().execute(`select id from ${table} where key = ?`, [key]))[0].id as number;
    const range = { from: '2026-06-01T07:00:00Z', to: '2026-06-01T07:30:00Z' };
    const north = (await server.gql(STAFFING, { q: { range, filter: { teamIds: [await ids('team', 'north')] } } })).data.staffing[0];
    expect(north).toMatchObject({ offered: 100, staffedAgents: 12, gap: 12 - 20 });
    const care = (await server.gql(STAFFING, { q: { range, filter: { queueIds: [await ids('queue', 'care')] } } })).data.staffing[0];
    expect(care).toMatchObject({ offered: 100, requiredStaff: 20, staffedAgents: null, gap: null });
  });

  it('refuses bad arguments, naming each', async () => {
    const result = await server.gql(STAFFING, {
      q: { range: { from: '2026-06-01T07:00:00Z', to: '2026-06-01T08:00:00Z' }, intervalMinutes: 20, targetServiceLevel: 1, shrinkage: 1, maxOccupancy: 0, weeksOfHistory: 0, thresholdSeconds: -1 },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([
      'intervalMinutes UNSUPPORTED_INTERVAL',
      'targetServiceLevel OUT_OF_RANGE',
      'thresholdSeconds NEGATIVE',
      'shrinkage OUT_OF_RANGE',
      'maxOccupancy OUT_OF_RANGE',
      'weeksOfHistory OUT_OF_RANGE',
    ]);
    const long = await server.gql(STAFFING, { q: { range: { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, intervalMinutes: 15 } });
    expect(long.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual(['range TOO_MANY_INTERVALS']);
  });
});
