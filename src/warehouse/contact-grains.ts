import type { Grain } from './grain';
import { DIMENSIONS, type DimensionColumn } from './dimensions';

/**
 * The contact fact's rollup layout: its grains (buckets × dimensions) and the sums
 * every rollup row stores, each an aggregate over contact rows (alias `c`). The
 * upkeep and the rebuild keep them (facts.ts); the read side plans its sources over
 * them (analytics/source-plan.ts).
 */

/** Finest rollup buckets: 15 minutes, aligned on UTC (every zone's offset is a multiple of 15 minutes today). */
export const BUCKET_MS = 15 * 60_000;

/** The dimension columns of contacts that the rollups group by (a whitelist): every one of the warehouse's catalog. */
export const ROLLUP_DIMENSIONS: readonly DimensionColumn[] = DIMENSIONS.map((d) => d.column);
export type RollupDimension = DimensionColumn;

export interface RollupGrain extends Grain {
  table: string;
  /** The bucket length as a PostgreSQL interval, in hours or less: a '1 day' interval is added in the session's TimeZone (23 or 25 hours across DST). */
  interval: string;
  /** The dimension columns its rows keep; it answers only queries that group and filter by these alone. */
  dimensions: readonly RollupDimension[];
  /** The grain whose rows it sums (same or shorter buckets, a superset of the dimensions); none: summed from the contacts. */
  finer?: RollupGrain;
  /**
   * Its buckets are the days of the organization's reporting zone (23 to 25 hours), kept
   * only for organizations whose reporting zone is not UTC; summed from `finer` (hours)
   * where a day starts and ends on the hour, else from the 15-minute grain.
   */
  local?: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A grain with the buckets of `finer` and only some of its dimensions, summed from its rows. */
const narrowed = (finer: RollupGrain, table: string, dimensions: readonly RollupDimension[]): RollupGrain => ({
  table,
  ms: finer.ms,
  interval: finer.interval,
  dimensions,
  finer,
});
const WITHOUT_AGENT = ROLLUP_DIMENSIONS.filter((d) => d !== 'agent_id');
const TEAM_AND_AGENT: readonly RollupDimension[] = ['team_id', 'agent_id'];

/**
 * Every dimension by 15 minutes: the layout of the upkeep's finest delta (each
 * stored grain is summed from it), not a stored grain. Stored, it and its hours
 * held 0.95 and 0.83 rows a contact, so the reports they answered read about as
 * many rows as the contacts, while every contact written cost a row in each (issue
 * 16); reports that need every dimension below a day read the contacts.
 */
export const FINEST_GRAIN: RollupGrain = { table: 'contact_delta_sums', ms: BUCKET_MS, interval: '15 minutes', dimensions: ROLLUP_DIMENSIONS };

const QUARTER_HOUR_WITHOUT_AGENT: RollupGrain = { table: 'contact_rollup_team', ms: BUCKET_MS, interval: '15 minutes', dimensions: WITHOUT_AGENT };
const HOUR_WITHOUT_AGENT: RollupGrain = { table: 'contact_rollup_hour_team', ms: HOUR_MS, interval: '1 hour', dimensions: WITHOUT_AGENT, finer: QUARTER_HOUR_WITHOUT_AGENT };
const HOUR_BY_AGENT: RollupGrain = { table: 'contact_rollup_hour_agent', ms: HOUR_MS, interval: '1 hour', dimensions: TEAM_AND_AGENT };
const DAY: RollupGrain = { table: 'contact_rollup_day', ms: DAY_MS, interval: '24 hours', dimensions: ROLLUP_DIMENSIONS };
const DAY_WITHOUT_AGENT = narrowed(DAY, 'contact_rollup_day_team', WITHOUT_AGENT);
const DAY_BY_AGENT = narrowed(DAY, 'contact_rollup_day_agent', TEAM_AND_AGENT);
/** Days without any dimension: what a report that neither groups nor filters reads (a month's total: 31 rows, not about 5,900). */
const DAY_TOTAL = narrowed(DAY_WITHOUT_AGENT, 'contact_rollup_day_total', []);
/** Days of the reporting zone, summed from the hours with the same dimensions (or fewer). */
const localDays = (hours: RollupGrain, table: string, dimensions = hours.dimensions): RollupGrain => ({
  ...narrowed(hours, table, dimensions),
  ms: DAY_MS,
  interval: DAY.interval,
  local: true,
});
const LOCAL_DAY_TOTAL = localDays(HOUR_WITHOUT_AGENT, 'contact_rollup_local_day_total', []);
const LOCAL_DAY_WITHOUT_AGENT = localDays(HOUR_WITHOUT_AGENT, 'contact_rollup_local_day_team');
const LOCAL_DAY_BY_AGENT = localDays(HOUR_BY_AGENT, 'contact_rollup_local_day_agent');

/**
 * The stored grains, with the same sum columns: coarsest first, and of equal
 * bucket length the smallest (fewest rows) first, so every grain comes before the
 * one it is summed from at a rebuild (`finer`; none: the contacts). Each coarser
 * one holds the sums of its finer one's rows, so a month by day reads about 30
 * rows per group instead of about 3,000. Of the day grains, a report that neither
 * groups nor filters at all reads the days' totals (one row a day: a dashboard's
 * month total sums 31 rows instead of about 5,900, 3.4 → 0.1 ms of PostgreSQL);
 * one that neither groups nor filters by agent reads days without the agent
 * dimension (about 190 rows a day in the benchmark, a sixth of the full day grain,
 * and a few fewer than days by agent, which is why it comes first); one that groups
 * or filters by team and agent only reads days by team × agent (about 200 rows a
 * day: a month by day × agent sums 6,000 rows instead of 34,500); any other reads
 * the full day grain. Hours: without agents (a Berlin
 * month by day × queue reads about 29,000 rows instead of 94,000 in the
 * benchmark) or by team × agent (a Berlin month by day × agent about 56,000).
 * Quarter hours without agents serve wallboards (a day by 15 minutes × queue
 * reads about 1,800 rows instead of 4,500 contacts). The days of the
 * organization's reporting zone come first (totals, without agents, by team ×
 * agent): a query cut in that zone reads them like UTC days (a Berlin month by day × agent
 * about 6,000 rows instead of 56,000 hours). A report needing the agent with
 * another dimension below a day reads the contacts (see FINEST_GRAIN).
 */
export const ROLLUP_GRAINS: readonly RollupGrain[] = [
  LOCAL_DAY_TOTAL, LOCAL_DAY_WITHOUT_AGENT, LOCAL_DAY_BY_AGENT,
  DAY_TOTAL, DAY_WITHOUT_AGENT, DAY_BY_AGENT, DAY,
  HOUR_WITHOUT_AGENT, HOUR_BY_AGENT,
  QUARTER_HOUR_WITHOUT_AGENT,
];

/** The dimension columns of the distribution rollups: all but direction (waits count inbound contacts only, handle times both directions alike). */
const DISTRIBUTION_DIMENSIONS = ROLLUP_DIMENSIONS.filter((d) => d !== 'direction');

/**
 * A grain of an exact distribution: contacts per bucket × dimensions × whole-second
 * value (facts.ts declares the value columns). A percentile or an
 * arbitrary threshold reads the coarsest grain that keeps the query's dimensions.
 */
export type DistributionGrain = Pick<RollupGrain, 'table' | 'interval' | 'ms' | 'dimensions'> & { finer?: DistributionGrain };

const WAIT_QUARTER_HOUR: DistributionGrain = { table: 'contact_wait_rollup', ms: BUCKET_MS, interval: '15 minutes', dimensions: DISTRIBUTION_DIMENSIONS };
/**
 * Waits per UTC day without agents, summed from the quarter hours: waits cluster on
 * few seconds, so a day folds them (in the benchmark a month's waits read about
 * 53,000 rows instead of 155,000); with agents a day would fold almost nothing.
 */
const WAIT_DAY_WITHOUT_AGENT: DistributionGrain = {
  table: 'contact_wait_rollup_day_team',
  ms: 24 * HOUR_MS,
  interval: '24 hours',
  dimensions: DISTRIBUTION_DIMENSIONS.filter((d) => d !== 'agent_id'),
  finer: WAIT_QUARTER_HOUR,
};
/** Waits: coarsest first. */
export const WAIT_GRAINS: readonly DistributionGrain[] = [WAIT_DAY_WITHOUT_AGENT, WAIT_QUARTER_HOUR];
/** Handle times spread over hundreds of seconds: a day would hold about as many rows as its quarter hours, so only these. */
export const HANDLE_GRAINS: readonly DistributionGrain[] = [
  { table: 'contact_handle_rollup', ms: BUCKET_MS, interval: '15 minutes', dimensions: DISTRIBUTION_DIMENSIONS },
];

/** Contact rows `c` that count for the queue KPIs (INBOUND), and for the handle-time KPIs (answered, either direction). */
export const INBOUND = `c.direction = 'INBOUND'`;
export const ANSWERED = `c.answered_at is not null`;

/**
 * Thresholds common enough to be precomputed on the rollups: a query with one
 * of these T (and S) needs no pass over contact_wait_rollup. Any other whole-second
 * value stays exact through the wait rollup.
 */
export const PRECOMPUTED_T = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300] as const;
export const PRECOMPUTED_S = [3, 5, 10] as const;

export const withinColumn = (t: number) => `answered_within_t${t}`;
export const shortColumn = (s: number) => `short_abandoned_s${s}`;
export const isPrecomputedT = (t: number) => (PRECOMPUTED_T as readonly number[]).includes(t);
export const isPrecomputedS = (s: number) => (PRECOMPUTED_S as readonly number[]).includes(s);

const thresholdSums = Object.fromEntries([
  ...PRECOMPUTED_T.map((t) => [withinColumn(t), `count(*) filter (where ${INBOUND} and ${ANSWERED} and c.wait_seconds <= ${t})`]),
  ...PRECOMPUTED_S.map((s) => [shortColumn(s), `count(*) filter (where ${INBOUND} and c.answered_at is null and c.wait_seconds < ${s})`]),
]) as Record<string, string>;

/** What a contact rollup stores per group: threshold-free sums, then the precomputed thresholds. */
export const ROLLUP_SUMS = {
  contacts: 'count(*)',
  offered: `count(*) filter (where ${INBOUND})`,
  answered: `count(*) filter (where ${INBOUND} and ${ANSWERED})`,
  answered_wait_seconds: `coalesce(sum(c.wait_seconds) filter (where ${INBOUND} and ${ANSWERED}), 0)`,
  handled: `count(*) filter (where ${ANSWERED})`,
  talk_seconds: `coalesce(sum(c.talk_seconds) filter (where ${ANSWERED}), 0)`,
  hold_seconds: `coalesce(sum(c.hold_seconds) filter (where ${ANSWERED}), 0)`,
  after_contact_work_seconds: `coalesce(sum(c.after_contact_work_seconds) filter (where ${ANSWERED}), 0)`,
  transferred: `count(*) filter (where ${ANSWERED} and c.transfers > 0)`,
  fcr_eligible: `count(*) filter (where c.first_contact_resolved is not null)`,
  fcr_resolved: `count(*) filter (where c.first_contact_resolved)`,
  // Survey answers, from the per-contact tallies kept with each invitation and response.
  ...tallySums([
    'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes',
    'complaints', 'nps_answers', 'nps_promoters', 'nps_detractors',
  ] as const),
  // QA evaluations, from the per-contact tallies kept with each recorded evaluation (qa_score_sum is numeric: exact sums).
  ...tallySums(['qa_evaluations', 'qa_score_sum', 'qa_fatal_errors'] as const),
} as const;

function tallySums<T extends string>(tallies: readonly T[]): Record<T, string> {
  return Object.fromEntries(tallies.map((t) => [t, `coalesce(sum(c.${t}), 0)`])) as Record<T, string>;
}

export type RollupColumn = keyof typeof ROLLUP_SUMS;

/** Every contact rollup column with its aggregate over contact rows `c`. */
export const ROLLUP_AGGREGATES: Record<string, string> = { ...ROLLUP_SUMS, ...thresholdSums };
