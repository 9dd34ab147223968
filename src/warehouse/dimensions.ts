/**
 * The dimension catalog: every dimension a fact can be grouped and filtered by,
 * declared once. The rollups' key columns, the activity rollups' subset and the
 * KPI request's dimension columns are derived from it, so a new dimension (a
 * skill, say) is one entry here plus its column and migration.
 */
export interface DimensionSpec {
  /** The name in the API (KpiDimension); null for a dimension the rollups keep but reports do not offer. */
  name: 'CHANNEL' | 'QUEUE' | 'TEAM' | 'AGENT' | null;
  /** The column in the facts and in every rollup that keeps the dimension. */
  column: string;
  /** The KPI filter argument (ContactScope key) that restricts it; none: not filterable. */
  filter: 'channels' | 'queueIds' | 'teamIds' | 'agentIds' | null;
  /** The directory table its ids point into (its DataLoader); none: a plain value. */
  directory: 'queue' | 'team' | 'agent' | null;
  /** Whether agent activity carries it (an agent's time is not split by channel or queue). */
  activity: boolean;
}

export const DIMENSIONS = [
  { name: 'CHANNEL', column: 'channel', filter: 'channels', directory: null, activity: false },
  { name: null, column: 'direction', filter: null, directory: null, activity: false },
  { name: 'QUEUE', column: 'queue_id', filter: 'queueIds', directory: 'queue', activity: false },
  { name: 'TEAM', column: 'team_id', filter: 'teamIds', directory: 'team', activity: true },
  { name: 'AGENT', column: 'agent_id', filter: 'agentIds', directory: 'agent', activity: true },
] as const satisfies readonly DimensionSpec[];

export type DimensionColumn = (typeof DIMENSIONS)[number]['column'];
/** The dimensions the reports offer (every one with a name), by name. */
export type ReportedDimension = Extract<(typeof DIMENSIONS)[number], { name: string }>;
export const REPORTED_DIMENSIONS = DIMENSIONS.filter((d): d is ReportedDimension => d.name !== null);
type ActivityDimensionSpec = Extract<(typeof DIMENSIONS)[number], { activity: true }>;
export const ACTIVITY_DIMENSION_COLUMNS = DIMENSIONS.filter((d): d is ActivityDimensionSpec => d.activity).map((d) => d.column);
