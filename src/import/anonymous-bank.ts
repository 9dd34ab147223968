import { DateTime } from 'luxon';
import { Channel, Direction } from '../warehouse/channels';
import type { ContactFields } from '../contacts/contact.validation';
import { ImportFileError, type CellProblem } from './problems';

/**
 * Pure mapping of the "anonymous bank" call log (Technion SEE lab; tab-separated,
 * one call per line) to contacts. Clock times are local to `zone`; durations come
 * only from the *_time columns, never from subtracting clock times (the log's
 * clocks disagree with each other by up to minutes).
 */

export const BANK_COLUMNS = [
  'vru+line', 'call_id', 'customer_id', 'type', 'date', 'vru_entry', 'vru_exit', 'q_start', 'q_time', 'outcome',
  'ser_start', 'ser_time', 'server',
] as const;
type BankColumn = (typeof BANK_COLUMNS)[number];

export type BankRecord = Record<BankColumn, string>;

/** Column positions, plus the header's width to spot short or long lines. */
export interface BankHeader {
  columns: Record<BankColumn, number>;
  width: number;
}

export type BankMapping =
  | { kind: 'record'; fields: ContactFields }
  | { kind: 'skipped'; reason: string }
  | { kind: 'rejected'; problems: CellProblem[] };

export const SKIP_PHANTOM = 'PHANTOM (not a real call)';
export const SKIP_HANG_NOT_QUEUED = 'HANG before queueing';

/** The log's "no time" value: q_start 0:00:00 = never queued, ser_start 0:00:00 = no service start. */
const NO_TIME = '0:00:00';
const NO_SERVER = 'NO_SERVER';
/** A clock time this far before vru_entry is on the next day (the call crossed midnight). */
const ROLLOVER_SECONDS = 12 * 3600;

export function readBankHeader(line: string): BankHeader {
  const names = line.replace(/\r$/, '').split('\t').map((n) => n.trim());
  const missing = BANK_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) throw new ImportFileError(`line 1: header: missing column(s) ${missing.join(', ')}`);
  const columns = Object.fromEntries(BANK_COLUMNS.map((c) => [c, names.indexOf(c)])) as BankHeader['columns'];
  return { columns, width: names.length };
}

/** One data line → a contact, a skip reason, or the problems that make it unreadable. */
export function mapBankLine(header: BankHeader, line: string, zone: string): BankMapping {
  const cells = line.replace(/\r$/, '').split('\t');
  if (cells.length !== header.width) {
    return { kind: 'rejected', problems: [{ field: '', rule: 'COLUMN_COUNT', message: `has ${cells.length} cells, the header has ${header.width}` }] };
  }
  const record = Object.fromEntries(BANK_COLUMNS.map((c) => [c, cells[header.columns[c]].trim()])) as BankRecord;
  return mapBankRecord(record, zone);
}

export function mapBankRecord(r: BankRecord, zone: string): BankMapping {
  if (r.outcome === 'PHANTOM') return { kind: 'skipped', reason: SKIP_PHANTOM };
  if (r.outcome !== 'AGENT' && r.outcome !== 'HANG') return { kind: 'skipped', reason: `outcome "${r.outcome}" (unknown)` };

  const problems: CellProblem[] = [];
  const seconds = (column: 'q_time' | 'ser_time') => {
    if (/^\d+$/.test(r[column])) return Number(r[column]);
    problems.push({ field: column, rule: 'NOT_AN_INTEGER', message: 'must be a whole number of seconds' });
    return 0;
  };
  const qTime = seconds('q_time');
  const serTime = seconds('ser_time');
  // The published rule: q_start 0:00:00 means "never queued" (one call in the 1999 file did
  // queue at midnight sharp and waited 27 s; the rule counts it as answered without a wait).
  const queued = r.q_start !== NO_TIME;
  if (!queued && r.outcome === 'HANG' && !problems.length) return { kind: 'skipped', reason: SKIP_HANG_NOT_QUEUED };

  const offeredAt = localTime(r, queued ? 'q_start' : r.ser_start !== NO_TIME ? 'ser_start' : 'vru_exit', zone, problems);
  for (const column of ['vru+line', 'call_id'] as const) {
    if (!r[column]) problems.push({ field: column, rule: 'REQUIRED', message: 'must not be empty' });
  }
  if (problems.length || !offeredAt) return { kind: 'rejected', problems };

  const answered = r.outcome === 'AGENT';
  const answeredAt = answered ? addSeconds(offeredAt, queued ? qTime : 0) : null;
  return {
    kind: 'record',
    fields: {
      externalId: `${r['vru+line']}-${r.call_id}`,
      channel: Channel.VOICE,
      direction: Direction.INBOUND,
      queue: r.type,
      agent: answered && r.server !== NO_SERVER ? r.server : null,
      customerRef: r.customer_id === '0' ? null : r.customer_id || null,
      offeredAt,
      answeredAt,
      // Abandoned: the caller hung up after waiting q_time.
      endedAt: answeredAt ? addSeconds(answeredAt, serTime) : addSeconds(offeredAt, qTime),
      talkSeconds: answered ? serTime : 0,
    },
  };
}

type ClockColumn = 'q_start' | 'ser_start' | 'vru_exit';

/**
 * `date` + a clock column as an instant in `zone`. The date is the call's (its
 * vru_entry's) day: a clock time long before vru_entry is past midnight, next day.
 */
function localTime(r: BankRecord, column: ClockColumn, zone: string, problems: CellProblem[]): Date | null {
  const date = /^(\d{2})(\d{2})(\d{2})$/.exec(r.date);
  if (!date) problems.push({ field: 'date', rule: 'INVALID_DATE', message: 'must be a date as YYMMDD' });
  const entry = clockSeconds(r.vru_entry);
  if (entry === null) problems.push({ field: 'vru_entry', rule: 'INVALID_TIME', message: 'must be a time as H:MM:SS' });
  const time = clockSeconds(r[column]);
  if (time === null) problems.push({ field: column, rule: 'INVALID_TIME', message: 'must be a time as H:MM:SS' });
  if (!date || entry === null || time === null) return null;

  const yy = Number(date[1]);
  // Built from the wall-clock fields in the zone (not "midnight + n seconds", which DST would shift).
  const local = DateTime.fromObject(
    {
      year: yy >= 70 ? 1900 + yy : 2000 + yy,
      month: Number(date[2]),
      day: Number(date[3]),
      hour: Math.floor(time / 3600),
      minute: Math.floor(time / 60) % 60,
      second: time % 60,
    },
    { zone },
  );
  if (!local.isValid) {
    problems.push({ field: 'date', rule: 'INVALID_DATE', message: 'must be a date as YYMMDD' });
    return null;
  }
  return (time < entry - ROLLOVER_SECONDS ? local.plus({ days: 1 }) : local).toJSDate();
}

/** "7:02:47" → seconds since midnight, or null when not a clock time. */
function clockSeconds(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
