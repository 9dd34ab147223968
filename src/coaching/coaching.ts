import { evaluateScorecard, type MetricValues, type TargetEvaluation, type ValidSlaTarget } from '../sla/evaluation';

/**
 * The coaching list, pure: which agents (with enough handled contacts) miss which
 * targets, the most weighted misses first, and what kind of contact shows a miss best.
 */

export const DEFAULT_MIN_HANDLED = 20;
/** Targets one coaching list may judge. */
export const MAX_COACHING_TARGETS = 20;
/** Example contacts per entry. */
export const EXAMPLES_PER_ENTRY = 5;

/** One agent's figures; `row` is whatever the caller keeps with them. */
export interface AgentFigures<R> {
  row: R;
  agentKey: string;
  metrics: MetricValues;
}

export interface CoachingCandidate<R> extends AgentFigures<R> {
  misses: TargetEvaluation[];
}

/** Agents with at least `minHandled` handled contacts that miss (BREACH) a target, by weighted misses, then agent key. */
export function coachingCandidates<R>(rows: ReadonlyArray<AgentFigures<R>>, targets: readonly ValidSlaTarget[], minHandled: number): Array<CoachingCandidate<R>> {
  const entries: Array<CoachingCandidate<R> & { weight: number }> = [];
  for (const row of rows) {
    if ((row.metrics.handled ?? 0) < minHandled) continue;
    const misses = evaluateScorecard(targets, row.metrics).targets.filter((t) => t.status === 'BREACHED').sort(worstMissFirst);
    if (misses.length === 0) continue;
    entries.push({ ...row, misses, weight: misses.reduce((sum, m) => sum + m.weight, 0) });
  }
  entries.sort((a, b) => b.weight - a.weight || (a.agentKey < b.agentKey ? -1 : a.agentKey > b.agentKey ? 1 : 0));
  return entries.map(({ weight: _weight, ...entry }) => entry);
}

/** Heavier targets first, then the one missed by more (relative to its target), then by metric name. */
function worstMissFirst(a: TargetEvaluation, b: TargetEvaluation): number {
  return b.weight - a.weight || shortfall(b) - shortfall(a) || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);
}

const shortfall = (t: TargetEvaluation) => (t.actual === null ? 0 : Math.abs(t.actual - t.target) / Math.max(Math.abs(t.target), 1e-9));

/** Which contacts illustrate a missed metric. */
export type ExampleKind = 'LOWEST_CSAT' | 'COMPLAINTS' | 'LONGEST_WAIT' | 'LONGEST_HANDLE_TIME' | 'UNRESOLVED' | 'FATAL_ERRORS' | 'LOWEST_QA_SCORE';

export function exampleKind(metric: string): ExampleKind {
  if (metric.startsWith('fatalError')) return 'FATAL_ERRORS';
  if (metric.startsWith('qa')) return 'LOWEST_QA_SCORE';
  if (metric.startsWith('complaint')) return 'COMPLAINTS';
  if (metric.startsWith('csat') || metric.startsWith('survey')) return 'LOWEST_CSAT';
  if (metric === 'serviceLevel' || metric === 'averageSpeedOfAnswer' || metric === 'answerRate') return 'LONGEST_WAIT';
  if (metric === 'firstContactResolutionRate' || metric === 'selfReportedResolutionRate') return 'UNRESOLVED';
  return 'LONGEST_HANDLE_TIME';
}
