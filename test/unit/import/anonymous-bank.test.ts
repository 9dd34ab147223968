import { describe, it, expect } from 'vitest';
import {
  mapBankLine,
  readBankHeader,
  SKIP_HANG_NOT_QUEUED,
  SKIP_PHANTOM,
  type BankMapping,
} from '../../../src/import/anonymous-bank';
import { ImportFileError } from '../../../src/import/problems';

// The real file's header (CRLF line ends included), so the tests read lines exactly as the file has them.
const HEADER =
  'vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\r';
const header = readBankHeader(HEADER);

/** A data line: every column in file order, tab-separated, CRLF. */
function line(values: string): string {
  return `${values.trim().split(/\s+/).join('\t')}\r`;
}
const map = (values: string, zone = 'Asia/Jerusalem') => mapBankLine(header, line(values), zone);
function contact(mapping: BankMapping) {
  expect(mapping.kind).toBe('record');
  if (mapping.kind !== 'record') throw new Error('not a contact');
  return mapping.fields;
}
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

describe('anonymous bank mapping', () => {
  it('maps a queued, answered call: offered at q_start, answered after q_time, talks ser_time', () => {
    // Israel in February 1999 is UTC+2 (no DST until April).
    const c = contact(map('AA0101 34540 23317894 2 PS 990201 8:10:00 8:10:06 6 8:10:06 8:10:51 45 AGENT 8:10:50 8:13:20 150 DORIT'));
    expect(c).toEqual({
      externalId: 'AA0101-34540',
      channel: 'VOICE',
      direction: 'INBOUND',
      queue: 'PS',
      agent: 'DORIT',
      customerRef: '23317894',
      offeredAt: new Date('1999-02-01T06:10:06Z'),
      answeredAt: new Date('1999-02-01T06:10:51Z'),
      endedAt: new Date('1999-02-01T06:13:21Z'),
      talkSeconds: 150,
    });
  });

  it('maps a queued call that hung up: abandoned after q_time, no agent', () => {
    const c = contact(map('AA0101 34539 23317894 2 PS 990201 8:09:16 8:09:22 6 8:09:22 8:09:27 5 HANG 0:00:00 0:00:00 0 NO_SERVER'));
    expect(iso(c.offeredAt)).toBe('1999-02-01T06:09:22.000Z');
    expect(c.answeredAt).toBeNull();
    expect(iso(c.endedAt)).toBe('1999-02-01T06:09:27.000Z');
    expect(c.agent).toBeNull();
    expect(c.talkSeconds).toBe(0);
  });

  it('maps an AGENT call that never queued: offered and answered at ser_start, no wait', () => {
    const c = contact(map('AA0101 34536 0 0 PS 990201 7:02:47 7:02:56 9 0:00:00 0:00:00 0 AGENT 7:02:55 7:05:41 166 DORIT'));
    expect(iso(c.offeredAt)).toBe('1999-02-01T05:02:55.000Z');
    expect(iso(c.answeredAt)).toBe('1999-02-01T05:02:55.000Z');
    expect(iso(c.endedAt)).toBe('1999-02-01T05:05:41.000Z');
    expect(c.talkSeconds).toBe(166);
    expect(c.agent).toBe('DORIT');
  });

  it('uses vru_exit when a never-queued AGENT call has no ser_start', () => {
    const c = contact(map('AA0101 35183 0 0 NW 990210 15:14:51 15:15:09 18 0:00:00 0:00:00 0 AGENT 0:00:00 0:00:00 0 MICHAL'));
    expect(iso(c.offeredAt)).toBe('1999-02-10T13:15:09.000Z');
    expect(iso(c.answeredAt)).toBe('1999-02-10T13:15:09.000Z');
    expect(iso(c.endedAt)).toBe('1999-02-10T13:15:09.000Z');
    expect(c.talkSeconds).toBe(0);
  });

  it('takes durations from the *_time columns, not from the clock times', () => {
    // ser_exit - ser_start is 60 s here, ser_time says 90: ser_time wins.
    const c = contact(map('AA0101 1 0 0 PS 990201 9:00:00 9:00:05 5 9:00:05 9:00:20 10 AGENT 9:00:30 9:01:30 90 DORIT'));
    expect(iso(c.answeredAt)).toBe('1999-02-01T07:00:15.000Z');
    expect(iso(c.endedAt)).toBe('1999-02-01T07:01:45.000Z');
  });

  it('leaves the agent empty for NO_SERVER and the customer empty for customer 0', () => {
    const c = contact(map('AA0101 34537 0 0 PS 990201 7:31:45 7:31:55 10 0:00:00 0:00:00 0 AGENT 7:31:54 7:31:59 5 NO_SERVER'));
    expect(c.agent).toBeNull();
    expect(c.customerRef).toBeNull();
    expect(iso(c.answeredAt)).toBe('1999-02-01T05:31:54.000Z');
  });

  it('skips PHANTOM calls and HANG calls that never queued, with a reason', () => {
    expect(map('AA0109 30760 36394260 1 PS 990221 11:45:15 11:44:04 -71 11:44:04 11:49:43 339 PHANTOM 11:48:28 11:51:18 170 NO_SERVER')).toEqual({
      kind: 'skipped',
      reason: SKIP_PHANTOM,
    });
    expect(map('AA0101 2 0 0 PS 990201 9:00:00 9:00:05 5 0:00:00 0:00:00 0 HANG 0:00:00 0:00:00 0 NO_SERVER')).toEqual({
      kind: 'skipped',
      reason: SKIP_HANG_NOT_QUEUED,
    });
  });

  it('skips an unknown outcome rather than guessing', () => {
    expect(map('AA0101 3 0 0 PS 990201 9:00:00 9:00:05 5 9:00:05 9:00:20 15 BUSY 0:00:00 0:00:00 0 NO_SERVER')).toEqual({
      kind: 'skipped',
      reason: 'outcome "BUSY" (unknown)',
    });
  });

  it('puts clock times past midnight on the next day', () => {
    // Entered the VRU at 23:59:56 on Feb 10, queued at 0:00:02 on Feb 11 (real row AA0115-14375).
    const c = contact(map('AA0115 14375 25245705 1 PS 990210 23:59:56 23:59:56 0 0:00:02 0:00:29 27 AGENT 0:00:29 0:00:58 29 BENSION'));
    expect(iso(c.offeredAt)).toBe('1999-02-10T22:00:02.000Z');
    expect(iso(c.answeredAt)).toBe('1999-02-10T22:00:29.000Z');
    // A clock a minute before vru_entry is the log's clock skew, not the next day.
    const skew = contact(map('AA0102 30456 25627027 2 PS 990207 9:48:14 9:47:17 -57 9:47:17 9:50:11 174 AGENT 9:50:11 9:51:28 77 KAZAV'));
    expect(iso(skew.offeredAt)).toBe('1999-02-07T07:47:17.000Z');
  });

  it('follows the published rule for q_start 0:00:00 even when the log shows a wait', () => {
    // Real row AA0102-31056 queued at midnight sharp and waited 27 s, but q_start 0:00:00
    // means "never queued": offered and answered at ser_start (next day), no wait.
    const c = contact(map('AA0102 31056 15696776 2 PS 990215 23:59:54 23:59:54 0 0:00:00 0:00:27 27 AGENT 0:00:26 0:01:33 67 AVNI'));
    expect(iso(c.offeredAt)).toBe('1999-02-15T22:00:26.000Z');
    expect(iso(c.answeredAt)).toBe('1999-02-15T22:00:26.000Z');
    expect(iso(c.endedAt)).toBe('1999-02-15T22:01:33.000Z');
  });

  it('reads clock times in the given zone, across a DST change', () => {
    // New York moved to DST on 1999-04-04 at 2:00. Before: UTC-5; after: UTC-4.
    const before = contact(map('AA0101 4 0 0 PS 990404 1:58:00 1:59:00 60 1:59:30 2:00:30 60 AGENT 2:00:30 2:01:30 60 DORIT', 'America/New_York'));
    expect(iso(before.offeredAt)).toBe('1999-04-04T06:59:30.000Z');
    // The 60 s wait spans the jump: answered one real minute later (3:00:30 EDT), not a clock-hour later.
    expect(iso(before.answeredAt)).toBe('1999-04-04T07:00:30.000Z');
    const after = contact(map('AA0101 5 0 0 PS 990404 3:30:00 3:30:05 5 3:30:05 3:30:10 5 HANG 0:00:00 0:00:00 0 NO_SERVER', 'America/New_York'));
    expect(iso(after.offeredAt)).toBe('1999-04-04T07:30:05.000Z');
    // The same local time in Jerusalem and in UTC differ by the zone offset.
    const utc = contact(map('AA0101 6 0 0 PS 990201 8:00:00 8:00:05 5 8:00:05 8:00:10 5 HANG 0:00:00 0:00:00 0 NO_SERVER', 'UTC'));
    expect(iso(utc.offeredAt)).toBe('1999-02-01T08:00:05.000Z');
  });

  it('rejects lines it cannot read, naming the column', () => {
    const bad = map('AA0101 7 0 0 PS 990231 9:00:00 9:00:05 5 9:61:05 9:00:20 x AGENT 0:00:00 0:00:00 0 DORIT');
    expect(bad.kind).toBe('rejected');
    expect(bad.kind === 'rejected' && bad.problems.map((p) => `${p.field} ${p.rule}`)).toEqual([
      'q_time NOT_AN_INTEGER',
      'q_start INVALID_TIME',
    ]);
    const feb30 = map('AA0101 8 0 0 PS 990230 9:00:00 9:00:05 5 9:00:05 9:00:20 15 AGENT 0:00:00 0:00:00 0 DORIT');
    expect(feb30.kind === 'rejected' && feb30.problems.map((p) => p.rule)).toEqual(['INVALID_DATE']);
    expect(mapBankLine(header, 'AA0101\t9\r', 'UTC')).toMatchObject({ kind: 'rejected', problems: [{ rule: 'COLUMN_COUNT' }] });
  });

  it('refuses a header without the needed columns', () => {
    expect(() => readBankHeader('vru+line\tcall_id\r')).toThrow(ImportFileError);
  });
});
