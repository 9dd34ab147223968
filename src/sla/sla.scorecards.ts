import type { EntityManager } from '@mikro-orm/postgresql';
import { nextPeriodStart, periodStart, previousPeriodStart } from '../analytics/calendar';
import { Dimension } from '../analytics/kpi.request';
import { KpiService, type KpiRowResult } from '../analytics/kpi.service';
import type { AgentRecord, TeamRecord } from '../org/directory.loaders';
import type { DirectoryLoaders } from '../org/directory.loaders';
import { badUserInput } from '../platform/errors';
import { evaluateScorecard, slaStatus, targetDirection, type MetricValues, type Scorecard, type SlaStatus } from './evaluation';
import { openIntervals } from './service-hours';
import { SLA_PERIOD_GRANULARITY } from './sla-policy';
import { versionFor, type SlaPolicyVersion } from './sla.store';
import { summarizeTrend, type TrendSummary } from './trend';

export const MAX_TREND_PERIODS = 120;

/** One evaluated card: the policy-wide one, or a team's or agent's on a drill-down. */
export interface ScorecardResult extends Scorecard {
  version: SlaPolicyVersion;
  periodStart: Date;
  periodEnd: Date;
  team: TeamRecord | null;
  agent: AgentRecord | null;
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

  constructor(em: EntityManager, loaders: DirectoryLoaders, private readonly organizationId: number) {
    this.kpis = new KpiService(em, loaders);
  }

  async scorecard(versions: readonly SlaPolicyVersion[], instant: Date, drillDown: Dimension | null): Promise<ScorecardResult[]> {
    if (drillDown === Dimension.CHANNEL || drillDown === Dimension.QUEUE) {
      throw badUserInput('drillDown: must be TEAM or AGENT', [{ field: 'drillDown', rule: 'UNSUPPORTED', message: 'must be TEAM or AGENT' }]);
    }
    const period = periodOf(versions, instant);
    const previous = previousOf(versions, period);
    const metrics = period.version.definition.targets.map((t) => t.metric);
    const [now, before] = await Promise.all([this.measure(period, metrics, drillDown), this.measure(previous, metrics, drillDown)]);
    const cards = [card(now, now.total, before.total, null)];
    if (drillDown) {
      const key = (r: KpiRowResult) => `${r.team?.id}|${r.agent?.id}`;
      const earlier = new Map(before.groups.map((r) => [key(r), r.metrics]));
      const groups = now.groups.map((r) => card(now, r.metrics, earlier.get(key(r)) ?? {}, r));
      cards.push(...groups.sort(worstFirst));
    }
    return cards;
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
    const report = await this.kpis.report({
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
    });
    return { ...period, total: report.total.metrics, groups: report.rows };
  }
}

function card(period: Measured, actuals: MetricValues, previous: MetricValues, group: KpiRowResult | null): ScorecardResult {
  return {
    ...evaluateScorecard(period.version.definition.targets, actuals, previous),
    version: period.version,
    periodStart: period.start,
    periodEnd: period.end,
    team: group?.team ?? null,
    agent: group?.agent ?? null,
  };
}

/** Most breached first, then lowest compliance (no data last), then by key. */
function worstFirst(a: ScorecardResult, b: ScorecardResult): number {
  if (a.breached !== b.breached) return b.breached - a.breached;
  const ca = a.compliance ?? Infinity;
  const cb = b.compliance ?? Infinity;
  if (ca !== cb) return ca - cb;
  const ka = a.agent?.key ?? a.team?.key ?? '\uffff';
  const kb = b.agent?.key ?? b.team?.key ?? '\uffff';
  return ka < kb ? -1 : ka > kb ? 1 : 0;
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
