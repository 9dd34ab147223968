import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_COST, estimateCost, groupsOf, kpiRows, periodCount, staffingPlan, windowOf } from '../../../src/app/cost-model';
import { NO_DIRECTORY, type DirectorySizes } from '../../../src/platform/limits/directory-sizes';
import { buildAppSchema } from '../../../src/app/schema';
import type { GraphQLSchema } from 'graphql';

const CENTER: DirectorySizes = { queues: 12, teams: 10, agents: 200, slaPolicies: 3, slaVersions: 4, slaTargets: 5 };
const MONTH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const DAY = { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' };

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});
const cost = (query: string, variables: Record<string, unknown> = {}, sizes = CENTER) => estimateCost({ schema, document: parse(query), variables, sizes });

describe(periodCount.name, () => {
  it('bounds the periods of a range from above: both ends may be partial', () => {
    expect(periodCount(MONTH.from, MONTH.to, 'DAY')).toBe(32);
    expect(periodCount(MONTH.from, MONTH.to, 'FIFTEEN_MINUTES')).toBe(31 * 96 + 1);
    expect(periodCount(MONTH.from, MONTH.to, null)).toBe(1);
    expect(periodCount(MONTH.to, MONTH.from, 'DAY')).toBe(1);
  });
});

describe(kpiRows.name, () => {
  it('multiplies periods by each dimension\'s groups (plus "none"), at most 10,000 rows', () => {
    expect(kpiRows({ range: MONTH, granularity: 'DAY', groupBy: ['AGENT'] }, CENTER)).toBe(32 * 201);
    expect(kpiRows({ range: MONTH, granularity: 'DAY', groupBy: ['CHANNEL', 'TEAM'] }, CENTER)).toBe(32 * 4 * 11);
    expect(kpiRows({ range: MONTH, granularity: 'HOUR', groupBy: ['AGENT'] }, CENTER)).toBe(10_000);
  });

  it('takes a filter\'s own ids instead of the whole directory', () => {
    expect(groupsOf('AGENT', CENTER, { agentIds: ['1', '2', '3'] })).toBe(3);
    expect(groupsOf('CHANNEL', CENTER, { channels: ['VOICE'] })).toBe(1);
    expect(groupsOf('AGENT', CENTER, { agentIds: ['1'], agentKeys: ['ann', 'bob'] })).toBe(3);
  });

  it('is null for a range of more than 10,000 periods: the service refuses it before any SQL', () => {
    expect(kpiRows({ range: { from: new Date('2024-01-01'), to: new Date('2026-01-01') }, granularity: 'FIFTEEN_MINUTES' }, CENTER)).toBeNull();
  });
});

describe(windowOf.name, () => {
  it('bounds local dates by their UTC days widened by 14 hours each side, and takes a range as it is', () => {
    expect(windowOf({ dates: { from: '2026-03-01', to: '2026-03-31' } })).toEqual({
      from: new Date('2026-02-28T10:00:00Z'),
      to: new Date('2026-04-01T14:00:00Z'),
    });
    expect(windowOf({ range: MONTH })).toBe(MONTH);
    expect(windowOf({})).toBeNull();
    expect(kpiRows({ dates: { from: '2026-03-01', to: '2026-03-31' }, granularity: 'DAY', groupBy: ['AGENT'] }, CENTER)).toBe(34 * 201);
  });
});

describe(staffingPlan.name, () => {
  it('counts one report per week of history for FORECAST', () => {
    const range = { from: new Date(DAY.from), to: new Date(DAY.to) };
    expect(staffingPlan({ range, source: 'FORECAST', weeksOfHistory: 52 })).toEqual({ intervals: 49, statements: 53 });
    expect(staffingPlan({ range })).toEqual({ intervals: 49, statements: 1 });
    expect(staffingPlan({ range, weeksOfHistory: 53 })).toBeNull();
    expect(staffingPlan({ range, intervalMinutes: 20 })).toBeNull();
  });
});

describe(estimateCost.name, () => {
  it('prices kpis as statements × REPORT_COST + rows × fields per row + the total\'s fields', () => {
    const query = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [AGENT], granularity: DAY }) { rows { offered handled agent { name } } total { offered } } }`;
    // kpis: 5,000 + rows field 1 + 6,432 rows × (offered 1 + handled 1 + agent 1 + name 1) + total (1 + offered 1)
    expect(cost(query, { r: { from: MONTH.from.toISOString(), to: MONTH.to.toISOString() } })).toBe(REPORT_COST + 1 + 32 * 201 * 4 + 2);
  });

  it('prices each aliased threshold as one value per row: ten thresholds are one statement, not ten', () => {
    const aliases = Array.from({ length: 10 }, (_, i) => `sl${i}: serviceLevel(thresholdSeconds: ${i * 10})`).join(' ');
    const query = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [AGENT], granularity: DAY }) { rows { ${aliases} } } }`;
    expect(cost(query, { r: { from: MONTH.from.toISOString(), to: MONTH.to.toISOString() } })).toBe(REPORT_COST + 1 + 32 * 201 * 10);
  });

  it('prices a top N as limit rows × fields, plus each ranking metric of every row of the report', () => {
    const query = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [AGENT], orderBy: [{ metric: "csatScore" }], having: [{ metric: "handled", comparator: AT_LEAST, value: 50 }], limit: 10 }) { rows { csatScore agent { key } } } }`;
    // 201 agent rows ranked on 2 metrics; 10 rows × (csatScore 1 + agent 1 + key 1) shaped.
    expect(cost(query, { r: { from: MONTH.from.toISOString(), to: MONTH.to.toISOString() } })).toBe(REPORT_COST + 201 * 2 + 1 + 10 * 3);
  });

  it('prices wait percentiles as a statement of their own, plus one value per row and p', () => {
    const query = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [QUEUE] }) { rows { ...P } } } fragment P on KpiRow { p5: waitTimePercentile(p: 0.5) p9: waitTimePercentile(p: 0.9) }`;
    expect(cost(query, { r: { from: MONTH.from.toISOString(), to: MONTH.to.toISOString() } })).toBe(2 * REPORT_COST + 1 + 13 * 2);
  });

  it('prices handle-time percentiles as one more statement beside the wait ones, and doubles them with compareWithPrevious', () => {
    const range = { r: { from: MONTH.from.toISOString(), to: MONTH.to.toISOString() } };
    const handle = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [QUEUE] }) { rows { h: handleTimePercentile(p: 0.9) } } }`;
    expect(cost(handle, range)).toBe(2 * REPORT_COST + 1 + 13);
    const both = `query($r: TimeRange!) { kpis(query: { range: $r, groupBy: [QUEUE], compareWithPrevious: true }) { rows { w: waitTimePercentile(p: 0.9) h: handleTimePercentile(p: 0.9) } } }`;
    expect(cost(both, range)).toBe(2 * 3 * REPORT_COST + 1 + 13 * 2);
  });

  it('doubles the statements with compareWithPrevious, and counts previous as fields of each row', () => {
    const base = `query($r: TimeRange!) { kpis(query: { range: $r, granularity: DAY, compareWithPrevious: true }) { rows { offered previous { offered } } } }`;
    expect(cost(base, { r: DAY })).toBe(2 * REPORT_COST + 1 + 2 * 3);
  });

  it('resolves variables, fragments and @skip', () => {
    const query = `query($r: TimeRange!, $g: Granularity, $skip: Boolean!) { kpis(query: { range: $r, granularity: $g }) { ...Rows total @skip(if: $skip) { offered } } }
      fragment Rows on KpiReport { rows { offered } }`;
    expect(cost(query, { r: DAY, g: 'HOUR', skip: true })).toBe(REPORT_COST + 1 + 25);
  });

  it('prices FORECAST staffing by its weeks of history: 10 aliased 52-week fields cost millions', () => {
    const fields = Array.from({ length: 10 }, (_, i) => `s${i}: staffing(query: { range: $r, source: FORECAST, weeksOfHistory: 52 }) { requiredAgents }`);
    const one = 53 * (REPORT_COST + 49 * 4) + 49 * 1;
    expect(cost(`query($r: TimeRange!) { ${fields.join(' ')} }`, { r: DAY })).toBe(10 * one);
  });

  it('prices slaTrend by its periods and targets, and connections by their page size', () => {
    expect(cost(`{ slaTrend(policyId: "1", periods: 12, endingWith: "2026-03-01T00:00:00Z") { scorecards { met } } }`)).toBe(
      13 * (REPORT_COST + 5) + 1 + 12 * 1,
    );
    expect(cost(`{ contacts(range: { from: "${DAY.from}", to: "${DAY.to}" }, first: 200) { edges { cursor node { id } } } }`)).toBe(REPORT_COST + 1 + 200 * 3);
    expect(cost(`{ contacts(range: { from: "${DAY.from}", to: "${DAY.to}" }, first: 200) { totalCount pageInfo { hasPreviousPage startCursor } } }`)).toBe(2 * REPORT_COST + 3);
  });

  it('multiplies nested policy versions by the most versions a policy has (the issue\'s 7 levels over 10 versions)', () => {
    const nested = `{ slaPolicies { versions { versions { versions { versions { versions { versions { versions { name } } } } } } } } }`;
    expect(cost(nested, {}, { ...CENTER, slaVersions: 10 })).toBeGreaterThan(10_000_000);
    expect(cost(`{ slaPolicies { name versions { name } } }`)).toBe(1 + 3 * (1 + 1 + 4 * 1));
  });

  it('prices lists of an anonymous request as empty, but still its statements', () => {
    expect(cost(`{ agents { id } }`, {}, NO_DIRECTORY)).toBe(1);
    const fields = Array.from({ length: 150 }, (_, i) => `k${i}: kpis(query: { range: { from: "${DAY.from}", to: "${DAY.to}" } }) { total { offered } }`);
    expect(cost(`{ ${fields.join(' ')} }`, {}, NO_DIRECTORY)).toBe(150 * (REPORT_COST + 2));
  });

  it('prices a batch by its length, from a variable or a literal, without coercing its items', () => {
    const record = 'mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }';
    // Items the estimate never reads: execution coerces (and refuses) them once, later.
    expect(cost(record, { c: Array.from({ length: 3_000 }, () => ({})) })).toBe(REPORT_COST + 5 * 3_000 + 1);
    expect(cost(record, { c: [] })).toBe(REPORT_COST + 1);
    const activity = `mutation { recordAgentActivity(activity: [{ agent: "a", intervalStart: "${DAY.from}", loggedInSeconds: 900, availableSeconds: 300, handlingSeconds: 500, notReadySeconds: 100 }]) { created } }`;
    expect(cost(activity)).toBe(REPORT_COST + 5 * 1 + 1);
  });

  it('prices setQueueTeam as two statements (the queue\'s contacts moved, their rollups) plus the queue it returns', () => {
    expect(cost('mutation { setQueueTeam(queueId: "1", teamId: "2") { id team { key } } }')).toBe(2 * REPORT_COST + 1 + 1 + 1);
  });

  it('is 0 when the variables are invalid: nothing runs then', () => {
    expect(cost(`query($r: TimeRange!) { kpis(query: { range: $r }) { total { offered } } }`, {})).toBe(0);
  });
});
