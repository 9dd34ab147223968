import { describe, expect, it } from 'vitest';
import { Granularity } from '../../../src/platform/calendar';
import { Dimension } from '../../../src/analytics/kpi.request';
import { KpiService } from '../../../src/analytics/kpi.service';
import { createDirectoryLoaders } from '../../../src/org/directory.loaders';
import { useTestServer } from '../../support/server';
import { isBackgroundStatement, withStatements } from '../../support/statements';

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart agent { key team { key } } team { key } offered serviceLevel } total { offered } } }`;
const range = { from: '2026-06-01T00:00:00Z', to: '2026-06-11T00:00:00Z' };

/** One answered call per agent per day: 50 agents in 5 teams × 10 days = 500 (day, agent) groups. */
function contacts() {
  return Array.from({ length: 500 }, (_, i) => {
    const day = Math.floor(i / 50);
    const offered = new Date(Date.parse(range.from) + day * 86_400_000 + 9 * 3_600_000 + (i % 50) * 60_000);
    return {
      externalId: `grid-${i}`,
      channel: 'VOICE',
      queue: 'sales',
      agent: `agent-${String(i % 50).padStart(2, '0')}`,
      team: `team-${i % 5}`,
      offeredAt: offered.toISOString(),
      answeredAt: new Date(offered.getTime() + 15_000).toISOString(),
      endedAt: new Date(offered.getTime() + 200_000).toISOString(),
      talkSeconds: 185,
    };
  });
}

describe('kpis contract', () => {
  const server = useTestServer();
  const ask = (q: Record<string, unknown>) => server.gql(KPIS, { q: { range, ...q } });

  describe('drill-down cost', () => {
    it('answers a 500-row drill-down with the same number of SQL statements as a 10-row one', async () => {
      expect((await server.gql(RECORD, { c: contacts() })).data.recordContacts.created).toBe(500);
      await server.settled(); // the batch's detached handlers (survey auto-invite) issue no statement during the count
      async function statementsFor(q: Record<string, unknown>) {
        const { result: res, statements } = await withStatements(() => ask(q));
        expect(res.errors).toBeUndefined();
        const own = statements.filter((text) => !isBackgroundStatement(text));
        return { rows: res.data.kpis.rows.length, statements: own.length, texts: own.map((text) => text.slice(0, 80)) };
      }
      const small = await statementsFor({ groupBy: ['AGENT'], granularity: 'DAY', filter: { channels: ['VOICE'] }, timeZone: 'UTC', serviceLevelThresholdSeconds: 20, ...{ range: { from: range.from, to: '2026-06-01T09:10:00Z' } } });
      const big = await statementsFor({ groupBy: ['AGENT', 'TEAM'], granularity: 'DAY' });
      expect(small.rows).toBe(10);
      expect(big.rows).toBe(500);
      // The KPI statement, then one batch each for agents and teams (the API key: looked up or remembered).
      expect(big.statements, `${big.texts.join('\n')}\n--- vs ---\n${small.texts.join('\n')}`).toBe(small.statements);
      expect(big.statements).toBeLessThanOrEqual(4);
    });

    it('orders rows by period, then by the grouped keys', async () => {
      const res = await ask({ groupBy: ['TEAM', 'AGENT'], granularity: 'DAY' });
      const keys = res.data.kpis.rows.map((r: any) => `${r.periodStart}|${r.team.key}|${r.agent.key}`);
      expect(keys).toEqual([...keys].sort());
      expect(res.data.kpis.rows[0]).toMatchObject({ team: { key: 'team-0' }, agent: { key: 'agent-00' }, offered: 1, serviceLevel: 1 });
      expect(res.data.kpis.total.offered).toBe(500);
    });
  });

  it('answers a report that selects no metric at all (only periods and dimensions)', async () => {
    const res = await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { rows { periodStart team { key } } total { periodStart } } }`, {
      q: { range, groupBy: ['TEAM'], granularity: 'WEEK' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.kpis.rows).toHaveLength(10); // 2 ISO weeks × 5 teams
    expect(res.data.kpis.total).toEqual({ periodStart: null });
  });

  describe('validation', () => {
    const codeAndMessage = async (q: Record<string, unknown>) => {
      const res = await ask(q);
      expect(res.data).toBeNull();
      return [res.errors![0].extensions!.code, res.errors![0].message];
    };

    it('refuses a reversed or empty range', async () => {
      const [code, message] = await codeAndMessage({ range: { from: range.to, to: range.from } });
      expect(code).toBe('BAD_USER_INPUT');
      expect(message).toMatch(/^range:/);
      expect((await codeAndMessage({ range: { from: range.from, to: range.from } }))[1]).toMatch(/^range:/);
    });

    it('refuses an unknown time zone, naming it', async () => {
      const [code, message] = await codeAndMessage({ timeZone: 'Mars/Olympus' });
      expect(code).toBe('BAD_USER_INPUT');
      expect(message).toMatch(/^timeZone: "Mars\/Olympus"/);
    });

    it('refuses negative thresholds', async () => {
      expect(await codeAndMessage({ serviceLevelThresholdSeconds: -1 })).toEqual(['BAD_USER_INPUT', expect.stringMatching(/^serviceLevelThresholdSeconds:/)]);
      expect(await codeAndMessage({ shortAbandonSeconds: -5 })).toEqual(['BAD_USER_INPUT', expect.stringMatching(/^shortAbandonSeconds:/)]);
    });

    it('refuses more than 10,000 periods and suggests a coarser granularity', async () => {
      const [code, message] = await codeAndMessage({ range: { from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z' }, granularity: 'FIFTEEN_MINUTES' });
      expect(code).toBe('BAD_USER_INPUT');
      expect(message).toMatch(/^granularity: more than 10000 periods; use granularity HOUR or coarser/);
    });

    it('refuses a report with more rows than the limit and says which granularity would fit', async () => {
      // The same check as the 10,000-row limit, with a limit of 100 so the fixture stays small:
      // 500 (day, agent) rows over 10 days, 50 per day → only WEEK (2 weeks × 50 = 100) fits.
      const service = new KpiService(server.db.orm.em.fork(), createDirectoryLoaders(server.db.orm.em.fork(), async () => server.org.id));
      const ask = { organizationId: server.org.id, from: new Date(range.from), to: new Date(range.to), groupBy: [Dimension.AGENT], granularity: Granularity.DAY, fields: ['offered'] };
      await expect(service.report(ask, { maxRows: 100 })).rejects.toMatchObject({
        message: 'granularity: the report would have 500 rows, more than 100; use granularity WEEK or coarser, or a shorter range',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect((await service.report(ask, { maxRows: 500 })).rows).toHaveLength(500);
    });

    it('refuses a filter id that is not an id', async () => {
      const [code, message] = await codeAndMessage({ filter: { queueIds: ['abc'] } });
      expect(code).toBe('BAD_USER_INPUT');
      expect(message).toMatch(/query\.filter\.queueIds\[0\]/);
    });
  });
});
