import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const COACHING = `query($q: KpiQuery!, $t: [SlaTargetInput!]!, $min: Int) { coachingList(query: $q, targets: $t, minHandled: $min) {
  agent { key } row { handled averageHandleTime averageSpeedOfAnswer } misses { metric actual target status weight } examples { externalId waitSeconds talkSeconds } } }`;

interface Call { externalId: string; agent: string; wait: number; talk: number }
/** ann: long calls; bob: long waits; cy: only 5 calls, both. */
const calls: Call[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ externalId: `ann-${i}`, agent: 'ann', wait: 10, talk: 400 + i * 10 })),
  ...Array.from({ length: 30 }, (_, i) => ({ externalId: `bob-${i}`, agent: 'bob', wait: 20 + i * 2, talk: 200 })),
  ...Array.from({ length: 5 }, (_, i) => ({ externalId: `cy-${i}`, agent: 'cy', wait: 90, talk: 900 })),
];
const TARGETS = [
  { metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 30, weight: 1 },
  { metric: 'averageHandleTime', comparator: 'AT_MOST', target: 400, weight: 2 },
];
const Q = { range: { from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } };
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('coachingList', () => {
  const server = useTestServer();

  it('lists the agents with enough contacts who miss targets, heaviest misses first, with the contacts behind them', async () => {
    const contacts = calls.map((c, i) => {
      const offered = Date.parse('2026-05-04T08:00:00Z') + i * 600_000;
      return {
        externalId: c.externalId, channel: 'VOICE', queue: 'care', team: 'north', agent: c.agent,
        offeredAt: new Date(offered).toISOString(), answeredAt: new Date(offered + c.wait * 1000).toISOString(),
        endedAt: new Date(offered + (c.wait + c.talk) * 1000).toISOString(), talkSeconds: c.talk,
      };
    });
    expect((await server.gql(RECORD, { c: contacts }, server.org.keys.INGEST)).errors).toBeUndefined();

    const res = await server.gql(COACHING, { q: Q, t: TARGETS }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const list = res.data.coachingList;
    expect(list.map((e: any) => e.agent.key)).toEqual(['ann', 'bob']); // cy handled 5 < 20
    const [ann, bob] = list;
    const own = (agent: string) => calls.filter((c) => c.agent === agent);
    expect(ann.row.handled).toBe(30);
    expect(ann.row.averageHandleTime).toBeCloseTo(mean(own('ann').map((c) => c.talk)), 9);
    expect(ann.misses).toEqual([{ metric: 'averageHandleTime', actual: ann.row.averageHandleTime, target: 400, status: 'BREACHED', weight: 2 }]);
    expect(ann.examples.map((e: any) => e.externalId)).toEqual(['ann-29', 'ann-28', 'ann-27', 'ann-26', 'ann-25']); // longest handle times
    expect(bob.misses.map((m: any) => m.metric)).toEqual(['averageSpeedOfAnswer']);
    expect(bob.row.averageSpeedOfAnswer).toBeCloseTo(mean(own('bob').map((c) => c.wait)), 9);
    expect(bob.examples.map((e: any) => e.externalId)).toEqual(['bob-29', 'bob-28', 'bob-27', 'bob-26', 'bob-25']); // longest waits

    // minHandled 0: cy misses both (weight 3) and comes first.
    const all = (await server.gql(COACHING, { q: Q, t: TARGETS, min: 0 }, server.org.keys.ANALYST)).data.coachingList;
    expect(all.map((e: any) => e.agent.key)).toEqual(['cy', 'ann', 'bob']);
    expect(all[0].misses.map((m: any) => m.metric)).toEqual(['averageHandleTime', 'averageSpeedOfAnswer']);
  });

  it('refuses what it cannot judge, naming the field', async () => {
    const problems = async (variables: Record<string, unknown>) =>
      ((await server.gql(COACHING, variables, server.org.keys.ANALYST)).errors?.[0]?.extensions?.problems ?? []).map((p: any) => `${p.field} ${p.rule}`);
    expect(await problems({ q: Q, t: [] })).toEqual(['targets REQUIRED']);
    expect(await problems({ q: Q, t: [{ metric: 'happiness', comparator: 'AT_LEAST', target: 1 }], min: -1 })).toEqual([
      'targets[0].metric UNKNOWN_METRIC',
      'minHandled NEGATIVE',
    ]);
    expect(await problems({ q: { ...Q, granularity: 'DAY' }, t: TARGETS })).toEqual(['query UNSUPPORTED']);
  });
});
