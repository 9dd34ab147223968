import { describe, expect, it } from 'vitest';
import { SPAN_SLACK_MS, touches, type LiveScope } from '../../../src/live/live-scope';
import { decodeFactNotice, encodeFactNotice, MAX_NOTICE_BYTES, type FactNotice } from '../../../src/warehouse/fact-notices';

const DAY: LiveScope = {
  organizationId: 7,
  from: new Date('2026-03-02T00:00:00Z'),
  to: new Date('2026-03-03T00:00:00Z'),
  filter: { queueIds: [3], channels: ['VOICE'] },
};

const notice = (over: Partial<FactNotice> = {}): FactNotice => ({
  organizationId: 7,
  from: new Date('2026-03-02T09:00:00Z'),
  to: new Date('2026-03-02T09:15:00Z'),
  members: { channel: ['VOICE'], queue_id: [3], team_id: [], agent_id: [11] },
  ...over,
});

describe(touches.name, () => {
  it('takes a change of the organization inside the range and the filter', () => {
    expect(touches(DAY, notice())).toBe(true);
  });

  it('leaves a change of another organization', () => {
    expect(touches(DAY, notice({ organizationId: 8 }))).toBe(false);
  });

  it('leaves a change wholly before or after the range and its slack', () => {
    const at = (t: number) => ({ from: new Date(t), to: new Date(t + 900_000) });
    expect(touches(DAY, notice(at(DAY.to.getTime() + SPAN_SLACK_MS)))).toBe(false);
    expect(touches(DAY, notice(at(DAY.from.getTime() - SPAN_SLACK_MS - 900_000)))).toBe(false);
    // within the slack: read again (an activity record may reach into the range)
    expect(touches(DAY, notice(at(DAY.to.getTime())))).toBe(true);
  });

  it('leaves a change whose members all lie outside a filtered dimension', () => {
    expect(touches(DAY, notice({ members: { channel: ['VOICE'], queue_id: [4, 5] } }))).toBe(false);
    expect(touches(DAY, notice({ members: { channel: ['CHAT'], queue_id: [3] } }))).toBe(false);
  });

  it('takes a correction that moves a contact out of the filter (both versions are members)', () => {
    expect(touches(DAY, notice({ members: { channel: ['VOICE'], queue_id: [3, 4] } }))).toBe(true);
  });

  it('takes a change that does not know its members, or a fact without the filtered dimension (activity has no queue)', () => {
    expect(touches(DAY, notice({ members: null }))).toBe(true);
    expect(touches(DAY, notice({ members: { team_id: [2], agent_id: [11] } }))).toBe(true);
  });

  it('takes any member when the report filters nothing', () => {
    expect(touches({ ...DAY, filter: {} }, notice({ members: { channel: ['EMAIL'], queue_id: [99] } }))).toBe(true);
  });
});

describe('fact notices', () => {
  it('travel as JSON and come back the same', () => {
    expect(decodeFactNotice(encodeFactNotice(notice()))).toEqual(notice());
  });

  it('leave out members that would pass the payload limit of PostgreSQL', () => {
    const many = notice({ members: { agent_id: Array.from({ length: 5_000 }, (_, i) => 1_000_000 + i) } });
    const payload = encodeFactNotice(many);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
    expect(decodeFactNotice(payload)).toEqual({ ...many, members: null });
  });

  it('read garbage as no notice', () => {
    expect(decodeFactNotice('not json')).toBeNull();
    expect(decodeFactNotice('{"o":"x","f":1,"t":2}')).toBeNull();
  });
});
