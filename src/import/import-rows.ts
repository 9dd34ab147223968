import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContactFields } from '../contacts/contact.validation';
import { BatchWriter } from './batch-writer';
import { unstorableFields, type CellProblem, type LineProblem } from './problems';
import { CONTACTS, type RecordKind } from './record-kinds';

/**
 * The import pipeline shared by every file kind: a reader turns the file into
 * ImportRows of a RecordKind (contacts, agent activity); this validates them (also
 * across the whole file: duplicate keys), counts, and writes through one BatchWriter.
 *
 * Default mode reads the file twice: the first pass validates everything and
 * writes nothing if any row is bad; the second writes. That makes validation
 * all-or-nothing, but not the write: each batch is its own transaction, so a
 * crash mid-write leaves earlier batches stored. Re-running the same file is
 * safe, since writes are upserts by key (stored rows count as unchanged).
 * `skipInvalid` reads once, writes the good rows and reports the bad ones.
 */

export type ImportRow<F = ContactFields> =
  /** Parsed; `problems` are parse problems, validation adds its own. */
  | { line: number; kind: 'record'; fields: F; problems: CellProblem[] }
  /** Could not even be parsed into contact fields. */
  | { line: number; kind: 'rejected'; problems: CellProblem[] }
  /** Deliberately not imported (e.g. not a real call), counted by reason. */
  | { line: number; kind: 'skipped'; reason: string };

export type Progress = (message: string) => void;

export interface ImportOptions {
  skipInvalid?: boolean;
  batchSize?: number;
  progress?: Progress;
}

export interface ImportSummary {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skipped: Record<string, number>;
  /** The first MAX_PROBLEMS_KEPT problems, in file order. */
  problems: LineProblem[];
  problemCount: number;
  /** False when default mode found bad rows and so wrote nothing. */
  written: boolean;
}

export const DEFAULT_BATCH_SIZE = 5_000;
export const MAX_PROBLEMS_KEPT = 50;
const CHECK_PROGRESS_EVERY = 50_000;

export async function importRows<F, V>(
  em: EntityManager,
  organizationId: number,
  openRows: () => AsyncIterable<ImportRow<F>>,
  options: ImportOptions = {},
  kind: RecordKind<F, V> = CONTACTS as never,
): Promise<ImportSummary> {
  const progress = options.progress ?? (() => {});
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!options.skipInvalid) {
    const checked = await pass(openRows(), kind, null, progress);
    if (checked.rejected > 0) return { ...checked, written: false };
    progress(`checked ${checked.read} rows: no problems, writing`);
  }
  return { ...(await pass(openRows(), kind, { em, organizationId, batchSize }, progress)), written: true };
}

interface WriteTarget {
  em: EntityManager;
  organizationId: number;
  batchSize: number;
}

/** One read of the file: validates every row, and writes the good ones when given a target. */
async function pass<F, V>(rows: AsyncIterable<ImportRow<F>>, kind: RecordKind<F, V>, target: WriteTarget | null, progress: Progress) {
  const summary: Omit<ImportSummary, 'written'> = {
    read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, skipped: {}, problems: [], problemCount: 0,
  };
  const writer = target
    ? new BatchWriter<V>(
        target.em,
        target.organizationId,
        target.batchSize,
        (t) => progress(`rows read ${summary.read}, written ${t.created + t.updated + t.unchanged}`),
        kind,
      )
    : null;
  const reject = (line: number, problems: CellProblem[]) => {
    summary.rejected++;
    summary.problemCount += problems.length;
    for (const p of problems) if (summary.problems.length < MAX_PROBLEMS_KEPT) summary.problems.push({ line, ...p });
  };
  // Keys of the valid rows so far: a second row with the same key is rejected, never upserted twice.
  const seen = new Set<string>();

  for await (const row of rows) {
    summary.read++;
    if (!writer && summary.read % CHECK_PROGRESS_EVERY === 0) progress(`checked ${summary.read} rows`);
    if (row.kind === 'skipped') {
      summary.skipped[row.reason] = (summary.skipped[row.reason] ?? 0) + 1;
      continue;
    }
    if (row.kind === 'rejected') {
      reject(row.line, row.problems);
      continue;
    }
    const checked = kind.validate(row.fields);
    const problems = [...row.problems, ...unstorableFields(row.fields as object), ...checked.problems];
    if (checked.record && seen.has(kind.key(checked.record))) problems.push(kind.duplicate(checked.record));
    if (!checked.record || problems.length) {
      reject(row.line, problems);
      continue;
    }
    seen.add(kind.key(checked.record));
    await writer?.add(checked.record);
  }
  if (writer) {
    await writer.flush();
    Object.assign(summary, writer.totals);
  }
  return summary;
}
