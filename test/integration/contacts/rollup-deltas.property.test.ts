import { describe, expect, it } from 'vitest';
import { ACTIVITY_FACT, CONTACT_FACT } from '../../../src/warehouse/facts';
import { rebuildOrganizationFacts } from '../../../src/warehouse/rebuild';
import { random } from '../../support/random';
import { useTestServer } from '../../support/server';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated unchanged } }`;
const RECORD_ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created updated } }`;
const SET_COST = `mutation($i: AgentCostInput!) { setHourlyCost(input: $i) }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { id } }`;

/**
 * Random batches of new contacts and of corrections that move contacts across
 * quarter hours, days, queues, agents, customers, directions and outcomes, with
 * survey invitations in between: after every round, each rollup kept by additive
 * deltas must equal the rollup rebuilt from scratch, row for row, and so must FCR.
 * Agent activity likewise: records re-sent with other figures and teams, and
 * hourly costs set in between.
 */
describe('rollups kept by deltas', () => {
  const server = useTestServer();
  const db = () => server.db.orm.em.fork().getConnection();

  const snapshot = async () => {
    const tables: Record<string, unknown[]> = {
      fcr: await db().execute('select external_id, first_contact_resolved from contact order by external_id'),
    };
    for (const rollup of [...CONTACT_FACT.rollups, ...ACTIVITY_FACT.rollups]) {
      const columns = ['bucket', ...rollup.keys.map((k) => k.column), ...Object.keys(rollup.sums)];
      tables[rollup.table] = await db().execute(
        `select ${columns.join(', ')} from ${rollup.table} order by ${['bucket', ...rollup.keys.map((k) => k.column)].join(', ')}`,
      );
    }
    return tables;
  };

  it('equal a rebuild from scratch after random inserts and corrections', async () => {
    // Kolkata's days start at 18:30 UTC: the local-day rollups follow quarter hours, not hours.
    expect((await server.gql(`mutation { setReportingTimeZone(timeZone: "Asia/Kolkata") { reportingTimeZone } }`)).errors).toBeUndefined();
    const next = random(16);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    const start = Date.parse('2026-03-10T00:00:00Z');
    const stored = new Map<string, Record<string, unknown>>();
    const draw = (externalId: string) => {
      const offered = start + Math.floor(next() * 6 * 24 * 4) * 900_000 + Math.floor(next() * 900) * 1000;
      const answered = next() < 0.8;
      const wait = Math.floor(next() * 90);
      const agent = answered ? pick(['a1', 'a2', 'a3', null]) : null;
      return {
        externalId,
        channel: pick(['VOICE', 'CHAT', 'EMAIL']),
        direction: next() < 0.9 ? 'INBOUND' : 'OUTBOUND',
        queue: pick(['q1', 'q2']),
        team: agent && next() < 0.7 ? pick(['t1', 't2']) : null,
        agent,
        customerRef: next() < 0.9 ? pick(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) : null,
        offeredAt: new Date(offered).toISOString(),
        answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
        endedAt: new Date(offered + wait * 1000 + (answered ? 120_000 : 0)).toISOString(),
        talkSeconds: answered ? 100 + Math.floor(next() * 200) : 0,
        // Handle time is talk + hold + ACW: a correction that changes only hold or ACW moves a contact in the handle distribution.
        holdSeconds: answered && next() < 0.3 ? Math.floor(next() * 60) : 0,
        afterContactWorkSeconds: answered ? Math.floor(next() * 40) : 0,
        transfers: next() < 0.1 ? 1 : 0,
        resolved: answered ? next() < 0.5 : null,
      };
    };

    let serial = 0;
    for (let round = 0; round < 6; round++) {
      const batch: Array<Record<string, unknown>> = [];
      const ids = new Set<string>();
      // New contacts, corrections of stored ones (some moved a day or more), and unchanged re-sends.
      for (let i = 0; i < 60; i++) {
        const roll = next();
        if (roll < 0.5 || stored.size === 0) batch.push(draw(`p-${serial++}`));
        else {
          const externalId = pick([...stored.keys()]);
          if (ids.has(externalId)) continue;
          batch.push(roll < 0.9 ? draw(externalId) : stored.get(externalId)!);
        }
        ids.add(batch[batch.length - 1]!.externalId as string);
      }
      const res = await server.gql(RECORD, { c: batch });
      expect(res.errors).toBeUndefined();
      for (const c of batch) stored.set(c.externalId as string, c);
      // Activity records, some re-sent with another team or other figures, and a cost now and then.
      const activity = Array.from({ length: 40 }, () => {
        const loggedIn = pick([0, 300, 900]);
        const handling = Math.floor(next() * (loggedIn + 1));
        return {
          agent: pick(['a1', 'a2', 'a3', 'a4']),
          team: pick(['t1', 't2', null]),
          intervalStart: new Date(start + Math.floor(next() * 3 * 24 * 4) * 900_000).toISOString(),
          loggedInSeconds: loggedIn,
          handlingSeconds: handling,
          availableSeconds: loggedIn - handling,
          notReadySeconds: 0,
        };
      }).filter((a, i, all) => all.findIndex((b) => b.agent === a.agent && b.intervalStart === a.intervalStart) === i);
      expect((await server.gql(RECORD_ACTIVITY, { a: activity })).errors).toBeUndefined();
      if (next() < 0.5) {
        const cost = { hourlyCost: 10 + Math.floor(next() * 30), effectiveFrom: new Date(start + Math.floor(next() * 3) * 86_400_000).toISOString() };
        const subject = next() < 0.5 ? { agent: pick(['a1', 'a2', 'a3', 'a4']) } : { team: pick(['t1', 't2']) };
        expect((await server.gql(SET_COST, { i: { ...subject, ...cost } })).errors).toBeUndefined();
      }
      // Invitations change survey tallies, which the rollups sum too.
      const invited = [...stored.keys()].filter(() => next() < 0.1);
      if (invited.length) expect((await server.gql(INVITE, { ids: invited })).errors).toBeUndefined();

      const incremental = await snapshot();
      expect((incremental.contact_rollup_team as unknown[]).length).toBeGreaterThan(0);
      expect((incremental.contact_rollup_local_day_agent as unknown[]).length).toBeGreaterThan(0);
      expect((incremental.contact_handle_rollup as unknown[]).length).toBeGreaterThan(0);
      expect((incremental.agent_activity_local_day as unknown[]).length).toBeGreaterThan(0);
      await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);
      expect(await snapshot()).toEqual(incremental);
    }
    // Some groups emptied by corrections were deleted, not left with zeros.
    for (const table of ['contact_rollup_team', 'contact_rollup_hour_agent', 'contact_wait_rollup', 'contact_handle_rollup']) {
      const zeros = await db().execute(`select count(*)::int as n from ${table} where contacts = 0`);
      expect([table, zeros[0].n]).toEqual([table, 0]);
    }
    const empty = await db().execute(`select count(*)::int as n from agent_activity_hour where records = 0`);
    expect(empty[0].n).toBe(0);
  });

  it('writes a batch\'s own FCR flags against the batch and the stored contacts it does not replace', async () => {
    const contact = (externalId: string, offeredAt: string) => ({
      externalId, channel: 'VOICE', direction: 'INBOUND', queue: 'q1', customerRef: 'fcr-z', offeredAt,
      answeredAt: offeredAt, endedAt: new Date(Date.parse(offeredAt) + 60_000).toISOString(), talkSeconds: 60, resolved: true,
    });
    expect((await server.gql(RECORD, { c: [contact('fcr-a', '2026-05-01T10:00:00Z')] })).errors).toBeUndefined();
    // b comes before a's stored version, which the same batch moves 9 days later: b's next contact is 9 days on.
    // c and d share one instant: neither is the other's next contact.
    const batch = [
      contact('fcr-b', '2026-05-01T09:00:00Z'), contact('fcr-a', '2026-05-10T10:00:00Z'),
      contact('fcr-c', '2026-06-01T10:00:00Z'), contact('fcr-d', '2026-06-01T10:00:00Z'),
    ];
    expect((await server.gql(RECORD, { c: batch })).errors).toBeUndefined();
    const flags = async () =>
      db().execute(`select external_id, first_contact_resolved as fcr from contact where customer_ref = 'fcr-z' order by external_id`);
    expect(await flags()).toEqual([
      { external_id: 'fcr-a', fcr: true }, { external_id: 'fcr-b', fcr: true },
      { external_id: 'fcr-c', fcr: true }, { external_id: 'fcr-d', fcr: true },
    ]);
    const incremental = await snapshot();
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);
    expect(await snapshot()).toEqual(incremental);
  });
});
