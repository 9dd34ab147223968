import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CsvError, parse } from 'csv-parse';
import { ACTIVITY_CSV } from './csv-activity';
import { CONTACTS_CSV } from './csv-contacts';
import { parseRow, readHeader, type CsvFormat, type CsvHeader } from './csv-format';
import { importRows, type ImportOptions, type ImportRow, type ImportSummary } from './import-rows';
import { ImportFileError } from './problems';
import { ACTIVITY, CONTACTS } from './record-kinds';

/** `import contacts FILE.csv`: a header row, then one contact per row (see csv-contacts.ts). */
export function importContactsCsv(
  em: EntityManager,
  organizationId: number,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return importRows(em, organizationId, () => readCsvRows(file, CONTACTS_CSV), options, CONTACTS);
}

/** `import activity FILE.csv`: a header row, then one agent × 15-minute interval per row (see activity.csv.ts). */
export function importActivityCsv(
  em: EntityManager,
  organizationId: number,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return importRows(em, organizationId, () => readCsvRows(file, ACTIVITY_CSV), options, ACTIVITY);
}

/** Streams the file: memory stays flat whatever its size. */
export async function* readCsvRows<C extends string, F>(file: string, format: CsvFormat<C, F>): AsyncGenerator<ImportRow<F>> {
  // pipeline (not pipe) so a read error reaches the loop below instead of stalling it.
  const parser = pipeline(
    createReadStream(file),
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
    () => {},
  );
  let header: CsvHeader<C> | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = readHeader(format, record);
        continue;
      }
      // info.lines is the line the row ends on: the row's own line unless a quoted cell spans lines.
      const line = info.lines;
      const parsed = parseRow(format, header, record);
      yield parsed.fields
        ? { line, kind: 'record', fields: parsed.fields, problems: parsed.problems }
        : { line, kind: 'rejected', problems: parsed.problems };
    }
  } catch (error) {
    // Broken quoting cannot be skipped over: the rest of the file is unreadable.
    if (error instanceof CsvError) throw new ImportFileError(`CSV: ${error.message}`);
    throw error;
  } finally {
    parser.destroy();
  }
  if (!header) throw new ImportFileError('the file is empty: a header row is required');
}
