import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) {
  rows { periodStart periodEnd channel queue { key } team { key } agent { key }
    offered answered abandoned shortAbandoned handled answeredWithinThreshold answerRate abandonRate serviceLevel
    averageSpeedOfAnswer averageHandleTime averageTalkTime averageHoldTime averageAfterContactWork transferRate firstContactResolutionRate }
  total { offered answered abandoned shortAbandoned handled answeredWithinThreshold serviceLevel averageSpeedOfAnswer averageHandleTime firstContactResolutionRate }
} }`;

let n = 0;
/** A contact offered at `at`, waiting `wait` seconds; answered unless `abandon`. */
function contact(at: string, wait: number, o: Record<string, unknown> = {}) {
  const offered = new Date(at);
  const answered = o.abandon ? null : new Date(offered.getTime() + wait * 1000);
  const talk = (o.talk as number) ?? 100;
  const ended = new Date((answered ?? offered).getTime() + (answered ? talk * 1000 : wait * 1000));
  const { abandon, talk: _talk, ...rest } = o;
  return {
    externalId: `k-${++n}`,
    channel: 'VOICE',
    queue: 'billing',
    team: answered ? 'north' : null,
    agent: answered ? 'ann' : null,
    offeredAt: offered.toISOString(),
    answeredAt: answered?.toISOString() ?? null,
    endedAt: ended.toISOString(),
    talkSeconds: answered ? talk : 0,
    ...rest,
  };
}

describe('kpis', () => {
  const server = useTestServer();

  it('computes every call KPI of a small day exactly', async () => {
    // 2026-02-02 (Monday), all INBOUND VOICE billing unless said:
    //  a: answered after 10 s, talk 100, hold 20, ACW 30, 1 transfer, customer X
    //  b: answered after 30 s, talk 200, customer X again 2 days later → a is not FCR, b is
    //  c: abandoned after 40 s; d: abandoned after 3 s (short with S = 5)
    //  e: OUTBOUND answered, talk 50 (handled but not offered)
    const contacts = [
      contact('2026-02-02T09:00:00Z', 10, { holdSeconds: 20, afterContactWorkSeconds: 30, transfers: 1, customerRef: 'X' }),
      contact('2026-02-04T09:00:00Z', 30, { talk: 200, customerRef: 'X' }),
      contact('2026-02-02T09:20:00Z', 40, { abandon: true }),
      contact('2026-02-02T09:40:07Z', 3, { abandon: true }),
      contact('2026-02-02T10:00:00Z', 0, { talk: 50, direction: 'OUTBOUND' }),
    ];
    expect((await server.gql(RECORD, { c: contacts })).errors).toBeUndefined();
    const res = await server.gql(KPIS, {
      q: { range: { from: '2026-02-01T00:00:00Z', to: '2026-02-08T00:00:00Z' }, shortAbandonSeconds: 5, granularity: 'DAY' },
    });
    expect(res.errors).toBeUndefined();
    const total = res.data.kpis.total;
    // offered 4 inbound; answered 2; abandoned 1 (40 s); short 1 (3 s); qualifying 3
    expect(total).toMatchObject({ offered: 4, answered: 2, abandoned: 1, shortAbandoned: 1, handled: 3, answeredWithinThreshold: 1 });
    expect(total.serviceLevel).toBeCloseTo(1 / 3, 12);
    expect(total.averageSpeedOfAnswer).toBe(20); // (10 + 30) / 2
    expect(total.averageHandleTime).toBeCloseTo((100 + 20 + 30 + 200 + 50) / 3, 12);
    expect(total.firstContactResolutionRate).toBe(0.5); // a repeats within 7 days, b does not
    expect(res.data.kpis.rows.map((r: any) => [r.periodStart, r.offered])).toEqual([
      ['2026-02-02T00:00:00.000Z', 3],
      ['2026-02-04T00:00:00.000Z', 1],
    ]);
  });

  it('compares every row with the same group in the preceding period (compareWithPrevious)', async () => {
    // Europe/Berlin months. cmp-ann: 2 in December, 1 in January; cmp-bob: 1 in January, 3 in February; cmp-cy only in February.
    const at = (iso: string, agent: string) => contact(iso, 5, { agent, team: 'cmp', queue: 'cmp' });
    const contacts = [
      at('2025-12-01T08:00:00Z', 'cmp-ann'), at('2025-12-31T22:30:00Z', 'cmp-ann'), // 23:30 on 31 Dec in Berlin
      at('2025-12-31T23:30:00Z', 'cmp-ann'), // 00:30 on 1 January in Berlin
      at('2026-01-10T08:00:00Z', 'cmp-bob'),
      at('2026-02-03T08:00:00Z', 'cmp-bob'), at('2026-02-04T08:00:00Z', 'cmp-bob'), at('2026-02-05T08:00:00Z', 'cmp-bob'),
      at('2026-02-06T08:00:00Z', 'cmp-cy'),
    ];
    expect((await server.gql(RECORD, { c: contacts })).errors).toBeUndefined();
    const res = await server.gql(
      `query($q: KpiQuery!) { kpis(query: $q) {
         rows { periodStart agent { key } offered previous { periodStart periodEnd agent { key } offered answerRate } }
         total { offered previous { offered periodStart } } } }`,
      {
        q: {
          // Cuts January: only from the 5th. Previous periods are whole ones all the same.
          range: { from: '2026-01-05T00:00:00Z', to: '2026-02-28T23:00:00Z' },
          timeZone: 'Europe/Berlin', granularity: 'MONTH', groupBy: ['AGENT'], filter: { queueIds: null }, compareWithPrevious: true,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    const rows = res.data.kpis.rows.filter((r: any) => r.agent?.key?.startsWith('cmp-'));
    const DEC = '2025-11-30T23:00:00.000Z', JAN = '2025-12-31T23:00:00.000Z', FEB = '2026-01-31T23:00:00.000Z';
    expect(rows.map((r: any) => [r.periodStart, r.agent.key, r.offered, r.previous.periodStart, r.previous.offered])).toEqual([
      [JAN, 'cmp-bob', 1, DEC, 0],
      [FEB, 'cmp-bob', 3, JAN, 1],
      [FEB, 'cmp-cy', 1, JAN, 0],
    ]);
    expect(rows[0].previous).toMatchObject({ periodEnd: JAN, agent: { key: 'cmp-bob' }, answerRate: null });
    // The total compares with the preceding range of equal length: [2025-11-10 01:00Z, 2026-01-05) holds ann's three.
    expect(res.data.kpis.total.previous).toEqual({ offered: 3, periodStart: null });
    // ann had nothing in the range (her January contact is before the 5th) but shows through no row.
    expect(rows.some((r: any) => r.agent.key === 'cmp-ann')).toBe(false);
  });
});
