import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EntityManager } from '@mikro-orm/postgresql';
import { mapBankLine, readBankHeader, type BankHeader } from './anonymous-bank';
import { importRows, type ImportOptions, type ImportRow, type ImportSummary } from './import-rows';
import { ImportFileError } from './problems';

export const DEFAULT_BANK_TIME_ZONE = 'Asia/Jerusalem';

/** `import anonymous-bank FILE`: the bank's call log, clock times local to `timeZone`. */
export function importAnonymousBank(
  em: EntityManager,
  organizationId: number,
  file: string,
  options: ImportOptions & { timeZone?: string } = {},
): Promise<ImportSummary> {
  const zone = options.timeZone ?? DEFAULT_BANK_TIME_ZONE;
  return importRows(em, organizationId, () => readBankRows(file, zone), options);
}

/** Streams the log line by line (CRLF or LF); blank lines are ignored but still counted for line numbers. */
export async function* readBankRows(file: string, zone: string): AsyncGenerator<ImportRow> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let header: BankHeader | null = null;
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      if (!header) {
        header = readBankHeader(text);
        continue;
      }
      const mapped = mapBankLine(header, text, zone);
      yield mapped.kind === 'record' ? { line, ...mapped, problems: [] } : { line, ...mapped };
    }
  } finally {
    lines.close();
  }
  if (!header) throw new ImportFileError('the file is empty: a header row is required');
}
