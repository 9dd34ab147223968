import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CsvError, parse } from 'csv-parse';
import { parseCsvRow, readCsvHeader, type CsvHeader } from './csv-contacts';
import { importRows, type ImportOptions, type ImportRow, type ImportSummary } from './import-rows';
import { ImportFileError } from './problems';

/** `import contacts FILE.csv`: a header row, then one contact per row (see csv-contacts.ts). */
export function importContactsCsv(
  em: EntityManager,
  organizationId: number,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return importRows(em, organizationId, () => readCsvRows(file), options);
}

/** Streams the file: memory stays flat whatever its size. */
export async function* readCsvRows(file: string): AsyncGenerator<ImportRow> {
  // pipeline (not pipe) so a read error reaches the loop below instead of stalling it.
  const parser = pipeline(
    createReadStream(file),
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
    () => {},
  );
  let header: CsvHeader | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = readCsvHeader(record);
        continue;
      }
      // info.lines is the line the row ends on: the row's own line unless a quoted cell spans lines.
      const line = info.lines;
      const parsed = parseCsvRow(header, record);
      yield parsed.fields
        ? { line, kind: 'contact', fields: parsed.fields, problems: parsed.problems }
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
