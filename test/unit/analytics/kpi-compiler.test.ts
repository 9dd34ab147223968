import { describe, expect, it } from 'vitest';
import { periodBoundaries, Granularity } from '../../../src/analytics/calendar';
import { compileKpiQuery } from '../../../src/analytics/kpi.compiler';
import { Dimension, type ContactScope, type KpiRequest } from '../../../src/analytics/kpi.request';
import { Channel } from '../../../src/contacts/contact.entity';

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
  it('reads days without agents when the query neither groups nor filters by agent', () => {
    expect(tables([])).toEqual(['contact_rollup_day_team']);
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

  it('reads the edges of a range from finer grains, which keep every dimension', () => {
    expect(tables([Dimension.TEAM], {}, '2025-06-03T10:20:00Z')).toEqual(['contact_rollup_day_team', 'contact_rollup_hour', 'contact_rollup', 'contact']);
  });
});
