import { describe, expect, it } from 'vitest';
import { statusChanges } from '../../../src/sla/alerts';
import { evaluateTarget, type SlaStatus } from '../../../src/sla/evaluation';

const target = (status: SlaStatus) => {
  // serviceLevel >= 0.8 with a warning at 0.85: 0.9 MET, 0.82 AT_RISK, 0.7 BREACHED, null NO_DATA
  const actual = { MET: 0.9, AT_RISK: 0.82, BREACHED: 0.7, NO_DATA: null }[status];
  const t = evaluateTarget({ metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.8, warning: 0.85 } as never, actual);
  expect(t.status).toBe(status);
  return t;
};

describe(statusChanges.name, () => {
  it('raises SLA_AT_RISK, SLA_BREACHED, and SLA_RECOVERED back to MET, per target', () => {
    expect(statusChanges(['MET', 'AT_RISK', 'BREACHED'], [target('AT_RISK'), target('BREACHED'), target('MET')]).map((c) => [c.index, c.type, c.previousStatus]))
      .toEqual([[0, 'SLA_AT_RISK', 'MET'], [1, 'SLA_BREACHED', 'AT_RISK'], [2, 'SLA_RECOVERED', 'BREACHED']]);
  });

  it('raises nothing for an unchanged status, or a move to or from NO_DATA', () => {
    expect(statusChanges(['AT_RISK', 'MET', 'NO_DATA'], [target('AT_RISK'), target('NO_DATA'), target('MET')])).toEqual([]);
  });

  it('takes a period seen for the first time as MET before', () => {
    expect(statusChanges([], [target('MET'), target('BREACHED')]).map((c) => c.type)).toEqual(['SLA_BREACHED']);
  });
});
