import { afterAll, describe, expect, it } from 'vitest';
import { openLiveClient, type LiveClient, type LiveSubscription } from '../../support/live-client';
import { useTestServer } from '../../support/server';
import { withStatements } from '../../support/statements';

/**
 * Wallboards showing the same report share its reads: after a write, the server
 * reads each distinct report once, however many subscriptions show it, and
 * every one of them gets the report `kpis` gives.
 */

const server = useTestServer();

const FIELDS = 'rows { periodStart queue { key } offered answered serviceLevel } total { offered answered }';
const LIVE = `subscription($q: KpiQuery!) { liveKpis(query: $q) { ${FIELDS} } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { ${FIELDS} } }`;
const RECORD = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }';
const DAY = { range: { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }, granularity: 'FIFTEEN_MINUTES', groupBy: ['QUEUE'] };
const CARE = { ...DAY, filter: { queueKeys: ['care'] } };

let serial = 0;
const contact = (queue: string, at: string) => ({
  externalId: `shared-${++serial}`, channel: 'VOICE', queue, agent: 'ann',
  offeredAt: at, answeredAt: new Date(Date.parse(at) + 10_000).toISOString(), endedAt: new Date(Date.parse(at) + 130_000).toISOString(), talkSeconds: 120,
});

const clients: LiveClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

function subscribe(query: unknown): LiveSubscription<any> {
  const client = openLiveClient(server.url, server.org.keys.ANALYST);
  clients.push(client);
  return client.subscribe(LIVE, { q: query });
}

/** The statements that read a report (not the write's upkeep, not the key lookup): selects from the rollups. */
const reads = (statements: string[]) => statements.filter((s) => /\bfrom\s+"?\w*rollup/i.test(s) && !/^\s*(\/\*.*?\*\/\s*)?(insert|update|delete)/i.test(s));

async function writeAndWait(subs: Array<LiveSubscription<any>>, at: string): Promise<string[]> {
  const counts = subs.map((s) => s.messages.length);
  const { statements } = await withStatements(async () => {
    const answer = await server.gql(RECORD, { c: [contact('care', at)] }, server.org.keys.INGEST);
    expect(answer.errors).toBeUndefined();
    await Promise.all(subs.map((s, i) => s.nth(counts[i]! + 1)));
  });
  return reads(statements);
}

describe('liveKpis: one read per distinct report', () => {
  it('reads each distinct report once per change, however many subscriptions show it', async () => {
    // The queue exists before a wallboard names it (a contact of another week).
    expect((await server.gql(RECORD, { c: [contact('care', '2026-03-10T09:00:00Z')] }, server.org.keys.INGEST)).errors).toBeUndefined();
    const one = [subscribe(DAY), subscribe(CARE)];
    await Promise.all(one.map((s) => s.nth(1)));
    const alone = await writeAndWait(one, '2026-03-02T09:05:00Z');
    expect(alone.length).toBeGreaterThan(0);

    const more = [...one, ...Array.from({ length: 5 }, () => subscribe(DAY)), ...Array.from({ length: 3 }, () => subscribe(CARE))];
    await Promise.all(more.map((s) => s.nth(1)));
    const shared = await writeAndWait(more, '2026-03-02T10:05:00Z');
    expect(shared.length).toBe(alone.length); // 10 subscriptions of 2 reports: the reads of 2

    const [day, care] = [(await server.gql(KPIS, { q: DAY })).data.kpis, (await server.gql(KPIS, { q: CARE })).data.kpis];
    expect(day.total.offered).toBe(2);
    for (const [i, s] of more.entries()) expect(s.messages.at(-1)!.data!.liveKpis).toEqual([0, 2, 3, 4, 5, 6].includes(i) ? day : care);
  });
});
