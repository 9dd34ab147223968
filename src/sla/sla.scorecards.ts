import type { EntityManager } from '@mikro-orm/postgresql';
import { nextPeriodStart, periodStart, previousPeriodStart } from '../platform/calendar';
import { Dimension } from '../analytics/kpi.request';
import type { KpiResultCache } from '../platform/kpi-result-cache';
import { KpiService, type KpiReportResult, type KpiRowResult } from '../analytics/kpi.service';
import type { AgentRecord, QueueRecord, TeamRecord } from '../org/directory.loaders';
import type { Channel } from '../warehouse/channels';
import type { DirectoryLoaders } from '../org/directory.loaders';
import { badUserInput } from '../platform/errors';
import { evaluateScorecard, slaStatus, targetDirection, type MetricValues, type Scorecard, type SlaStatus } from './evaluation';
import { openIntervals } from './service-hours';
import { SLA_PERIOD_GRANULARITY, type ChannelThreshold } from './sla-policy';
import { versionFor, type SlaPolicyVersion } from './sla.store';
import { summarizeTrend, type TrendSummary } from './trend';

export const MAX_TREND_PERIODS = 120;

/** One evaluated card: the policy-wide one, or a channel's, queue's, team's or agent's on a drill-down. */
export interface ScorecardResult extends Scorecard {
  version: SlaPolicyVersion;
  periodStart: Date;
  periodEnd: Date;
  channel: Channel | null;
  queue: QueueRecord | null;
  team: TeamRecord | null;
  agent: AgentRecord | null;
  /** A drill-down card of the contacts without the drill-down's dimension. */
  unassigned: boolean;
}

export interface TargetTrendResult extends TrendSummary {
  metric: string;
  values: Array<number | null>;
  statuses: SlaStatus[];
}

interface Period {
  start: Date;
  end: Date;
  version: SlaPolicyVersion;
}

/** One period measured under its version: the policy-wide figures and, on a drill-down, each group's. */
interface Measured extends Period {
  total: MetricValues;
  groups: KpiRowResult[];
}

/**
 * Scorecards and trends: each period is measured with the version in force then
 * (scope, service hours, T and S), through the KPI engine restricted to the
 * contacts offered inside service hours, and judged by the pure evaluation core.
 */
export class SlaScorecards {
  private readonly kpis: KpiService;

  constructor(em: EntityManager, loaders: DirectoryLoaders, private readonly organizationId: number, results: KpiResultCache | null = null) {
    this.kpis = new KpiService(em, loaders, results);
  }

  async scorecard(versions: readonly SlaPolicyVersion[], instant: Date, drillDown: Dimension | null): Promise<ScorecardResult[]> {
    const period = periodOf(versions, instant);
    const previous = previousOf(versions, period);
    const metrics = period.version.definition.targets.map((t) => t.metric);
    const [now, before] = await Promise.all([this.measure(period, metrics, drillDown), this.measure(previous, metrics, drillDown)]);
    const cards = [card(now, now.total, before.total, null)];
    if (drillDown) {
      const earlier = new Map(before.groups.map((r) => [memberOf(r, drillDown), r.metrics]));
      const groups = now.groups.map((r) => card(now, r.metrics, earlier.get(memberOf(r, drillDown)) ?? {}, r, drillDown));
      cards.push(...groups.sort(worstFirst));
    }
    return cards;
  }

  /** The policy-wide card of the period containing `instant`, without the previous period (alerts compare statuses, not values). */
  async currentCard(versions: readonly SlaPolicyVersion[], instant: Date): Promise<ScorecardResult> {
    const period = periodOf(versions, instant);
    const metrics = period.version.definition.targets.map((t) => t.metric);
    const now = await this.measure(period, metrics, null);
    return card(now, now.total, {}, null);
  }

  /** The last `count` cards (oldest first) up to the period containing `endingWith`, and each target's trend. */
  async trend(versions: readonly SlaPolicyVersion[], count: number, endingWith: Date): Promise<{ cards: ScorecardResult[]; targets: TargetTrendResult[] }> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_TREND_PERIODS) {
      throw badUserInput(`periods: must be from 1 to ${MAX_TREND_PERIODS}`, [
        { field: 'periods', rule: 'OUT_OF_RANGE', message: `must be from 1 to ${MAX_TREND_PERIODS}` },
      ]);
    }
    const last = periodOf(versions, endingWith);
    const periods: Period[] = [last];
    while (periods.length < count + 1) periods.unshift(previousOf(versions, periods[0]!));
    const targets = last.version.definition.targets;
    const measured = await Promise.all(
      periods.map((p) => this.measure(p, [...new Set([...p.version.definition.targets, ...targets].map((t) => t.metric))], null)),
    );
    const cards = measured.slice(1).map((m, i) => card(m, m.total, measured[i]!.total, null));
    const trends = targets.map((target) => {
      const values = measured.slice(1).map((m) => m.total[target.metric] ?? null);
      // A period's status is its own version's verdict on the metric, else the current target's.
      const statuses = cards.map((c, i) => {
        const own = c.targets.find((t) => t.metric === target.metric && t.comparator === target.comparator);
        return own ? own.status : slaStatus(values[i], target);
      });
      return { metric: target.metric, values, statuses, ...summarizeTrend(values, statuses, targetDirection(target)) };
    });
    return { cards, targets: trends };
  }

  private async measure(period: Period, metrics: string[], drillDown: Dimension | null): Promise<Measured> {
    const d = period.version.definition;
    const windows = openIntervals(d, period.start, period.end).map((i) => ({ from: i.start, to: i.end }));
    const ask = {
      organizationId: this.organizationId,
      from: period.start,
      to: period.end,
      timeZone: d.timeZone,
      filter: d.scope,
      groupBy: drillDown ? [drillDown] : [],
      granularity: null,
      serviceLevelThresholdSeconds: d.serviceLevelThresholdSeconds,
      shortAbandonSeconds: d.shortAbandonSeconds,
      fields: metrics,
      windows,
    };
    const channelTs = d.channelThresholds?.length && metrics.some((m) => THRESHOLD_METRICS.includes(m)) ? d.channelThresholds : null;
    const [report, byChannel] = await Promise.all([
      this.kpis.report(ask),
      // With channels of their own T: answered within each channel's T, by channel (and drill-down member).
      channelTs
        ? this.kpis.report({
            ...ask,
            groupBy: [...new Set([...ask.groupBy, Dimension.CHANNEL])],
            fields: ['answered', 'abandoned', 'answeredWithinThreshold'],
            withinThresholds: [...new Set([d.serviceLevelThresholdSeconds, ...channelTs.map((c) => c.serviceLevelThresholdSeconds)])],
          })
        : null,
    ]);
    if (byChannel) applyChannelThresholds(report, byChannel, d.serviceLevelThresholdSeconds, channelTs!, drillDown);
    return { ...period, total: report.total.metrics, groups: report.rows };
  }
}

/** The KPIs that depend on T. */
const THRESHOLD_METRICS = ['serviceLevel', 'answeredWithinThreshold'];

/**
 * Replaces serviceLevel and answeredWithinThreshold of every row and the total by
 * their per-channel sums: a contact counts as answered within its channel's T (the
 * policy's T for channels not listed), over the same qualifying contacts.
 */
function applyChannelThresholds(
  report: KpiReportResult,
  byChannel: KpiReportResult,
  defaultT: number,
  channelTs: readonly ChannelThreshold[],
  drillDown: Dimension | null,
): void {
  const { serviceLevelSeconds, within: others } = byChannel.thresholds;
  const sums = new Map<string | null, { within: number; qualifying: number }>();
  const total = { within: 0, qualifying: 0 };
  for (const row of byChannel.rows) {
    const t = channelTs.find((c) => c.channel === row.channel)?.serviceLevelThresholdSeconds ?? defaultT;
    // The query's own T is answeredWithinThreshold; the others come in `within`, in order.
    const within = (t === serviceLevelSeconds ? row.metrics.answeredWithinThreshold : row.within?.[others.indexOf(t)]) ?? 0;
    const qualifying = (row.metrics.answered ?? 0) + (row.metrics.abandoned ?? 0);
    const member = drillDown ? memberOf(row, drillDown) : null;
    const sum = sums.get(member) ?? { within: 0, qualifying: 0 };
    sums.set(member, { within: sum.within + within, qualifying: sum.qualifying + qualifying });
    total.within += within;
    total.qualifying += qualifying;
  }
  const set = (row: KpiRowResult, sum = { within: 0, qualifying: 0 }) => {
    if ('answeredWithinThreshold' in row.metrics) row.metrics.answeredWithinThreshold = sum.within;
    if ('serviceLevel' in row.metrics) row.metrics.serviceLevel = sum.qualifying > 0 ? sum.within / sum.qualifying : null;
  };
  set(report.total, total);
  for (const row of report.rows) set(row, sums.get(drillDown ? memberOf(row, drillDown) : null));
}

/** The drill-down member of a row: a channel name or a directory id; null for contacts without one. */
function memberOf(row: Pick<KpiRowResult, 'channel' | 'queue' | 'team' | 'agent'>, drillDown: Dimension): string | null {
  switch (drillDown) {
    case Dimension.CHANNEL:
      return row.channel;
    case Dimension.QUEUE:
      return row.queue ? String(row.queue.id) : null;
    case Dimension.TEAM:
      return row.team ? String(row.team.id) : null;
    case Dimension.AGENT:
      return row.agent ? String(row.agent.id) : null;
  }
}

function card(period: Measured, actuals: MetricValues, previous: MetricValues, group: KpiRowResult | null, drillDown?: Dimension): ScorecardResult {
  return {
    ...evaluateScorecard(period.version.definition.targets, actuals, previous),
    version: period.version,
    periodStart: period.start,
    periodEnd: period.end,
    channel: group?.channel ?? null,
    queue: group?.queue ?? null,
    team: group?.team ?? null,
    agent: group?.agent ?? null,
    unassigned: group !== null && drillDown !== undefined && memberOf(group, drillDown) === null,
  };
}

/** Most breached first, then lowest compliance (no data last), then by key. */
function worstFirst(a: ScorecardResult, b: ScorecardResult): number {
  if (a.breached !== b.breached) return b.breached - a.breached;
  const ca = a.compliance ?? Infinity;
  const cb = b.compliance ?? Infinity;
  if (ca !== cb) return ca - cb;
  const ka = a.agent?.key ?? a.team?.key ?? a.queue?.key ?? a.channel ?? '\uffff';
  const kb = b.agent?.key ?? b.team?.key ?? b.queue?.key ?? b.channel ?? '\uffff';
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The bounds of the period containing `instant` (the current one, for now). */
export function currentPeriodOf(versions: readonly SlaPolicyVersion[], instant: Date): { start: Date; end: Date } {
  const { start, end } = periodOf(versions, instant);
  return { start, end };
}

/**
 * The period containing `instant` and the version governing it. The period is cut
 * with the period kind and zone of the version in force at that instant, then of
 * the version governing that period's start (they differ only around a change).
 */
function periodOf(versions: readonly SlaPolicyVersion[], instant: Date): Period {
  let version = versionFor(versions, instant);
  let start = startOf(version, instant);
  const governing = versionFor(versions, start);
  if (governing !== version) {
    version = governing;
    start = startOf(version, instant);
  }
  const { period, timeZone } = version.definition;
  return { start, end: nextPeriodStart(start, SLA_PERIOD_GRANULARITY[period], timeZone), version };
}

function previousOf(versions: readonly SlaPolicyVersion[], period: Period): Period {
  const { period: kind, timeZone } = period.version.definition;
  const start = previousPeriodStart(period.start, SLA_PERIOD_GRANULARITY[kind], timeZone);
  return { start, end: period.start, version: versionFor(versions, start) };
}

const startOf = (version: SlaPolicyVersion, instant: Date) =>
  periodStart(instant, SLA_PERIOD_GRANULARITY[version.definition.period], version.definition.timeZone);
