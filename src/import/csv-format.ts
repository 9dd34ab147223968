import { DateTime } from 'luxon';
import { ImportFileError, type CellProblem } from './problems';

/**
 * Pure parsing of a CSV import file of any record kind: header → column
 * positions, row cells → the kind's fields. Values that cannot be parsed are
 * handed on in a form the kind's validator rejects with its usual rule (Invalid
 * Date, NaN), so every problem of a row is reported once, by the same rules as
 * the GraphQL mutation.
 */
export interface CsvFormat<C extends string, F> {
  columns: readonly C[];
  required: readonly C[];
  /** The fields of one row; `cell` is null for an empty or absent cell. Parse problems go to `problems`. */
  toFields(cell: (column: C) => string | null, problems: CellProblem[]): F;
}

/** Position of each column present in the file. */
export type CsvHeader<C extends string = string> = { columns: Partial<Record<C, number>>; width: number };

export function readHeader<C extends string>(format: CsvFormat<C, unknown>, cells: readonly string[]): CsvHeader<C> {
  const names = cells.map((c) => c.trim());
  const unknown = names.filter((n) => !(format.columns as readonly string[]).includes(n));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const missing = format.required.filter((c) => !names.includes(c));
  const errors = [
    unknown.length ? `unknown column(s) ${unknown.map((n) => `"${n}"`).join(', ')}` : '',
    duplicated.length ? `repeated column(s) ${duplicated.join(', ')}` : '',
    missing.length ? `missing required column(s) ${missing.join(', ')}` : '',
  ].filter(Boolean);
  if (errors.length) {
    throw new ImportFileError(`line 1: header: ${errors.join('; ')} (the columns are ${format.columns.join(', ')})`);
  }
  const columns: CsvHeader<C>['columns'] = {};
  names.forEach((name, i) => (columns[name as C] = i));
  return { columns, width: names.length };
}

export type ParsedRow<F> = { fields: F; problems: CellProblem[] } | { fields: null; problems: CellProblem[] };

export function parseRow<C extends string, F>(format: CsvFormat<C, F>, header: CsvHeader<C>, cells: readonly string[]): ParsedRow<F> {
  if (cells.length !== header.width) {
    return {
      fields: null,
      problems: [{ field: '', rule: 'COLUMN_COUNT', message: `has ${cells.length} cells, the header has ${header.width}` }],
    };
  }
  const problems: CellProblem[] = [];
  // An empty cell (or an absent optional column) means "not given".
  const cell = (column: C): string | null => {
    const at = header.columns[column];
    const value = at === undefined ? '' : cells[at]!.trim();
    return value === '' ? null : value;
  };
  return { fields: format.toFields(cell, problems), problems };
}

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
