import { METRICS, metric, type Better, type MetricDefinition, type MetricKind } from '../analytics/metric-catalog';
import type { FieldProblem } from '../platform/errors';
import { COMPARATORS, type Comparator } from '../analytics/kpi-ranking';

/**
 * SLA policy evaluation, pure: the status of one KPI against its target, its
 * change since the previous period, the penalty it earns, and a scorecard's
 * weighted compliance. No I/O; the values come from the KPI engine.
 *
 * Comparisons are exact (no epsilon): a value equal to a boundary is on the
 * boundary's good side, as the rules below say.
 */

// One Comparator for SLA targets and KPI `having` conditions, declared with the KPI engine.
export { COMPARATORS, type Comparator };

export const SLA_STATUSES = ['MET', 'AT_RISK', 'BREACHED', 'NO_DATA'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];

export const CHANGES = ['IMPROVED', 'WORSENED', 'UNCHANGED', 'NOT_COMPARABLE'] as const;
export type Change = (typeof CHANGES)[number];

/** Only these kinds of metric may carry a target: volumes (counts) say nothing about service quality. */
export const TARGETABLE_KINDS: readonly MetricKind[] = ['ratio', 'duration', 'score', 'agents', 'money'];

export interface Threshold {
  comparator: Comparator;
  target: number;
  /**
   * Early-warning level on the safe side of the target (AT_LEAST: ≥ target,
   * AT_MOST: ≤ target). Between the target and the warning a KPI is AT_RISK.
   */
  warning?: number | null;
}

/** A target as stored or received; weight defaults to 1 and penaltyPerBreach to 0. */
export interface SlaTarget extends Threshold {
  /** A KpiRow metric of the catalog. */
  metric: string;
  weight?: number | null;
  penaltyPerBreach?: number | null;
}

/** A target after validation: defaults applied. */
export interface ValidSlaTarget extends SlaTarget {
  warning: number | null;
  weight: number;
  penaltyPerBreach: number;
}

/** A target as received from a client, before validation. */
export interface SlaTargetInput {
  metric: string;
  comparator: string;
  target: number;
  warning?: number | null;
  weight?: number | null;
  penaltyPerBreach?: number | null;
}

const hasValue = (x: number | null | undefined): x is number => x != null && !Number.isNaN(x);

/**
 * The status of `actual` against a threshold. For AT_LEAST: actual < target →
 * BREACHED; actual ≥ warning (≥ target without a warning) → MET; otherwise
 * AT_RISK. AT_MOST mirrors it. null (or NaN) → NO_DATA.
 *
 * The breach test comes first, so a warning on the wrong side of the target
 * (refused by validation) can never turn a breach into MET; it simply leaves no
 * AT_RISK band.
 */
export function slaStatus(actual: number | null | undefined, threshold: Threshold): SlaStatus {
  if (!hasValue(actual)) return 'NO_DATA';
  const { comparator, target } = threshold;
  const warning = hasValue(threshold.warning) ? threshold.warning : target;
  if (comparator === 'AT_LEAST') {
    if (actual < target) return 'BREACHED';
    return actual >= warning ? 'MET' : 'AT_RISK';
  }
  if (actual > target) return 'BREACHED';
  return actual <= warning ? 'MET' : 'AT_RISK';
}

/** The direction a comparator implies: a floor wants higher values, a ceiling lower ones. */
export function comparatorDirection(comparator: Comparator): Better {
  return comparator === 'AT_LEAST' ? 'HIGHER' : 'LOWER';
}

/**
 * Which way is better for a target's KPI: the catalog's direction of the metric;
 * for a metric without one (or not in the catalog), the direction its comparator
 * implies. Every targetable metric of today's catalog has a direction, so the
 * fallback only guards future metrics.
 */
export function targetDirection(target: Pick<SlaTarget, 'metric' | 'comparator'>): Better {
  return metric(target.metric)?.better ?? comparatorDirection(target.comparator);
}

export interface Comparison {
  /** actual − previous; null when either is null. */
  delta: number | null;
  /** delta ÷ |previous|; null when previous is 0 or null, or actual is null. */
  relativeDelta: number | null;
  change: Change;
}

/** How `actual` compares with the previous period's value, judged by the KPI's direction. */
export function compare(actual: number | null | undefined, previous: number | null | undefined, better: Better): Comparison {
  if (!hasValue(actual) || !hasValue(previous)) return { delta: null, relativeDelta: null, change: 'NOT_COMPARABLE' };
  const delta = actual - previous;
  const relativeDelta = previous === 0 ? null : delta / Math.abs(previous);
  let change: Change = 'UNCHANGED';
  if (delta !== 0) change = (delta > 0) === (better === 'HIGHER') ? 'IMPROVED' : 'WORSENED';
  return { delta, relativeDelta, change };
}

/** penaltyPerBreach when BREACHED, else 0. */
export function penaltyFor(status: SlaStatus, penaltyPerBreach: number | null | undefined): number {
  return status === 'BREACHED' ? (penaltyPerBreach ?? 0) : 0;
}

export interface TargetEvaluation extends ValidSlaTarget, Comparison {
  actual: number | null;
  previous: number | null;
  /** The direction used for `change`. */
  better: Better;
  status: SlaStatus;
  penalty: number;
}

/** One target evaluated: status, change since the previous period, penalty. */
export function evaluateTarget(
  target: SlaTarget,
  actual: number | null | undefined,
  previous: number | null | undefined = null,
  better: Better = targetDirection(target),
): TargetEvaluation {
  const status = slaStatus(actual, target);
  const penaltyPerBreach = target.penaltyPerBreach ?? 0;
  return {
    metric: target.metric,
    comparator: target.comparator,
    target: target.target,
    warning: target.warning ?? null,
    weight: target.weight ?? 1,
    penaltyPerBreach,
    actual: hasValue(actual) ? actual : null,
    previous: hasValue(previous) ? previous : null,
    better,
    status,
    ...compare(actual, previous, better),
    penalty: penaltyFor(status, penaltyPerBreach),
  };
}

export interface ScorecardSummary {
  /**
   * Σ weight of targets MET or AT_RISK ÷ Σ weight of targets with data (not
   * NO_DATA). null when no target has data or those weights sum to 0. A target
   * of weight 0 counts in neither sum: it is shown but does not move compliance.
   */
  compliance: number | null;
  met: number;
  atRisk: number;
  breached: number;
  noData: number;
  penaltyTotal: number;
}

/** The card totals of evaluated targets. */
export function summarize(
  evaluations: readonly { status: SlaStatus; weight?: number | null; penalty: number }[],
): ScorecardSummary {
  const summary: ScorecardSummary = { compliance: null, met: 0, atRisk: 0, breached: 0, noData: 0, penaltyTotal: 0 };
  let weightWithData = 0;
  let weightKept = 0;
  for (const { status, weight, penalty } of evaluations) {
    const w = weight ?? 1;
    summary.penaltyTotal += penalty;
    switch (status) {
      case 'NO_DATA':
        summary.noData++;
        continue;
      case 'MET':
        summary.met++;
        weightKept += w;
        break;
      case 'AT_RISK':
        summary.atRisk++;
        weightKept += w;
        break;
      case 'BREACHED':
        summary.breached++;
        break;
    }
    weightWithData += w;
  }
  summary.compliance = weightWithData > 0 ? weightKept / weightWithData : null;
  return summary;
}

export interface Scorecard extends ScorecardSummary {
  targets: TargetEvaluation[];
}

export type MetricValues = Readonly<Record<string, number | null | undefined>>;

/**
 * Every target evaluated against this period's KPI values (by metric name) and
 * the previous period's, plus the card totals. A metric missing from `actuals`
 * is NO_DATA; missing from `previous`, NOT_COMPARABLE.
 */
export function evaluateScorecard(targets: readonly SlaTarget[], actuals: MetricValues, previous: MetricValues = {}): Scorecard {
  const evaluations = targets.map((t) => evaluateTarget(t, actuals[t.metric], previous[t.metric]));
  return { targets: evaluations, ...summarize(evaluations) };
}

/** The catalog's metrics that may carry a target, whatever METRICS holds. */
export function targetableMetrics(): MetricDefinition[] {
  return METRICS.filter((m) => TARGETABLE_KINDS.includes(m.kind));
}

export interface TargetValidation {
  /** The valid targets with defaults applied; empty when there is any problem. */
  targets: ValidSlaTarget[];
  problems: FieldProblem[];
}

/**
 * Whole-list validation of targets: every broken rule is reported with its
 * field path (e.g. "targets[2].warning") and index, so a client fixes a policy
 * in one round trip. Rules: UNKNOWN_METRIC, NOT_A_RATIO_OR_DURATION (a count or
 * an additive total, i.e. any kind outside TARGETABLE_KINDS), UNKNOWN_COMPARATOR, NOT_FINITE,
 * WARNING_ON_WRONG_SIDE, NEGATIVE (weight, penaltyPerBreach), and
 * DUPLICATE_TARGET (the same metric with the same comparator twice).
 */
export function validateTargets(inputs: readonly SlaTargetInput[], field = 'targets'): TargetValidation {
  const problems: FieldProblem[] = [];
  const targets: ValidSlaTarget[] = [];
  const firstIndexOf = new Map<string, number>();
  inputs.forEach((input, index) => {
    let ok = true;
    const fail = (name: string, rule: string, message: string) => {
      ok = false;
      problems.push({ index, field: `${field}[${index}].${name}`, rule, message });
    };

    const definition = metric(input.metric);
    if (!definition) {
      fail('metric', 'UNKNOWN_METRIC', `"${input.metric}" is not a metric of the catalog`);
    } else if (!TARGETABLE_KINDS.includes(definition.kind)) {
      fail(
        'metric',
        'NOT_A_RATIO_OR_DURATION',
        `"${input.metric}" is a ${definition.kind}; targets apply to ${TARGETABLE_KINDS.join(', ')} metrics only`,
      );
    }

    const comparator = input.comparator as Comparator;
    const comparatorOk = COMPARATORS.includes(comparator);
    if (!comparatorOk) fail('comparator', 'UNKNOWN_COMPARATOR', `must be one of ${COMPARATORS.join(', ')}`);

    const finite = (name: string, value: unknown): value is number => {
      if (typeof value === 'number' && Number.isFinite(value)) return true;
      fail(name, 'NOT_FINITE', 'must be a finite number');
      return false;
    };
    const targetOk = finite('target', input.target);

    let warning: number | null = null;
    if (input.warning != null && finite('warning', input.warning)) {
      warning = input.warning;
      if (comparatorOk && targetOk) {
        if (comparator === 'AT_LEAST' && warning < input.target) {
          fail('warning', 'WARNING_ON_WRONG_SIDE', `must be at least the target (${input.target}) for AT_LEAST`);
        } else if (comparator === 'AT_MOST' && warning > input.target) {
          fail('warning', 'WARNING_ON_WRONG_SIDE', `must be at most the target (${input.target}) for AT_MOST`);
        }
      }
    }

    const nonNegative = (name: string, value: number | null | undefined, fallback: number) => {
      if (value == null) return fallback;
      if (finite(name, value) && value < 0) fail(name, 'NEGATIVE', 'must not be negative');
      return value;
    };
    const weight = nonNegative('weight', input.weight, 1);
    const penaltyPerBreach = nonNegative('penaltyPerBreach', input.penaltyPerBreach, 0);

    if (definition && comparatorOk) {
      const key = `${input.metric}\u0000${comparator}`;
      const first = firstIndexOf.get(key);
      if (first !== undefined) {
        fail('metric', 'DUPLICATE_TARGET', `${input.metric} ${comparator} appears twice (first at index ${first})`);
      } else {
        firstIndexOf.set(key, index);
      }
    }

    if (ok) targets.push({ metric: input.metric, comparator, target: input.target, warning, weight, penaltyPerBreach });
  });
  return { targets: problems.length ? [] : targets, problems };
}
