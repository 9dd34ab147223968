import type { Grain } from './grain';
import { ACTIVITY_DIMENSION_COLUMNS } from './dimensions';

/**
 * The agent-activity fact's rollup layout and the sums its rows store, each an
 * aggregate over the 15-minute records (alias `a`, by interval start): rollups by
 * UTC hour and day × team × agent, and by quarter hour × team. Activity has no
 * channel or queue: an agent's logged-in time is not split by what it was spent on.
 */

export interface ActivityGrain extends Grain {
  table: string;
  /** The bucket length as a PostgreSQL interval (in hours: '1 day' depends on the session's TimeZone). */
  interval: string;
  dimensions: readonly ActivityDimension[];
  /** The grain whose rows it sums; none: summed from agent_activity. */
  finer?: ActivityGrain;
  /** Days of the organization's reporting zone, as RollupGrain.local: from `finer` where a day starts and ends on the hour, else from the records. */
  local?: boolean;
}

/** The catalog's dimensions that activity carries. */
export const ACTIVITY_DIMENSIONS: readonly ActivityDimension[] = ACTIVITY_DIMENSION_COLUMNS;
export type ActivityDimension = (typeof ACTIVITY_DIMENSION_COLUMNS)[number];

/** Every dimension by hour: the finest grain with the agent, and the layout of the upkeep's delta. */
export const ACTIVITY_FINEST_GRAIN: ActivityGrain = { table: 'agent_activity_hour', ms: 3_600_000, interval: '1 hour', dimensions: ACTIVITY_DIMENSIONS };
const HOUR = ACTIVITY_FINEST_GRAIN;
const DAY: ActivityGrain = { table: 'agent_activity_day', ms: 86_400_000, interval: '24 hours', dimensions: ACTIVITY_DIMENSIONS, finer: HOUR };
const LOCAL_DAY: ActivityGrain = { ...DAY, table: 'agent_activity_local_day', finer: HOUR, local: true };
/** Days without agents or teams: a month's occupancy reads 31 rows, not one per agent and day (about 6,200). */
const DAY_TOTAL: ActivityGrain = { ...DAY, table: 'agent_activity_day_total', dimensions: [], finer: DAY };
const LOCAL_DAY_TOTAL: ActivityGrain = { ...LOCAL_DAY, table: 'agent_activity_local_day_total', dimensions: [] };
/**
 * Quarter hours by team, without agents: a wallboard's day by 15 minutes read every
 * record of the day (one per agent and quarter hour, 6,400 for 200 agents); this
 * grain holds one row per team and quarter hour. Summed from the records.
 */
const QUARTER_HOUR_BY_TEAM: ActivityGrain = { table: 'agent_activity_team', ms: 15 * 60_000, interval: '15 minutes', dimensions: ['team_id'] };

/** Coarsest first (the reporting zone's days before UTC days); each grain comes before the one it is summed from. */
export const ACTIVITY_GRAINS: readonly ActivityGrain[] = [LOCAL_DAY_TOTAL, LOCAL_DAY, DAY_TOTAL, DAY, HOUR, QUARTER_HOUR_BY_TEAM];

/** The rollup columns, each with its aggregate over activity records `a`. */
export const ACTIVITY_AGGREGATES = {
  logged_in_seconds: 'sum(a.logged_in_seconds)',
  available_seconds: 'sum(a.available_seconds)',
  handling_seconds: 'sum(a.handling_seconds)',
  not_ready_seconds: 'sum(a.not_ready_seconds)',
  costed_seconds: 'coalesce(sum(a.logged_in_seconds) filter (where a.hourly_cost is not null), 0)',
  cost_seconds: 'coalesce(sum(a.logged_in_seconds * a.hourly_cost), 0)',
} as const;
export type ActivityColumn = keyof typeof ACTIVITY_AGGREGATES;
