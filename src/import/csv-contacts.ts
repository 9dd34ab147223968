import type { ContactFields } from '../contacts/contact.validation';
import { parseInteger, parseRow, parseTimestamp, readHeader, type CsvFormat, type CsvHeader, type ParsedRow } from './csv-format';

/** The contacts CSV (`import contacts FILE`): one contact per row, columns named like the GraphQL fields in snake_case. */

export const CSV_COLUMNS = [
  'external_id', 'channel', 'direction', 'queue', 'team', 'agent', 'customer_ref', 'offered_at', 'answered_at',
  'ended_at', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers', 'resolved', 'disposition',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['external_id', 'channel', 'queue', 'offered_at', 'ended_at'];

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

export const CONTACTS_CSV: CsvFormat<CsvColumn, ContactFields> = {
  columns: CSV_COLUMNS,
  required: REQUIRED_COLUMNS,
  toFields(cell, problems) {
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
    return {
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
  },
};

export type { CsvHeader };
export type ParsedCsvRow = ParsedRow<ContactFields>;

export const readCsvHeader = (cells: readonly string[]) => readHeader(CONTACTS_CSV, cells);
export const parseCsvRow = (header: CsvHeader<CsvColumn>, cells: readonly string[]) => parseRow(CONTACTS_CSV, header, cells);
