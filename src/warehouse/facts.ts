import { DIMENSIONS } from './dimensions';
import { BUCKET_MS, ROLLUP_AGGREGATES, ROLLUP_GRAINS, type RollupGrain } from '../analytics/contact-sums';

/**
 * Fact specifications: each fact table with the rollup tables kept from it. The
 * upkeep (deltas.ts) and the rebuild (rebuild.ts) are derived from these, so a
 * rollup is declared once: its buckets, its key columns and its sums.
 */

/** A rollup table of a fact: rows keyed by (organization_id, bucket, keys), constraint `<table>_key`. */
export interface RollupTable {
  table: string;
  /** UTC-aligned buckets of this length (a PostgreSQL interval in hours or less), or the days of the reporting zone. */
  interval: string;
  ms: number;
  local: boolean;
  /** Key columns after organization_id and bucket, each with its expression over a fact row. */
  keys: ReadonlyArray<{ column: string; expr: string }>;
  /** Sum columns, each with its aggregate over fact rows. */
  sums: Readonly<Record<string, string>>;
  /** Only fact rows matching this condition count. */
  where?: string;
  /** The sum that counts a group's fact rows: a group whose count drops to 0 holds no fact any more and is deleted. */
  count: string;
  /** For the rebuild: the rollup whose rows this one sums (same or shorter buckets, a superset of its keys); none: the facts. */
  finer?: RollupTable;
}

export interface FactSpec {
  table: string;
  /** The alias the aggregates use for a fact row. */
  alias: string;
  /** The column that times a fact. */
  time: string;
  /** The columns staged for a delta: every one the rollups' keys, conditions and sums read, and what the upkeep needs besides. */
  staged: readonly string[];
  /** The session's temporary table of staged versions (sign −1: a version replaced, +1: the version written). */
  deltaTable: string;
  /** Every rollup kept from the fact. */
  rollups: readonly RollupTable[];
}

const keysOf = (alias: string, columns: readonly string[]) => columns.map((column) => ({ column, expr: `${alias}.${column}` }));

function contactRollup(grain: RollupGrain, finer: RollupTable | undefined): RollupTable {
  return {
    table: grain.table,
    interval: grain.interval,
    ms: grain.ms,
    local: grain.local === true,
    keys: keysOf('c', grain.dimensions),
    sums: ROLLUP_AGGREGATES,
    count: 'contacts',
    finer,
  };
}

/** The contact grains, each linked to the rollup it is summed from at a rebuild. */
function contactGrains(): RollupTable[] {
  const byTable = new Map<string, RollupTable>();
  const of = (grain: RollupGrain): RollupTable => {
    let table = byTable.get(grain.table);
    if (!table) byTable.set(grain.table, (table = contactRollup(grain, grain.finer && of(grain.finer))));
    return table;
  };
  return ROLLUP_GRAINS.map(of);
}

/** Inbound contacts per quarter hour × channel × queue × team × agent × answered × exact wait: any service-level threshold is an exact sum. */
const WAIT_ROLLUP: RollupTable = {
  table: 'contact_wait_rollup',
  interval: '15 minutes',
  ms: BUCKET_MS,
  local: false,
  keys: [
    ...keysOf('c', DIMENSIONS.filter((d) => d.column !== 'direction').map((d) => d.column)),
    { column: 'answered', expr: 'c.answered_at is not null' },
    { column: 'wait_seconds', expr: 'c.wait_seconds' },
  ],
  sums: { contacts: 'count(*)' },
  where: `c.direction = 'INBOUND'`,
  count: 'contacts',
};

export const SURVEY_TALLIES = [
  'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes',
  'complaints', 'nps_answers', 'nps_promoters', 'nps_detractors',
] as const;

export const CONTACT_FACT: FactSpec = {
  table: 'contact',
  alias: 'c',
  time: 'offered_at',
  staged: [
    'id', 'customer_ref', 'offered_at', 'channel', 'direction', 'queue_id', 'team_id', 'agent_id', 'answered_at',
    'wait_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers', 'first_contact_resolved',
    ...SURVEY_TALLIES,
  ],
  deltaTable: 'contact_delta',
  rollups: [...contactGrains(), WAIT_ROLLUP],
};

/** The finest rollup of a fact, with every key, summed from the facts (a local day's edges lie on its buckets). */
export function finestOf(fact: FactSpec): RollupTable {
  return fact.rollups.find((r) => !r.finer && !r.local && !r.where)!;
}
