import type { ImportSummary } from './import-rows';
import { formatProblem } from './problems';

/** The lines an import prints on stderr when it ends: problems first, the summary last. */
export function describeImport(summary: ImportSummary): string[] {
  const lines = summary.problems.map(formatProblem);
  if (summary.problemCount > summary.problems.length) {
    lines.push(`… and ${summary.problemCount - summary.problems.length} more problems`);
  }
  if (summary.rejected > 0) {
    lines.push(
      summary.written
        ? `rejected rows: ${summary.rejected} (problems: ${summary.problemCount}); the other rows were written`
        : `rows with problems: ${summary.rejected} (problems: ${summary.problemCount}); nothing was written (fix them, or use --skip-invalid)`,
    );
  }
  const imported = summary.created + summary.updated + summary.unchanged;
  const skipped = Object.entries(summary.skipped);
  const skippedTotal = skipped.reduce((n, [, count]) => n + count, 0);
  lines.push(
    `rows read ${summary.read}, imported ${imported} (created ${summary.created}, updated ${summary.updated}, ` +
      `unchanged ${summary.unchanged}), rejected ${summary.rejected}, skipped ${skippedTotal}` +
      (skipped.length ? ` (${skipped.map(([reason, count]) => `${reason}: ${count}`).join(', ')})` : ''),
  );
  return lines;
}
