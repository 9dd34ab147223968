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
});
