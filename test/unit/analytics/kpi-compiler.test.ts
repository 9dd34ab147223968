import { describe, expect, it } from 'vitest';
import { periodBoundaries, Granularity } from '../../../src/platform/calendar';
import { compileKpiQuery, decodeSumRows } from '../../../src/analytics/kpi.compiler';
import { Dimension, type ContactScope, type DimensionColumn, type KpiRequest } from '../../../src/analytics/kpi.request';
import type { SumName } from '../../../src/analytics/metric-catalog';
import { Channel } from '../../../src/warehouse/channels';

/** Which rollup tables and sources the compiled statement of a UTC June by day reads. */
function tables(groupBy: Dimension[], filter: ContactScope = {}, to = '2025-07-01T00:00:00Z') {
  const request: KpiRequest = {
    organizationId: 1,
    from: new Date('2025-06-01T00:00:00Z'),
    to: new Date(to),
    timeZone: 'UTC',
    filter,
    groupBy,
    granularity: Granularity.DAY,
    thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 0 },
    sums: ['offered', 'answered'],
  };
  const boundaries = periodBoundaries(request.from, request.to, Granularity.DAY, 'UTC');
  const { text } = compileKpiQuery(request, { boundaries }).sql;
  return [...text.matchAll(/from (contact\w*) /g)].map((m) => m[1]);
}

describe('compileKpiQuery: rollup grains', () => {
  it("reads the days' totals when the query neither groups nor filters, days without agents when it needs no agent", () => {
    expect(tables([])).toEqual(['contact_rollup_day_total']);
    expect(tables([], { channels: [Channel.VOICE] })).toEqual(['contact_rollup_day_team']);
    expect(tables([Dimension.TEAM, Dimension.CHANNEL, Dimension.QUEUE], { channels: [Channel.VOICE], teamIds: [3], queueIds: [1] })).toEqual([
      'contact_rollup_day_team',
    ]);
  });

  it('reads days by team × agent when the query groups or filters by agent (even by an empty list) and by team at most', () => {
    expect(tables([Dimension.AGENT])).toEqual(['contact_rollup_day_agent']);
    expect(tables([Dimension.TEAM], { agentIds: [7] })).toEqual(['contact_rollup_day_agent']);
    expect(tables([], { agentIds: [] })).toEqual(['contact_rollup_day_agent']);
    expect(tables([Dimension.TEAM, Dimension.AGENT], { teamIds: [3] })).toEqual(['contact_rollup_day_agent']);
  });

  it('reads days with every dimension when the query needs the agent and a channel or queue', () => {
    expect(tables([Dimension.AGENT, Dimension.CHANNEL])).toEqual(['contact_rollup_day']);
    expect(tables([Dimension.AGENT], { queueIds: [1] })).toEqual(['contact_rollup_day']);
    expect(tables([Dimension.QUEUE], { agentIds: [7] })).toEqual(['contact_rollup_day']);
  });

  it('reads the edges of a range from finer grains, without agents when none is needed', () => {
    expect(tables([Dimension.TEAM], {}, '2025-06-03T10:20:00Z')).toEqual(['contact_rollup_day_team', 'contact_rollup_hour_team', 'contact_rollup_team', 'contact']);
    expect(tables([Dimension.AGENT], {}, '2025-06-03T10:20:00Z')).toEqual(['contact_rollup_day_agent', 'contact_rollup_hour_agent', 'contact']);
    expect(tables([Dimension.AGENT, Dimension.QUEUE], {}, '2025-06-03T10:20:00Z')).toEqual(['contact_rollup_day', 'contact']);
  });
});

describe(decodeSumRows.name, () => {
  const query = { sums: ['offered', 'handled'] as SumName[], dims: ['channel', 'agent_id'] as DimensionColumn[] };

  it('reads each row by position, a missing dimension as null, and adds the rows up as the total', () => {
    const { rows, total } = decodeSumRows('[[1,"VOICE",7,3,2],[2,null,null,1.5e3,0],[2,"CHAT",7,-1,4]]', query);
    expect(rows).toEqual([
      { period: 1, channel: Channel.VOICE, queueId: null, teamId: null, agentId: 7, isTotal: false, sums: { offered: 3, handled: 2 } },
      { period: 2, channel: null, queueId: null, teamId: null, agentId: null, isTotal: false, sums: { offered: 1500, handled: 0 } },
      { period: 2, channel: Channel.CHAT, queueId: null, teamId: null, agentId: 7, isTotal: false, sums: { offered: -1, handled: 4 } },
    ]);
    expect(total).toEqual({ period: null, channel: null, queueId: null, teamId: null, agentId: null, isTotal: true, sums: { offered: 1502, handled: 6 } });
  });

  it('answers no rows and a total of zeros for an empty answer', () => {
    expect(decodeSumRows('[]', query)).toEqual({
      rows: [],
      total: { period: null, channel: null, queueId: null, teamId: null, agentId: null, isTotal: true, sums: { offered: 0, handled: 0 } },
    });
  });
});
