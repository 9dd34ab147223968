import type { SumName } from './metric-catalog';
import { raw, sql, type Sql } from './sql';
import { ANSWERED, INBOUND, ROLLUP_SUMS, type RollupColumn } from '../warehouse/contact-grains';

/**
 * How each additive sum of the catalog is read: the rollup column that holds it
 * (warehouse/contact-grains.ts defines the columns' aggregates, the single
 * definition that the rollups, the raw-contacts query path and the reference tests
 * share), or its aggregate over raw contact rows (alias `c`). Queue KPIs count
 * INBOUND contacts; handle-time KPIs count answered contacts of either direction.
 */

export interface Thresholds {
  /** Service-level threshold T: answered with wait ≤ T. */
  serviceLevelSeconds: number;
  /** Short-abandon threshold S: unanswered with wait < S. */
  shortAbandonSeconds: number;
}

/** The rollup column behind each threshold-free catalog sum. */
export const ROLLUP_COLUMN_OF: Partial<Record<SumName, RollupColumn>> = {
  offered: 'offered',
  answered: 'answered',
  answeredWaitSeconds: 'answered_wait_seconds',
  handled: 'handled',
  talkSeconds: 'talk_seconds',
  holdSeconds: 'hold_seconds',
  afterContactWorkSeconds: 'after_contact_work_seconds',
  transferred: 'transferred',
  fcrEligible: 'fcr_eligible',
  fcrResolved: 'fcr_resolved',
  surveyInvitations: 'survey_invitations',
  surveyResponses: 'survey_responses',
  csatTop2: 'csat_top2',
  csatSum: 'csat_sum',
  resolutionAnswered: 'resolution_answered',
  resolutionYes: 'resolution_yes',
  complaints: 'complaints',
  npsAnswers: 'nps_answers',
  npsPromoters: 'nps_promoters',
  npsDetractors: 'nps_detractors',
  qaEvaluations: 'qa_evaluations',
  qaScoreSum: 'qa_score_sum',
  fatalErrors: 'qa_fatal_errors',
};

/**
 * The sums that are not whole numbers: numeric in the facts and rollups (exact sums,
 * whatever the order of additions and subtractions), summed as numeric by the
 * compiler and never printed as int8. Every other contact sum is a whole number.
 */
export const FRACTIONAL_SUMS: ReadonlySet<SumName> = new Set<SumName>(['qaScoreSum']);

/** Every catalog sum as an aggregate over raw contact rows `c`. */
export function rawSum(name: SumName, t: Thresholds): Sql {
  const column = ROLLUP_COLUMN_OF[name];
  if (column) return raw(ROLLUP_SUMS[column]);
  switch (name) {
    case 'answeredWithinThreshold':
      return sql`count(*) filter (where ${raw(INBOUND)} and ${raw(ANSWERED)} and c.wait_seconds <= ${t.serviceLevelSeconds})`;
    case 'shortAbandoned':
      return sql`count(*) filter (where ${raw(INBOUND)} and c.answered_at is null and c.wait_seconds < ${t.shortAbandonSeconds})`;
    case 'abandoned':
      return sql`count(*) filter (where ${raw(INBOUND)} and c.answered_at is null and c.wait_seconds >= ${t.shortAbandonSeconds})`;
    default:
      throw new Error(`no SQL for sum ${name}`);
  }
}
