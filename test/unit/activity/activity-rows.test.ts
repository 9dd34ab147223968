import { describe, expect, it } from 'vitest';
import { activityScope, mergeActivity, overlapSeconds } from '../../../src/analytics/activity-rows';
import { Dimension, type ContactScope, type SumRow } from '../../../src/analytics/kpi.request';
import { Channel } from '../../../src/warehouse/channels';

const at = (s: string) => new Date(s);
const row = (over: Partial<SumRow>): SumRow => ({ period: 1, channel: null, queueId: null, teamId: null, agentId: null, isTotal: false, sums: {}, ...over });

describe(activityScope.name, () => {
  const scope = (groupBy: Dimension[], filter: ContactScope = {}) => activityScope({ groupBy, filter, sums: ['handlingSeconds'] });

  it('applies to rows grouped by team and agent alone, and to the total unless filtered by channel or queue', () => {
    expect(scope([Dimension.TEAM, Dimension.AGENT])).toEqual({ rows: true, total: true });
    expect(scope([Dimension.CHANNEL, Dimension.AGENT])).toEqual({ rows: false, total: true });
    expect(scope([], { agentIds: [1] })).toEqual({ rows: true, total: true });
    expect(scope([Dimension.AGENT], { channels: [Channel.VOICE] })).toEqual({ rows: false, total: false });
    expect(scope([], { queueIds: [] })).toEqual({ rows: false, total: false });
  });

  it('is off when no activity figure is asked for', () => {
    expect(activityScope({ groupBy: [], filter: {}, sums: ['offered', 'handled'] })).toEqual({ rows: false, total: false });
    expect(activityScope({ groupBy: [], filter: {}, sums: ['elapsedSeconds'] })).toEqual({ rows: true, total: true });
  });
});

describe(mergeActivity.name, () => {
  const periods = [at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'), at('2026-03-04T00:00:00Z')];
  const periodOf = (r: SumRow) => (r.isTotal ? { from: periods[0]!, to: periods[2]! } : { from: periods[r.period! - 1]!, to: periods[r.period!]! });
  const range = [{ from: at('2026-03-02T12:00:00Z'), to: at('2026-03-04T00:00:00Z') }];

  it('adds activity to the contact row of the same period, team and agent, and makes rows of activity-only groups', () => {
    const contacts = [row({ agentId: 1, sums: { handled: 3 } }), row({ isTotal: true, period: null, sums: { handled: 3 } })];
    const activity = [
      row({ agentId: 1, sums: { loggedInSeconds: 900 } }),
      row({ period: 2, agentId: 2, sums: { loggedInSeconds: 1800 } }),
      row({ isTotal: true, period: null, sums: { loggedInSeconds: 2700 } }),
    ];
    const merged = mergeActivity(contacts, activity, { rows: true, total: true }, periodOf, range);
    expect(merged).toEqual([
      row({ agentId: 1, sums: { handled: 3, loggedInSeconds: 900, elapsedSeconds: 12 * 3600 } }),
      row({ isTotal: true, period: null, sums: { handled: 3, loggedInSeconds: 2700, elapsedSeconds: 36 * 3600 } }),
      row({ period: 2, agentId: 2, sums: { loggedInSeconds: 1800, elapsedSeconds: 24 * 3600 } }),
    ]);
  });

  it('gives only the total activity when rows are grouped by channel or queue', () => {
    const contacts = [row({ channel: Channel.VOICE, sums: { handled: 1 } }), row({ isTotal: true, period: null, sums: { handled: 1 } })];
    const activity = [row({ sums: { loggedInSeconds: 900 } }), row({ isTotal: true, period: null, sums: { loggedInSeconds: 900 } })];
    const merged = mergeActivity(contacts, activity, { rows: false, total: true }, periodOf, range);
    expect(merged).toEqual([
      row({ channel: Channel.VOICE, sums: { handled: 1 } }),
      row({ isTotal: true, period: null, sums: { handled: 1, loggedInSeconds: 900, elapsedSeconds: 36 * 3600 } }),
    ]);
  });
});

describe(overlapSeconds.name, () => {
  it('sums the parts of a span inside disjoint spans', () => {
    const span = { from: at('2026-03-02T08:00:00Z'), to: at('2026-03-02T18:00:00Z') };
    const windows = [
      { from: at('2026-03-02T06:00:00Z'), to: at('2026-03-02T09:00:00Z') },
      { from: at('2026-03-02T12:00:00Z'), to: at('2026-03-02T13:30:00Z') },
      { from: at('2026-03-02T20:00:00Z'), to: at('2026-03-02T21:00:00Z') },
    ];
    expect(overlapSeconds(span, windows)).toBe(2.5 * 3600);
    expect(overlapSeconds(span, [])).toBe(0);
  });
});
