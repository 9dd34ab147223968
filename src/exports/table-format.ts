/**
 * Rows as text for downloads (API.md "Exports"): RFC 4180 CSV or NDJSON. Pure.
 *
 * CSV: a header row, fields separated by commas, records ended by CRLF; a field
 * holding a comma, a double quote, CR or LF is enclosed in double quotes, its
 * quotes doubled. null is an empty field; dates are ISO-8601 UTC ("…Z") as the
 * GraphQL DateTime scalar answers them; booleans true/false; numbers as JSON.
 * NDJSON: one JSON object a line (LF), keys in column order, null kept.
 */

export type ExportFormat = 'csv' | 'ndjson';
export type Cell = string | number | boolean | Date | null;

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(values: readonly Cell[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** The first line of a download: the CSV header row; NDJSON has none. */
export function headerLine(format: ExportFormat, columns: readonly string[]): string {
  return format === 'csv' ? csvRecord(columns) : '';
}

/** One row as one line of the format; `values` in the order of `columns`. */
export function rowLine(format: ExportFormat, columns: readonly string[], values: readonly Cell[]): string {
  if (format === 'csv') return csvRecord(values);
  const object: Record<string, Cell> = {};
  for (let i = 0; i < columns.length; i++) {
    const value = values[i] ?? null;
    object[columns[i]!] = value instanceof Date ? value.toISOString() : value;
  }
  return `${JSON.stringify(object)}\n`;
}
