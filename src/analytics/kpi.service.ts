import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../warehouse/channels';
import type { AgentRecord, DirectoryLoaders, QueueRecord, TeamRecord } from '../org/directory.loaders';
import { badUserInput, describeProblems } from '../platform/errors';
import { isRanked, rank, rankingMetrics, rankingProblems, type Ranking } from './kpi-ranking';
import { DISTRIBUTIONS, compilePercentiles, decodePercentileRows, percentileKey } from './percentiles';
import { GRANULARITIES_FINEST_FIRST, countPeriods, isValidTimeZone, periodBoundaries, periodLabel, previousPeriodStart, type Granularity } from '../platform/calendar';
import { activityScope, mergeActivity, type ActivityScope } from './activity-rows';
import { compileActivityQuery, compileKpiQuery, countedRanges, decodeSumRows } from './kpi.compiler';
import { Dimension, PERCENTILE_MEASURES, type ContactScope, type KpiRequest, type PercentileMeasure, type SumRow } from './kpi.request';
import { checkTimeRange } from './query.inputs';
import type { TimeSpan } from './source-plan';
import { computeMetrics, metricsComputer, sumsFor, type SumName } from './metric-catalog';
import { readFactsVersion } from '../warehouse/facts-version';
import type { KpiResultCache } from '../platform/kpi-result-cache';

export const MAX_ROWS = 10_000;
export const MAX_RANGE_DAYS = 5 * 366;
/** The largest threshold a field argument may name: a day. */
export const MAX_THRESHOLD_SECONDS = 86_400;

/** What a client asks for, before validation. */
export interface KpiAsk {
  organizationId: number;
  from: Date;
  to: Date;
  timeZone?: string | null;
  filter?: ContactScope | null;
  groupBy?: Dimension[] | null;
  granularity?: Granularity | null;
  serviceLevelThresholdSeconds?: number | null;
  shortAbandonSeconds?: number | null;
  /** KpiRow fields the client selected; metrics outside the catalog are ignored. */
  fields: Iterable<string>;
  /** false: rows without periodLabel (null), for callers that never show it (staffing's 52 weekly reports). */
  labels?: boolean;
  /** Only contacts offered inside these spans count (an SLA policy's service hours). */
  windows?: readonly TimeSpan[];
  /** Fill each row's `previous`. */
  compareWithPrevious?: boolean;
  /** Service-level thresholds asked through field arguments, besides the query's T (0..86,400 s). */
  withinThresholds?: readonly number[];
  /** having, orderBy and limit over the rows (never the total). */
  ranking?: Ranking | null;
  /** Per measure, p of its percentiles asked (0 < p ≤ 1). */
  percentiles?: Partial<Record<PercentileMeasure, readonly number[]>>;
}

export interface KpiRowResult {
  periodStart: Date | null;
  periodEnd: Date | null;
  /** The period as named in the query's zone ("2026-W44"); null without granularity. */
  periodLabel: string | null;
  /** The row's calendar period is not wholly inside the range. */
  partial: boolean;
  channel: Channel | null;
  queue: QueueRecord | null;
  team: TeamRecord | null;
  agent: AgentRecord | null;
  metrics: Record<string, number | null>;
  /** With withinThresholds: answered within each, in the request's order (absent: all 0). */
  within?: number[];
  /** With withinThresholds: answered + abandoned, the service level's denominator. */
  qualifying?: number;
  /** Per measure asked: each p's value, in the request's order (absent: no contact in the measure, all null). */
  percentiles?: Partial<Record<PercentileMeasure, Array<number | null>>>;
  /** With compareWithPrevious: the same group in the preceding period. */
  previous?: KpiRowResult;
}

export interface KpiReportResult {
  rows: KpiRowResult[];
  total: KpiRowResult;
  /** The query's T and the other thresholds of `within`, and the p of each measure's `percentiles`, as validated. */
  thresholds: { serviceLevelSeconds: number; within: readonly number[]; percentiles: Partial<Record<PercentileMeasure, readonly number[]>> };
}

export interface ReportOptions {
  /** Read raw contacts only (the reference path). */
  rawOnly?: boolean;
  maxRows?: number;
}

/**
 * Each organization's reporting zone as last read (a hint: every answer brings the
 * zone of its own snapshot), so a query cut in it is planned over its local days.
 */
const REPORTING_ZONES = new Map<number, string>();

/** Notes a reporting zone just set, so this server's next report is planned for it at once. */
export function rememberReportingZone(organizationId: number, zone: string): void {
  REPORTING_ZONES.set(organizationId, zone);
}

/** A row's group and, with a granularity, the instant that identifies its period. */
const groupKey = (row: KpiRowResult, period: Date | null) =>
  [period?.toISOString(), row.channel, row.queue?.id, row.team?.id, row.agent?.id].join('|');

export class KpiService {
  /** `results`: this server's KPI result cache (none: every statement runs). */
  constructor(
    private readonly em: EntityManager,
    private readonly loaders: DirectoryLoaders,
    private readonly results: KpiResultCache | null = null,
  ) {}

  /**
   * A statement through knex, so values travel as real bind parameters; inside the
   * entity manager's transaction when it has one (the SLA alerts evaluate a card in
   * the writer's transaction, which must see the write's own rollups).
   */
  private raw(text: string, values: readonly unknown[]) {
    const query = this.em.getKnex().raw(text, values as never[]);
    const transaction = this.em.getTransactionContext();
    return transaction ? query.transacting(transaction) : query;
  }

  /**
   * A statement's rows: from the result cache when it holds them for `version`, else
   * run (and kept under `version`, read before the statement). No version: just run.
   */
  private async rowsOf(organizationId: number, version: string | null, text: string, values: readonly unknown[]): Promise<readonly any[]> {
    if (version === null || !this.results) return (await this.raw(text, values)).rows;
    const cached = this.results.get(organizationId, version, text, values);
    if (cached) return cached;
    const { rows } = await this.raw(text, values);
    this.results.set(organizationId, version, text, values, rows);
    return rows;
  }

  async report(ask: KpiAsk, options: ReportOptions = {}): Promise<KpiReportResult> {
    return this.reportAt(ask, options, undefined);
  }

  /**
   * `version`: the facts version its statements are cached under, read once per report
   * (the previous period's reports reuse it); undefined: read it first. Never inside a
   * transaction: its own uncommitted writes are no version's facts.
   */
  private async reportAt(ask: KpiAsk, options: ReportOptions, known: string | null | undefined): Promise<KpiReportResult> {
    const request = validateKpiAsk(ask);
    const version =
      known !== undefined ? known : this.results && !this.em.isInTransaction() ? await readFactsVersion(this.em, request.organizationId) : null;
    const boundaries = request.granularity
      ? periodBoundaries(request.from, request.to, request.granularity, request.timeZone)
      : [request.from, request.to];
    const activity = activityScope(request);
    const [[contactRows, activityRows], percentiles] = await Promise.all([
      this.sumRows(request, boundaries, activity, options, version),
      this.percentiles(request, boundaries, version),
    ]);
    const periodOf = (r: SumRow) =>
      r.isTotal ? { from: request.from, to: request.to } : { from: boundaries[r.period! - 1]!, to: boundaries[r.period!]! };
    const sumRows = mergeActivity(contactRows, activityRows, activity, periodOf, countedRanges(request));
    const groups = sumRows.filter((r) => !r.isTotal);
    const maxRows = options.maxRows ?? MAX_ROWS;
    if (groups.length > maxRows) throw tooManyRows(request, groups.length, boundaries.length - 1, maxRows);

    // Dimension members are loaded once per report (one batched query per type), both
    // to order rows by key and to hand them to GraphQL without per-row resolvers.
    const { queues, teams, agents } = await this.members(request.organizationId, version, groups);
    const metricsOf = metricsComputer(ask.fields);
    const rankedMetricsOf = isRanked(ask.ranking) ? metricsComputer(rankingMetrics(ask.ranking)) : null;
    const withThresholds = (request.withinThresholds?.length ?? 0) > 0;
    const labelOf = ask.labels === false ? () => null : periodLabels(request, boundaries);
    const shape = (r: SumRow | undefined): KpiRowResult => {
      const period = request.granularity && r?.period ? r.period : null;
      const row: KpiRowResult = {
        periodStart: period ? boundaries[period - 1]! : null,
        periodEnd: period ? boundaries[period]! : null,
        periodLabel: period ? labelOf(period) : null,
        partial: period ? boundaries[period - 1]! < request.from || boundaries[period]! > request.to : false,
        channel: r?.channel ?? null,
        queue: queues.get(r?.queueId ?? null) ?? null,
        team: teams.get(r?.teamId ?? null) ?? null,
        agent: agents.get(r?.agentId ?? null) ?? null,
        metrics: metricsOf(r?.sums ?? {}),
      };
      if (withThresholds) {
        row.within = r?.within;
        row.qualifying = (r?.sums.answered ?? 0) + (r?.sums.abandoned ?? 0);
      }
      if (percentiles && r) {
        const key = percentileKey(r);
        row.percentiles = {};
        for (const [measure, values] of percentiles) row.percentiles[measure] = values.get(key);
      }
      return row;
    };
    const total = shape(sumRows.find((r) => r.isTotal));
    const thresholds = {
      serviceLevelSeconds: request.thresholds.serviceLevelSeconds,
      within: request.withinThresholds ?? [],
      percentiles: request.percentiles ?? {},
    };
    const ordered = order(groups, request.groupBy, { queues, teams, agents });
    // The top N is chosen over the sums, before shaping: only the rows kept are shaped.
    const kept = isRanked(ask.ranking) ? rank(ordered, ask.ranking, (r) => rankedMetricsOf!(r.sums)) : ordered;
    const report = { rows: kept.map(shape), total, thresholds };
    if (ask.compareWithPrevious) await this.attachPrevious(ask, request, boundaries, report, options, version);
    return report;
  }

  /**
   * The directory members the rows name, cached like the statements' results: a
   * member's key, name and team change only under the organization's write lock (new
   * members and agents' teams with their facts, setQueueTeam, the demo's names), which
   * sets a new facts version. Shared records: read-only.
   */
  private async members(organizationId: number, version: string | null, groups: readonly SumRow[]): Promise<Members> {
    const idsOf = (id: (r: SumRow) => number | null) => [...new Set(groups.map(id).filter((i): i is number => i !== null))].sort((a, b) => a - b);
    const ids = [idsOf((r) => r.queueId), idsOf((r) => r.teamId), idsOf((r) => r.agentId)];
    const cache = version !== null && ids.some((list) => list.length > 0) ? this.results : null;
    let lists = cache?.get(organizationId, version!, MEMBERS, ids) as [QueueRecord[], TeamRecord[], AgentRecord[]] | undefined;
    if (!lists) {
      const loaded = await Promise.all([load(this.loaders.queue, ids[0]!), load(this.loaders.team, ids[1]!), load(this.loaders.agent, ids[2]!)]);
      lists = [loaded[0].records, loaded[1].records, loaded[2].records];
      // A lookup that failed leaves its members out of this report only.
      if (!loaded.some((l) => l.failed)) cache?.set(organizationId, version!, MEMBERS, ids, lists);
    }
    const byId = <T extends { id: number }>(records: readonly T[]) => new Map<number | null, T>(records.map((r) => [r.id, r]));
    return { queues: byId(lists[0]), teams: byId(lists[1]), agents: byId(lists[2]) };
  }

  /**
   * The contact and activity sums of the request (with their totals), read in parallel.
   * Compiled for the organization's reporting zone as last seen; each answer carries the
   * zone of its own snapshot, and a plan that read local days of another zone (it
   * changed meanwhile) is made and read again.
   */
  private async sumRows(
    request: KpiRequest,
    boundaries: Date[],
    activity: ActivityScope,
    options: ReportOptions,
    version: string | null,
  ): Promise<[SumRow[], SumRow[]]> {
    const org = request.organizationId;
    const reportingZone = REPORTING_ZONES.get(org) ?? null;
    const compileOptions = { boundaries, rawOnly: options.rawOnly, reportingZone };
    const contact = compileKpiQuery(request, compileOptions);
    const queries = [contact, ...(activity.total ? [compileActivityQuery(activity.rows ? request : { ...request, groupBy: [] }, compileOptions)] : [])];
    // Contact rows carry the sums mergeActivity sets on them from the start (see decodeSumRows).
    const contactRowKeys: SumName[] = activity.rows ? [...request.sums, 'elapsedSeconds'] : request.sums;
    // Through knex so the values travel as real bind parameters ($1, $2, …) to PostgreSQL.
    const answers = await Promise.all(
      queries.map(async (query) => {
        const [answer] = await this.rowsOf(org, version, query.sql.text, query.sql.values);
        const { rows, reporting_zone: zone } = answer as { rows: string; reporting_zone: string };
        const { rows: decoded, total } = decodeSumRows(rows, query, query === contact ? contactRowKeys : query.sums);
        return { rows: [...decoded, total], stale: query.localDaysOf !== null && query.localDaysOf !== zone, zone };
      }),
    );
    REPORTING_ZONES.set(org, answers[0]!.zone);
    if (answers.some((a) => a.stale)) return this.sumRows(request, boundaries, activity, options, version);
    return [answers[0]!.rows, answers[1]?.rows ?? []];
  }

  /** Per measure asked, the percentiles of every row and of the total by row key (one statement each, in parallel); null when none is asked. */
  private async percentiles(request: KpiRequest, boundaries: readonly Date[], version: string | null): Promise<Array<[PercentileMeasure, Map<string, Array<number | null>>]> | null> {
    const asked = PERCENTILE_MEASURES.flatMap((m) => (request.percentiles?.[m]?.length ? [[m, request.percentiles[m]!] as const] : []));
    if (asked.length === 0) return null;
    return Promise.all(
      asked.map(async ([measure, ps]) => {
        const query = compilePercentiles(request, boundaries, DISTRIBUTIONS[measure], ps);
        const rows = await this.rowsOf(request.organizationId, version, query.text, query.values);
        return [measure, new Map(decodePercentileRows(rows, ps).map((r) => [percentileKey(r), r.values]))] as [PercentileMeasure, Map<string, Array<number | null>>];
      }),
    );
  }

  /**
   * Previous figures: with a granularity, each row's group over the whole preceding
   * calendar period (one extra report from the period before the first to the start
   * of the last); the total, and every row without granularity, over the preceding
   * range of equal length.
   */
  private async attachPrevious(ask: KpiAsk, request: KpiRequest, boundaries: Date[], report: KpiReportResult, options: ReportOptions, version: string | null) {
    const length = request.to.getTime() - request.from.getTime();
    // The previous figures of the rows kept: no ranking of their own.
    const before = { ...ask, from: new Date(request.from.getTime() - length), to: request.from, compareWithPrevious: false, ranking: null };
    const equalLength = await this.reportAt({ ...before, granularity: null, groupBy: request.granularity ? [] : request.groupBy }, options, version);
    report.total.previous = equalLength.total;

    const byGroup = new Map<string, KpiRowResult>();
    if (request.granularity) {
      const granularity = request.granularity;
      const first = previousPeriodStart(boundaries[0]!, granularity, request.timeZone);
      const periods = await this.reportAt({ ...before, from: first, to: boundaries[boundaries.length - 2]! }, options, version);
      for (const row of periods.rows) byGroup.set(groupKey(row, row.periodEnd), row);
      for (const row of report.rows) {
        const start = previousPeriodStart(row.periodStart!, granularity, request.timeZone);
        row.previous = byGroup.get(groupKey(row, row.periodStart)) ?? {
          ...emptyLike(row),
          periodStart: start,
          periodEnd: row.periodStart,
          periodLabel: periodLabel(start, granularity, request.timeZone),
          partial: false,
        };
      }
    } else {
      for (const row of equalLength.rows) byGroup.set(groupKey(row, null), row);
      for (const row of report.rows) {
        row.previous = byGroup.get(groupKey(row, null)) ?? emptyLike(row);
      }
    }
  }
}

/** Each period's label (by its 1-based index), computed once per period. */
function periodLabels(request: KpiRequest, boundaries: readonly Date[]): (period: number) => string {
  const labels = new Map<number, string>();
  return (period) => {
    let label = labels.get(period);
    if (label === undefined) labels.set(period, (label = periodLabel(boundaries[period - 1]!, request.granularity!, request.timeZone)));
    return label;
  };
}

/** The row's group with no contacts: its metrics' zeros and nulls. */
function emptyLike(row: KpiRowResult): KpiRowResult {
  const empty: KpiRowResult = { ...row, metrics: computeMetrics({}, Object.keys(row.metrics)), previous: undefined };
  if (row.within) empty.within = undefined;
  if (row.qualifying !== undefined) empty.qualifying = 0;
  if (row.percentiles) empty.percentiles = {};
  return empty;
}

/** The cache's statement text for a report's directory members (KpiService.members). */
const MEMBERS = 'directory members: queue, team and agent ids';

async function load<T extends { id: number }>(loader: { loadMany(ids: number[]): Promise<Array<T | null | Error>> }, ids: number[]) {
  const entities = await loader.loadMany(ids);
  return { records: entities.flatMap((e) => (e && !(e instanceof Error) ? [e] : [])), failed: entities.some((e) => e instanceof Error) };
}

interface Members {
  queues: Map<number | null, QueueRecord>;
  teams: Map<number | null, TeamRecord>;
  agents: Map<number | null, AgentRecord>;
}

/** By period, then the grouped dimensions' keys in groupBy order; "none" last. */
function order(rows: SumRow[], groupBy: Dimension[], members: Members): SumRow[] {
  const keyOf = (r: SumRow, d: Dimension): string | null => {
    switch (d) {
      case Dimension.CHANNEL: return r.channel;
      case Dimension.QUEUE: return members.queues.get(r.queueId)?.key ?? null;
      case Dimension.TEAM: return members.teams.get(r.teamId)?.key ?? null;
      case Dimension.AGENT: return members.agents.get(r.agentId)?.key ?? null;
    }
  };
  // Each dimension's distinct keys are ranked once (a report has a few hundred at most),
  // and the sort compares numbers in typed arrays: no string comparisons, no per-row objects.
  const periods = Float64Array.from(rows, (r) => r.period ?? 0);
  const ranks = groupBy.map((d) => {
    const keys = [...new Set(rows.map((r) => keyOf(r, d)))].sort((x, y) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1));
    const rank = new Map(keys.map((k, i) => [k, i]));
    return Int32Array.from(rows, (r) => rank.get(keyOf(r, d))!);
  });
  const index = Array.from(rows, (_, i) => i);
  index.sort((a, b) => {
    if (periods[a] !== periods[b]) return periods[a]! - periods[b]!;
    for (const rank of ranks) if (rank[a] !== rank[b]) return rank[a]! - rank[b]!;
    return 0;
  });
  return index.map((i) => rows[i]!);
}

/** Checks a request and applies the contract's defaults; every error names its argument. */
export function validateKpiAsk(ask: KpiAsk): KpiRequest {
  const problem = (field: string, rule: string, message: string) => badUserInput(`${field}: ${message}`, [{ field, rule, message }]);
  checkTimeRange(ask, { field: 'range', maxDays: MAX_RANGE_DAYS });
  const timeZone = ask.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw problem('timeZone', 'UNKNOWN_TIME_ZONE', `"${timeZone}" is not an IANA time zone name`);
  const T = ask.serviceLevelThresholdSeconds ?? 20;
  const S = ask.shortAbandonSeconds ?? 0;
  if (!Number.isInteger(T) || T < 0) throw problem('serviceLevelThresholdSeconds', 'NEGATIVE', 'must be a whole number ≥ 0');
  for (const p of PERCENTILE_MEASURES.flatMap((m) => ask.percentiles?.[m] ?? [])) {
    if (!(Number.isFinite(p) && p > 0 && p <= 1)) throw problem('p', 'OUT_OF_RANGE', `a percentile's p must be greater than 0 and at most 1, got ${p}`);
  }
  for (const t of ask.withinThresholds ?? []) {
    if (!Number.isInteger(t) || t < 0 || t > MAX_THRESHOLD_SECONDS) {
      throw problem('thresholdSeconds', 'OUT_OF_RANGE', `must be a whole number of seconds from 0 to ${MAX_THRESHOLD_SECONDS}, got ${t}`);
    }
  }
  if (!Number.isInteger(S) || S < 0) throw problem('shortAbandonSeconds', 'NEGATIVE', 'must be a whole number ≥ 0');
  const ranking = ask.ranking ?? null;
  const rankingFaults = ranking ? rankingProblems(ranking) : [];
  if (rankingFaults.length) throw badUserInput(describeProblems('query', rankingFaults), rankingFaults);
  const granularity = ask.granularity ?? null;
  if (granularity && countPeriods(ask.from, ask.to, granularity, timeZone, MAX_ROWS) > MAX_ROWS) {
    throw problem('granularity', 'TOO_MANY_ROWS', `more than ${MAX_ROWS} periods; ${suggestion(ask.from, ask.to, timeZone, 1)}`);
  }
  return {
    organizationId: ask.organizationId,
    from: ask.from,
    to: ask.to,
    timeZone,
    filter: ask.filter ?? {},
    groupBy: [...new Set(ask.groupBy ?? [])],
    granularity,
    thresholds: { serviceLevelSeconds: T, shortAbandonSeconds: S },
    sums: sumsFor([...ask.fields, ...(ranking ? rankingMetrics(ranking) : [])]),
    windows: ask.windows,
    withinThresholds: [...new Set(ask.withinThresholds ?? [])].filter((t) => t !== T).sort((a, b) => a - b),
    percentiles: Object.fromEntries(PERCENTILE_MEASURES.map((m) => [m, [...new Set(ask.percentiles?.[m] ?? [])].sort((a, b) => a - b)])),
  };
}

function tooManyRows(request: KpiRequest, rows: number, periods: number, maxRows: number) {
  const perPeriod = Math.max(1, Math.ceil(rows / Math.max(1, periods)));
  const message = `the report would have ${rows} rows, more than ${maxRows}; ${suggestion(request.from, request.to, request.timeZone, perPeriod, maxRows)}`;
  return badUserInput(`granularity: ${message}`, [{ field: 'granularity', rule: 'TOO_MANY_ROWS', message }]);
}

/** Names the finest granularity whose periods × rows per period fit the limit. */
function suggestion(from: Date, to: Date, zone: string, rowsPerPeriod: number, maxRows = MAX_ROWS): string {
  for (const g of GRANULARITIES_FINEST_FIRST) {
    if (countPeriods(from, to, g, zone, maxRows) * rowsPerPeriod <= maxRows) return `use granularity ${g} or coarser, or a shorter range`;
  }
  return 'use a shorter range, fewer groupBy dimensions or a narrower filter';
}
