import { describe, expect, it } from 'vitest';
import { Granularity, periodBoundaries } from '../../../src/platform/calendar';
import { compileActivityQuery, compileKpiQuery } from '../../../src/analytics/kpi.compiler';
import { Dimension, type ContactScope, type KpiRequest } from '../../../src/analytics/kpi.request';
import { Channel } from '../../../src/warehouse/channels';

const request = (over: Partial<KpiRequest> = {}): KpiRequest => ({
  organizationId: 1,
  from: new Date('2025-06-01T00:00:00Z'),
  to: new Date('2025-06-03T10:30:00Z'),
  timeZone: 'UTC',
  filter: {},
  groupBy: [Dimension.AGENT],
  granularity: Granularity.DAY,
  thresholds: { serviceLevelSeconds: 20, shortAbandonSeconds: 0 },
  sums: ['offered', 'loggedInSeconds', 'costSeconds', 'elapsedSeconds'],
  ...over,
});
const compile = (r: KpiRequest) => compileActivityQuery(r, { boundaries: periodBoundaries(r.from, r.to, Granularity.DAY, r.timeZone) });
const sources = (text: string) => [...text.matchAll(/from (\w+) a\b/g)].map((m) => m[1]);

describe(compileActivityQuery.name, () => {
  it('selects the activity sums only, whole UTC days from the day rollup, hours from the hour rollup, the rest from the records', () => {
    const compiled = compile(request());
    expect(compiled.sums).toEqual(['loggedInSeconds', 'costSeconds']);
    expect(sources(compiled.sql.text)).toEqual(['agent_activity_day', 'agent_activity_hour', 'agent_activity']);
    // The contact statement of the same request leaves the activity and calendar sums out.
    expect(compileKpiQuery(request(), { boundaries: [request().from, request().to] }).sums).toEqual(['offered']);
  });

  it('reads quarter hours by team when the query neither groups nor filters by agent, the records otherwise', () => {
    expect(sources(compile(request({ groupBy: [Dimension.TEAM] })).sql.text)).toEqual(['agent_activity_day', 'agent_activity_hour', 'agent_activity_team']);
    expect(sources(compile(request({ groupBy: [], filter: { teamIds: [3] } })).sql.text)).toEqual(['agent_activity_day', 'agent_activity_hour', 'agent_activity_team']);
    // A wallboard's day by 15 minutes: one row per team and quarter hour instead of one per agent.
    const day = request({ groupBy: [], from: new Date('2025-06-02T00:00:00Z'), to: new Date('2025-06-03T00:00:00Z'), granularity: Granularity.FIFTEEN_MINUTES });
    const byQuarterHour = compileActivityQuery(day, { boundaries: periodBoundaries(day.from, day.to, Granularity.FIFTEEN_MINUTES, 'UTC') });
    expect(sources(byQuarterHour.sql.text)).toEqual(['agent_activity_team']);
    expect(sources(compile(request({ groupBy: [], filter: { agentIds: [4] } })).sql.text)).toEqual(['agent_activity_day', 'agent_activity_hour', 'agent_activity']);
  });

  it("reads the days' totals when the query neither groups nor filters: a month's occupancy from one row a day", () => {
    expect(sources(compile(request({ groupBy: [] })).sql.text)).toEqual(['agent_activity_day_total', 'agent_activity_hour', 'agent_activity_team']);
    const berlin = request({ groupBy: [], timeZone: 'Europe/Berlin', from: new Date('2025-05-31T22:00:00Z'), to: new Date('2025-06-02T22:00:00Z') });
    expect(sources(compileActivityQuery(berlin, { boundaries: periodBoundaries(berlin.from, berlin.to, Granularity.DAY, berlin.timeZone), reportingZone: 'Europe/Berlin' }).sql.text)).toEqual([
      'agent_activity_local_day_total',
    ]);
  });

  it('reads hours for days in a zone off UTC, and binds every value', () => {
    const r = request({ timeZone: 'Europe/Berlin', from: new Date('2025-05-31T22:00:00Z'), to: new Date('2025-06-02T22:00:00Z'), filter: { agentIds: [4] } });
    const compiled = compile(r);
    // A Berlin day (22:00Z to 22:00Z) never holds a whole UTC day: 24 hour rows per agent instead.
    expect(sources(compiled.sql.text)).toEqual(['agent_activity_hour']);
    expect(compiled.sql.text).not.toContain('2025-');
    expect(compiled.sql.values).toContain('[4]');
  });

  it('refuses dimensions activity does not have: the caller must leave channel and queue out', () => {
    expect(() => compile(request({ groupBy: [Dimension.CHANNEL] }))).toThrow(/agent activity has no channel/);
    const filter: ContactScope = { queueIds: [1], channels: [Channel.VOICE] };
    expect(() => compile(request({ filter }))).toThrow(/agent activity has no channel, queue_id/);
  });
});
