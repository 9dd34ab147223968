import type { TimeSpan } from './source-plan';
import type { Channel } from '../warehouse/channels';
import type { Granularity } from '../platform/calendar';
import type { Thresholds } from './contact-sums';
import type { SumName } from './metric-catalog';

/** The measures with exact percentiles: wait of answered inbound contacts, handle time of handled contacts. */
export const PERCENTILE_MEASURES = ['wait', 'handle'] as const;
export type PercentileMeasure = (typeof PERCENTILE_MEASURES)[number];

/** The dimensions a KPI report can be grouped and filtered by. */
export enum Dimension {
  CHANNEL = 'CHANNEL',
  QUEUE = 'QUEUE',
  TEAM = 'TEAM',
  AGENT = 'AGENT',
}

export type DimensionColumn = 'channel' | 'queue_id' | 'team_id' | 'agent_id';

/** The column behind each dimension, in contacts and in both rollups (a whitelist). */
export const DIMENSION_COLUMN: Record<Dimension, DimensionColumn> = {
  [Dimension.CHANNEL]: 'channel',
  [Dimension.QUEUE]: 'queue_id',
  [Dimension.TEAM]: 'team_id',
  [Dimension.AGENT]: 'agent_id',
};

export interface ContactScope {
  channels?: Channel[];
  queueIds?: number[];
  teamIds?: number[];
  agentIds?: number[];
}

/** A validated KPI request: what the compiler turns into one SQL statement. */
export interface KpiRequest {
  organizationId: number;
  from: Date;
  to: Date;
  timeZone: string;
  filter: ContactScope;
  groupBy: Dimension[];
  granularity: Granularity | null;
  thresholds: Thresholds;
  /** Only these sums are computed: the ones the requested fields need. */
  sums: SumName[];
  /** When set, only contacts offered inside these spans count (an SLA policy's service hours). */
  windows?: readonly TimeSpan[];
  /**
   * More service-level thresholds (whole seconds, distinct, none equal to T): each
   * row also counts its contacts answered within each, in the same statement
   * (KpiRow.serviceLevel(thresholdSeconds:) and answeredWithinThreshold(thresholdSeconds:)).
   */
  withinThresholds?: readonly number[];
  /** Per measure, p of its percentile field asked (waitTimePercentile(p:), …), each 0 < p ≤ 1, distinct, sorted: each measure read by its own statement (percentiles.ts). */
  percentiles?: Partial<Record<PercentileMeasure, readonly number[]>>;
}

/** Which row of a report a statement's row is: its period and the members of its groups. */
export interface ReportGroup {
  /** 1-based index of the period; null on the total row. */
  period: number | null;
  channel: Channel | null;
  queueId: number | null;
  teamId: number | null;
  agentId: number | null;
  isTotal: boolean;
}

/** One group's sums, as the database returns them. */
export interface SumRow extends ReportGroup {
  sums: Partial<Record<SumName, number>>;
  /** Answered within each of the request's withinThresholds, in order; absent on rows without contacts (all 0). */
  within?: number[];
}
