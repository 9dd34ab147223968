import { FINEST_GRAIN, HANDLE_GRAINS, ROLLUP_AGGREGATES, ROLLUP_GRAINS, WAIT_GRAINS, type RollupGrain } from './contact-grains';
import { ACTIVITY_AGGREGATES, ACTIVITY_FINEST_GRAIN, ACTIVITY_GRAINS } from './activity-grains';

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
  /**
   * The finest delta's layout: every key by the shortest buckets, summed once from the
   * staged versions, and each rollup it can answer summed from it. Stored only if it
   * is one of `rollups`; else its table is the session's temporary one alone.
   */
  finest: RollupTable;
  /** Every rollup kept from the fact (stored tables). */
  rollups: readonly RollupTable[];
}

const keysOf = (alias: string, columns: readonly string[]) => columns.map((column) => ({ column, expr: `${alias}.${column}` }));

/** A grain of the read side's source plan, as the analytics modules declare them. */
type DeclaredGrain = Pick<RollupGrain, 'table' | 'interval' | 'ms' | 'local'> & { dimensions: readonly string[]; finer?: DeclaredGrain };

/**
 * The rollup tables of declared grains, each linked to the rollup it is summed from at
 * a rebuild. A distribution's grains add its value keys after the dimensions, and count
 * only the facts `where` holds.
 */
function rollupsOf(
  grains: readonly DeclaredGrain[],
  alias: string,
  sums: Readonly<Record<string, string>>,
  count: string,
  distribution: { values: RollupTable['keys']; where: string } | null = null,
): RollupTable[] {
  const byTable = new Map<string, RollupTable>();
  const of = (grain: DeclaredGrain): RollupTable => {
    let table = byTable.get(grain.table);
    if (!table) {
      const finer = grain.finer && of(grain.finer);
      const keys = [...keysOf(alias, grain.dimensions), ...(distribution?.values ?? [])];
      table = { table: grain.table, interval: grain.interval, ms: grain.ms, local: grain.local === true, keys, sums, count, finer };
      if (distribution) table.where = distribution.where;
      byTable.set(grain.table, table);
    }
    return table;
  };
  return grains.map(of);
}

/** A distribution's only sum: the contacts with each value. */
const CONTACTS_COUNTED = { contacts: 'count(*)' };

/** Inbound contacts per bucket × dimensions × answered × exact wait (WAIT_GRAINS): any service-level threshold is an exact sum, any wait percentile exact. */
const WAIT_ROLLUPS = rollupsOf(WAIT_GRAINS, 'c', CONTACTS_COUNTED, 'contacts', {
  values: [
    { column: 'answered', expr: 'c.answered_at is not null' },
    { column: 'wait_seconds', expr: 'c.wait_seconds' },
  ],
  where: `c.direction = 'INBOUND'`,
});

/** A handled contact's handle time (talk + hold + ACW) in whole seconds, over a contact row `c`: int8, three int4 maxima overflow int4. */
export const HANDLE_SECONDS = '(c.talk_seconds::int8 + c.hold_seconds + c.after_contact_work_seconds)';

/** Handled contacts (answered, either direction) per bucket × dimensions × exact handle time (HANDLE_GRAINS): any handle-time percentile is exact. */
const HANDLE_ROLLUPS = rollupsOf(HANDLE_GRAINS, 'c', CONTACTS_COUNTED, 'contacts', {
  values: [{ column: 'handle_seconds', expr: HANDLE_SECONDS }],
  where: 'c.answered_at is not null',
});

export const SURVEY_TALLIES = [
  'survey_invitations', 'survey_responses', 'csat_top2', 'csat_sum', 'resolution_answered', 'resolution_yes',
  'complaints', 'nps_answers', 'nps_promoters', 'nps_detractors',
] as const;

/** Per-contact QA tallies (contact-tallies.ts): its evaluations, the sum of their scores (numeric), its fatal errors. */
export const QA_TALLIES = ['qa_evaluations', 'qa_score_sum', 'qa_fatal_errors'] as const;

export const CONTACT_FACT: FactSpec = {
  table: 'contact',
  alias: 'c',
  time: 'offered_at',
  staged: [
    'id', 'customer_ref', 'offered_at', 'channel', 'direction', 'queue_id', 'team_id', 'agent_id', 'answered_at',
    'wait_seconds', 'talk_seconds', 'hold_seconds', 'after_contact_work_seconds', 'transfers', 'first_contact_resolved',
    ...SURVEY_TALLIES,
    ...QA_TALLIES,
  ],
  deltaTable: 'contact_delta',
  finest: rollupsOf([FINEST_GRAIN], 'c', ROLLUP_AGGREGATES, 'contacts')[0]!,
  rollups: [...rollupsOf(ROLLUP_GRAINS, 'c', ROLLUP_AGGREGATES, 'contacts'), ...WAIT_ROLLUPS, ...HANDLE_ROLLUPS],
};

/** Agent activity's sums, and the count of records a row holds (a row no record falls in any more is deleted). */
const ACTIVITY_SUMS: Readonly<Record<string, string>> = { ...ACTIVITY_AGGREGATES, records: 'count(*)' };

const ACTIVITY_ROLLUPS = rollupsOf(ACTIVITY_GRAINS, 'a', ACTIVITY_SUMS, 'records');

export const ACTIVITY_FACT: FactSpec = {
  table: 'agent_activity',
  alias: 'a',
  time: 'interval_start',
  staged: ['agent_id', 'team_id', 'interval_start', 'logged_in_seconds', 'available_seconds', 'handling_seconds', 'not_ready_seconds', 'hourly_cost'],
  deltaTable: 'activity_delta',
  finest: ACTIVITY_ROLLUPS[ACTIVITY_GRAINS.indexOf(ACTIVITY_FINEST_GRAIN)]!,
  rollups: ACTIVITY_ROLLUPS,
};

/** Whether the fact's finest delta layout is also a stored rollup. */
export const finestStored = (fact: FactSpec) => fact.rollups.includes(fact.finest);
