import { describe, it, expect } from 'vitest';
import { CSV_COLUMNS, parseCsvRow, readCsvHeader } from '../../../src/import/csv-contacts';
import { parseInteger, parseTimestamp } from '../../../src/import/csv-format';
import { formatProblem, fromValidationProblem, ImportFileError } from '../../../src/import/problems';
import { validateContacts } from '../../../src/contacts/contact.validation';

const header = readCsvHeader([...CSV_COLUMNS]);
/** A row in CSV_COLUMNS order from a column → cell map; absent columns are empty cells. */
const row = (cells: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) => CSV_COLUMNS.map((c) => cells[c] ?? '');
const good = {
  external_id: 'c-1',
  channel: 'VOICE',
  queue: 'billing',
  offered_at: '2026-03-02T09:00:00+02:00',
  answered_at: '2026-03-02T09:00:12+02:00',
  ended_at: '2026-03-02T09:05:00+02:00',
};

describe('contacts CSV header', () => {
  it('accepts the columns in any order, optional ones left out', () => {
    const h = readCsvHeader([' queue', 'ended_at', 'external_id', 'offered_at', 'channel ']);
    expect(h.columns).toEqual({ queue: 0, ended_at: 1, external_id: 2, offered_at: 3, channel: 4 });
  });

  it('names unknown and missing required columns', () => {
    expect(() => readCsvHeader(['external_id', 'channel', 'queue', 'offered_at', 'Ended', 'wait'])).toThrow(
      /unknown column\(s\) "Ended", "wait".*missing required column\(s\) ended_at/,
    );
    expect(() => readCsvHeader(['external_id', 'external_id'])).toThrow(ImportFileError);
  });
});

describe('contacts CSV rows', () => {
  it('parses every column into ContactFields', () => {
    const parsed = parseCsvRow(
      header,
      row({
        ...good,
        direction: 'OUTBOUND',
        team: 'north',
        agent: ' ann ',
        customer_ref: 'cust-1',
        talk_seconds: '250',
        hold_seconds: '20',
        after_contact_work_seconds: '30',
        transfers: '1',
        resolved: 'Yes',
        disposition: 'sale',
      }),
    );
    expect(parsed).toEqual({
      problems: [],
      fields: {
        externalId: 'c-1',
        channel: 'VOICE',
        direction: 'OUTBOUND',
        queue: 'billing',
        team: 'north',
        agent: 'ann',
        customerRef: 'cust-1',
        offeredAt: new Date('2026-03-02T07:00:00Z'),
        answeredAt: new Date('2026-03-02T07:00:12Z'),
        endedAt: new Date('2026-03-02T07:05:00Z'),
        talkSeconds: 250,
        holdSeconds: 20,
        afterContactWorkSeconds: 30,
        transfers: 1,
        resolved: true,
        disposition: 'sale',
      },
    });
  });

  it('reads empty cells as "not given"', () => {
    const parsed = parseCsvRow(header, row({ ...good, answered_at: '' }));
    expect(parsed.fields).toMatchObject({ direction: null, answeredAt: null, talkSeconds: null, resolved: null, team: null });
  });

  it('reads the booleans true/false/1/0/yes/no and reports anything else', () => {
    for (const [cell, value] of [['true', true], ['FALSE', false], ['1', true], ['0', false], ['no', false]] as const) {
      expect(parseCsvRow(header, row({ ...good, resolved: cell })).fields?.resolved).toBe(value);
    }
    expect(parseCsvRow(header, row({ ...good, resolved: 'maybe' })).problems).toEqual([
      { field: 'resolved', rule: 'INVALID_BOOLEAN', message: 'must be true, false, 1, 0, yes or no' },
    ]);
  });

  it('rejects a row whose cell count differs from the header', () => {
    expect(parseCsvRow(header, ['c-1', 'VOICE'])).toMatchObject({ fields: null, problems: [{ rule: 'COLUMN_COUNT' }] });
  });

  it('turns unreadable values into what the validator reports, with column names', () => {
    const parsed = parseCsvRow(
      header,
      row({ ...good, offered_at: '2026-03-02T09:00:00', ended_at: '2026-03-02T08:00:00Z', talk_seconds: '12.5', hold_seconds: '-3' }),
    );
    const { problems } = validateContacts([parsed.fields!]);
    expect(problems.map((p) => formatProblem({ line: 7, ...fromValidationProblem(p) }))).toEqual([
      'line 7: offered_at: must be an ISO-8601 date-time with an offset (INVALID_DATE)',
      'line 7: talk_seconds: must be a whole number (NOT_AN_INTEGER)',
      'line 7: hold_seconds: must not be negative (NEGATIVE)',
    ]);
    const order = validateContacts([parseCsvRow(header, row({ ...good, ended_at: '2026-03-02T08:00:00+02:00', answered_at: '' })).fields!]);
    expect(order.problems.map((p) => formatProblem({ line: 3, ...fromValidationProblem(p) }))).toEqual([
      'line 3: ended_at: must not be before offered_at (ENDED_BEFORE_OFFERED)',
    ]);
  });

  it('leaves a missing required value to the validator (REQUIRED)', () => {
    const parsed = parseCsvRow(header, row({ ...good, external_id: ' ', offered_at: '' }));
    const rules = validateContacts([parsed.fields!]).problems.map((p) => `${fromValidationProblem(p).field} ${p.rule}`);
    expect(rules).toEqual(['external_id REQUIRED', 'offered_at REQUIRED']);
  });
});

describe('contacts CSV values', () => {
  it('accepts ISO-8601 timestamps with an offset only', () => {
    expect(parseTimestamp('2026-03-02T09:00:00Z')?.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(parseTimestamp('2026-03-02T09:00:00.250-05:00')?.toISOString()).toBe('2026-03-02T14:00:00.250Z');
    expect(parseTimestamp('2026-03-02T09:00+0130')?.toISOString()).toBe('2026-03-02T07:30:00.000Z');
    for (const bad of ['2026-03-02T09:00:00', '2026-03-02', '2026-02-30T09:00:00Z', 'yesterday', '2026-03-02 09:00:00']) {
      expect(Number.isNaN(parseTimestamp(bad)!.getTime()), bad).toBe(true);
    }
    expect(parseTimestamp(null)).toBeNull();
  });

  it('accepts whole numbers only', () => {
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger('-3')).toBe(-3);
    expect(parseInteger('1e3')).toBeNaN();
    expect(parseInteger('4.0')).toBeNaN();
    expect(parseInteger(null)).toBeNull();
  });
});
