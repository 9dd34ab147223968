import { describe, expect, it } from 'vitest';
import { validateActivity, type ActivityFields } from '../../../src/activity/activity.validation';

const good: ActivityFields = {
  agent: ' ann ',
  team: '',
  intervalStart: new Date('2026-03-02T08:45:00Z'),
  loggedInSeconds: 900,
  availableSeconds: 100,
  handlingSeconds: 700,
  notReadySeconds: 100,
};
const rules = (inputs: ActivityFields[]) => validateActivity(inputs).problems.map((p) => `${p.field} ${p.rule}`);

describe(validateActivity.name, () => {
  it('accepts a whole interval, trims keys, and treats an empty team as none', () => {
    expect(validateActivity([good])).toEqual({ records: [{ ...good, agent: 'ann', team: null }], problems: [] });
  });

  it('accepts partial and empty intervals (an agent logging in or out mid-interval, or not at all)', () => {
    const partial = { ...good, loggedInSeconds: 420, availableSeconds: 20, handlingSeconds: 400, notReadySeconds: 0 };
    const none = { ...good, intervalStart: new Date('2026-03-02T09:00:00Z'), loggedInSeconds: 0, availableSeconds: 0, handlingSeconds: 0, notReadySeconds: 0 };
    expect(validateActivity([partial, none]).problems).toEqual([]);
  });

  it('requires 15-minute UTC alignment, also in zones with :30 and :45 offsets', () => {
    expect(rules([{ ...good, intervalStart: new Date('2026-03-02T08:50:00Z') }])).toEqual(['activity[0].intervalStart NOT_ALIGNED']);
    expect(rules([{ ...good, intervalStart: new Date('2026-03-02T08:45:01Z') }])).toEqual(['activity[0].intervalStart NOT_ALIGNED']);
    // 14:30 in Kolkata (+05:30) is 09:00 UTC; 14:45 in Kathmandu (+05:45) is 09:00 UTC.
    expect(rules([{ ...good, intervalStart: new Date('2026-03-02T14:30:00+05:30') }])).toEqual([]);
    expect(rules([{ ...good, intervalStart: new Date('2026-03-02T14:45:00+05:45') }])).toEqual([]);
    expect(rules([{ ...good, intervalStart: new Date(Number.NaN) }])).toEqual(['activity[0].intervalStart INVALID_DATE']);
  });

  it('bounds every part to 0–900 whole seconds and makes the parts add up to logged in', () => {
    expect(rules([{ ...good, loggedInSeconds: 901, availableSeconds: 101 }])).toEqual(['activity[0].loggedInSeconds OUT_OF_RANGE']);
    expect(rules([{ ...good, handlingSeconds: -1 }])).toEqual(['activity[0].handlingSeconds OUT_OF_RANGE']);
    expect(rules([{ ...good, notReadySeconds: 1.5 }])).toEqual(['activity[0].notReadySeconds NOT_AN_INTEGER']);
    expect(rules([{ ...good, availableSeconds: 99 }])).toEqual(['activity[0].loggedInSeconds PARTS_MISMATCH']);
    expect(validateActivity([{ ...good, availableSeconds: 99 }]).problems[0]!.message).toBe(
      'must equal availableSeconds + handlingSeconds + notReadySeconds (99 + 700 + 100 = 899), got 900',
    );
  });

  it('reports every problem of every record, a repeated (agent, interval) too, and keeps nothing then', () => {
    const result = validateActivity([good, { ...good, agent: '' }, { ...good, agent: 'ann' }, { ...good, agent: 'x'.repeat(101), team: 'y'.repeat(101) }]);
    expect(result.records).toEqual([]);
    expect(result.problems.map((p) => `${p.index} ${p.field} ${p.rule}`)).toEqual([
      '1 activity[1].agent REQUIRED',
      '2 activity[2].intervalStart DUPLICATE_INTERVAL',
      '3 activity[3].agent TOO_LONG',
      '3 activity[3].team TOO_LONG',
    ]);
    // Another agent, or another interval of the same agent, is no duplicate.
    expect(rules([good, { ...good, agent: 'bob' }, { ...good, intervalStart: new Date('2026-03-02T09:00:00Z') }])).toEqual([]);
  });
});
