import { DateTime } from 'luxon';
import type { ContactFields } from '../contact.validation';
import { ImportFileError, type CellProblem } from './problems';

/**
 * Pure parsing of the contacts CSV: header → column positions, row cells →
 * ContactFields. Values that cannot be parsed are handed on in a form that
 * validateContacts rejects with its usual rule (Invalid Date, NaN), so every
 * problem of a row is reported once, by the same rules as the GraphQL mutation.
 */

export const CSV_COLUMNS = [
  'external_id', 'channel', 'direction', 'queue', 'team', 'agent', 'customer_ref', 'offered_at', 'answered_at',
  'ended_at', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers', 'resolved', 'disposition',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['external_id', 'channel', 'queue', 'offered_at', 'ended_at'];

/** Position of each column present in the file. */
export type CsvHeader = { columns: Partial<Record<CsvColumn, number>>; width: number };

export function readCsvHeader(cells: readonly string[]): CsvHeader {
  const names = cells.map((c) => c.trim());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const errors = [
    unknown.length ? `unknown column(s) ${unknown.map((n) => `"${n}"`).join(', ')}` : '',
    duplicated.length ? `repeated column(s) ${duplicated.join(', ')}` : '',
    missing.length ? `missing required column(s) ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (errors.length) {
    throw new ImportFileError(`line 1: header: ${errors.join('; ')} (the columns are ${CSV_COLUMNS.join(', ')})`);
  }
  const columns: CsvHeader['columns'] = {};
  names.forEach((name, i) => (columns[name as CsvColumn] = i));
  return { columns, width: names.length };
}

export type ParsedCsvRow = { fields: ContactFields; problems: CellProblem[] } | { fields: null; problems: CellProblem[] };

export function parseCsvRow(header: CsvHeader, cells: readonly string[]): ParsedCsvRow {
  if (cells.length !== header.width) {
    return {
      fields: null,
      problems: [{ field: '', rule: 'COLUMN_COUNT', message: `has ${cells.length} cells, the header has ${header.width}` }],
    };
  }
  const problems: CellProblem[] = [];
  // An empty cell (or an absent optional column) means "not given".
  const cell = (column: CsvColumn): string | null => {
    const at = header.columns[column];
    const value = at === undefined ? '' : cells[at].trim();
    return value === '' ? null : value;
  };
  const bool = (column: CsvColumn): boolean | null => {
    const value = cell(column);
    if (value === null) return null;
    const parsed = BOOLEANS[value.toLowerCase()];
    if (parsed === undefined) {
      problems.push({ field: column, rule: 'INVALID_BOOLEAN', message: 'must be true, false, 1, 0, yes or no' });
      return null;
    }
    return parsed;
  };
  const fields: ContactFields = {
    externalId: cell('external_id') ?? '',
    channel: cell('channel') ?? '',
    direction: cell('direction'),
    queue: cell('queue') ?? '',
    team: cell('team'),
    agent: cell('agent'),
    customerRef: cell('customer_ref'),
    // validateContacts reports a missing required timestamp as REQUIRED.
    offeredAt: parseTimestamp(cell('offered_at')) as Date,
    answeredAt: parseTimestamp(cell('answered_at')),
    endedAt: parseTimestamp(cell('ended_at')) as Date,
    talkSeconds: parseInteger(cell('talk_seconds')),
    holdSeconds: parseInteger(cell('hold_seconds')),
    afterContactWorkSeconds: parseInteger(cell('after_contact_work_seconds')),
    transfers: parseInteger(cell('transfers')),
    resolved: bool('resolved'),
    disposition: cell('disposition'),
  };
  return { fields, problems };
}

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/** ISO-8601 with an offset; without one the instant is ambiguous, so it becomes an Invalid Date. */
export function parseTimestamp(value: string | null): Date | null {
  if (value === null) return null;
  if (!/T.*(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value)) return new Date(Number.NaN);
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : new Date(Number.NaN);
}

/** Whole numbers only ("12", "-3"); anything else is NaN, which the validator reports. */
export function parseInteger(value: string | null): number | null {
  if (value === null) return null;
  return /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
}
