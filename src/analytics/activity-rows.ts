import { Dimension, type KpiRequest, type SumRow } from './kpi.request';
import { isActivitySum } from './metric-catalog';
import type { TimeSpan } from './source-plan';

/**
 * How agent activity joins a KPI report, pure. Activity is kept per agent, team and
 * 15 minutes, not per channel or queue (an agent's logged-in time is not split by
 * what it was spent on), so it applies to a report's rows only when they are
 * grouped by TEAM and AGENT alone, and to its total unless the filter names
 * channels or queues.
 */

export interface ActivityScope {
  rows: boolean;
  total: boolean;
}

export function activityScope(request: Pick<KpiRequest, 'groupBy' | 'filter' | 'sums'>): ActivityScope {
  const asked = request.sums.some((s) => isActivitySum(s) || s === 'elapsedSeconds');
  const total = asked && request.filter.channels === undefined && request.filter.queueIds === undefined;
  return { total, rows: total && request.groupBy.every((d) => d === Dimension.TEAM || d === Dimension.AGENT) };
}

/**
 * Adds the activity sums to the contact rows of the same period, team and agent (a
 * group with activity but no contacts becomes a row of its own), and each row's
 * elapsed seconds where activity applies. `periodOf(row)` is the row's period span.
 */
export function mergeActivity(
  contactRows: SumRow[],
  activityRows: readonly SumRow[],
  scope: ActivityScope,
  periodOf: (row: SumRow) => TimeSpan,
  counted: readonly TimeSpan[],
): SumRow[] {
  const merged = [...contactRows];
  const index = new RowIndex(activityRows.length ? merged : []);
  for (const row of activityRows) {
    if (!row.isTotal && !scope.rows) continue;
    const same = index.get(row);
    if (same) Object.assign(same.sums, row.sums);
    else merged.push({ ...row, sums: { ...row.sums } });
  }
  // Once per period (a report has far fewer periods than rows).
  const elapsed = new Map<number | null, number>();
  for (const row of merged) {
    if (!(row.isTotal ? scope.total : scope.rows)) continue;
    const period = row.isTotal ? null : row.period;
    let seconds = elapsed.get(period);
    if (seconds === undefined) elapsed.set(period, (seconds = overlapSeconds(periodOf(row), counted)));
    row.sums.elapsedSeconds = seconds;
  }
  return merged;
}

/**
 * Rows by period (0: the total), team and agent, in nested maps of numbers: a report of
 * 6,000 rows is indexed in a third of the time string keys take.
 */
class RowIndex {
  private readonly rows = new Map<number, Map<number | null, Map<number | null, SumRow>>>();

  constructor(rows: readonly SumRow[]) {
    for (const row of rows) {
      const period = RowIndex.period(row);
      let byTeam = this.rows.get(period);
      if (!byTeam) this.rows.set(period, (byTeam = new Map()));
      let byAgent = byTeam.get(row.teamId);
      if (!byAgent) byTeam.set(row.teamId, (byAgent = new Map()));
      byAgent.set(row.agentId, row);
    }
  }

  get(row: SumRow): SumRow | undefined {
    return this.rows.get(RowIndex.period(row))?.get(row.teamId)?.get(row.agentId);
  }

  private static period = (row: SumRow) => (row.isTotal ? 0 : row.period!);
}

/** Seconds of `span` inside the (disjoint) spans. */
export function overlapSeconds(span: TimeSpan, spans: readonly TimeSpan[]): number {
  let ms = 0;
  for (const s of spans) ms += Math.max(0, Math.min(span.to.getTime(), s.to.getTime()) - Math.max(span.from.getTime(), s.from.getTime()));
  return ms / 1000;
}
