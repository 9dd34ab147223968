import { mapYielding } from '../platform/yielding';
import { WorkGate } from '../platform/work-gate';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Granularity, countPeriods, isValidTimeZone, periodBoundaries } from '../platform/calendar';
import type { ContactScope } from '../analytics/kpi.request';
import type { KpiResultCache } from '../platform/kpi-result-cache';
import { KpiService, MAX_RANGE_DAYS, MAX_ROWS, type KpiReportResult } from '../analytics/kpi.service';
import { checkTimeRange } from '../analytics/query.inputs';
import type { DirectoryLoaders } from '../org/directory.loaders';
import { badUserInput, describeProblems, type FieldProblem } from '../platform/errors';
import { forecastVolume, pooledAverageHandleTime, staffInterval, type IntervalVolume, type PastVolume, type StaffingFigures, type StaffingParameters } from './staffing-plan';

export enum StaffingSource {
  ACTUAL = 'ACTUAL',
  FORECAST = 'FORECAST',
}

/** What a client asks for, before validation and defaults. */
export interface StaffingAsk {
  organizationId: number;
  from: Date;
  to: Date;
  timeZone?: string | null;
  filter?: ContactScope | null;
  intervalMinutes?: number | null;
  targetServiceLevel?: number | null;
  thresholdSeconds?: number | null;
  shrinkage?: number | null;
  maxOccupancy?: number | null;
  source?: StaffingSource | null;
  weeksOfHistory?: number | null;
}

export interface StaffingIntervalResult extends StaffingFigures {
  periodStart: Date;
  periodEnd: Date;
}

const GRANULARITY_OF_MINUTES: Record<number, Granularity> = {
  15: Granularity.FIFTEEN_MINUTES,
  30: Granularity.THIRTY_MINUTES,
  60: Granularity.HOUR,
};
export const MAX_WEEKS_OF_HISTORY = 52;

/**
 * Forecasts computed at once on this server; the others wait their turn. A 52-week
 * forecast runs 106 reports: eight at once kept both cores busy and /healthz
 * answered in up to 400 ms. Two keep a forecast's answer as fast alone and bound
 * what any number of them take from everyone else.
 */
export const MAX_CONCURRENT_FORECASTS = 2;
const FORECASTS = new WorkGate(MAX_CONCURRENT_FORECASTS);

/**
 * Erlang C staffing per interval: the volume (the range's own, or a forecast from
 * the same weekday and interval of previous weeks) comes from the KPI engine, the
 * requirement from the pure Erlang C module, staffed agents from agent activity.
 */
export class StaffingService {
  constructor(
    private readonly em: EntityManager,
    private readonly loaders: DirectoryLoaders,
    private readonly results: KpiResultCache | null = null,
  ) {}

  async plan(ask: StaffingAsk): Promise<StaffingIntervalResult[]> {
    const q = validateStaffingAsk(ask);
    return q.source === StaffingSource.FORECAST ? FORECASTS.run(() => this.planValid(ask, q)) : this.planValid(ask, q);
  }

  private async planValid(ask: StaffingAsk, q: ValidStaffingAsk): Promise<StaffingIntervalResult[]> {
    const kpis = new KpiService(this.em, this.loaders, this.results);
    const report = (from: Date, to: Date) =>
      kpis.report({
        organizationId: ask.organizationId,
        from,
        to,
        timeZone: q.timeZone,
        filter: ask.filter,
        granularity: q.granularity,
        fields: ['offered', 'handled', 'averageHandleTime', 'averageAgentsStaffed'],
        labels: false, // 672 labels × 53 reports: about an eighth of a forecast's time, never shown
      });
    const boundaries = periodBoundaries(ask.from, ask.to, q.granularity, q.timeZone);
    const actual = await report(ask.from, ask.to);
    const actualByStart = byPeriodStart(actual);
    // Activity applies unless the filter names channels or queues (agents are not split by them).
    const staffedApplies = actual.total.metrics.averageAgentsStaffed !== null;

    // FORECAST: one report per past week, each the whole range shifted back on the local clock,
    // WEEKS_IN_FLIGHT at a time: a forecast holds at most that many pooled connections (twice:
    // contact and activity sums), however many weeks it reads.
    const weekShift = (instant: Date, weeks: number) => DateTime.fromJSDate(instant, { zone: q.timeZone }).minus({ weeks }).toJSDate();
    const weeks = q.source === StaffingSource.FORECAST ? q.weeksOfHistory : 0;
    const pastWeeks: Array<Map<number, IntervalRow>> = [];
    let nextWeek = 1;
    let failed = false;
    const readWeeks = async () => {
      for (let week = nextWeek++; week <= weeks && !failed; week = nextWeek++) {
        const shifted = await report(weekShift(boundaries[0]!, week), weekShift(boundaries[boundaries.length - 1]!, week)).catch((error: unknown) => {
          failed = true; // the first failure (its client left, say) ends the forecast: no more weeks are read
          throw error;
        });
        pastWeeks[week - 1] = byPeriodStart(shifted);
      }
    };
    await Promise.all(Array.from({ length: WEEKS_IN_FLIGHT }, readWeeks));
    const fallbackAht =
      q.source === StaffingSource.FORECAST
        ? pooledAverageHandleTime(pastWeeks.flatMap((week) => [...week.values()]))
        : (actual.total.metrics.averageHandleTime ?? null);

    // A week's forecast over 52 weeks of history is ~35,000 local-time shifts: the
    // event loop gets a turn between slices, so other clients are not held.
    return mapYielding(
      boundaries.slice(0, -1),
      (periodStart, i): StaffingIntervalResult => {
        const periodEnd = boundaries[i + 1]!;
        const row = actualByStart.get(periodStart.getTime());
        const volume: IntervalVolume =
          q.source === StaffingSource.FORECAST
            ? forecastVolume(pastWeeks.map((week, k) => week.get(weekShift(periodStart, k + 1).getTime())), q.weeksOfHistory)
            : { offered: row?.offered ?? 0, averageHandleTime: row?.averageHandleTime ?? null };
        const staffed = staffedApplies ? (row?.averageAgentsStaffed ?? 0) : null;
        const seconds = (periodEnd.getTime() - periodStart.getTime()) / 1000;
        return { periodStart, periodEnd, ...staffInterval(volume, seconds, q.parameters, staffed, fallbackAht) };
      },
      INTERVALS_PER_TURN,
    );
  }
}

/** Weekly reports of one forecast read at once. */
const WEEKS_IN_FLIGHT = 2;

/** Intervals planned between two turns of the event loop. */
const INTERVALS_PER_TURN = 96;

interface IntervalRow extends PastVolume {
  averageAgentsStaffed: number | null;
}

function byPeriodStart(report: KpiReportResult): Map<number, IntervalRow> {
  return new Map(
    report.rows.map((r) => [
      r.periodStart!.getTime(),
      {
        offered: r.metrics.offered ?? 0,
        handled: r.metrics.handled ?? 0,
        averageHandleTime: r.metrics.averageHandleTime ?? null,
        averageAgentsStaffed: r.metrics.averageAgentsStaffed ?? null,
      },
    ]),
  );
}

type ValidStaffingAsk = ReturnType<typeof validateStaffingAsk>;

/** Checks a staffing query and applies the contract's defaults; every error names its argument. */
export function validateStaffingAsk(ask: StaffingAsk) {
  checkTimeRange(ask, { field: 'range', maxDays: MAX_RANGE_DAYS });
  const problems: FieldProblem[] = [];
  const fail = (name: string, rule: string, message: string) => problems.push({ field: name, rule, message });
  const timeZone = ask.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) fail('timeZone', 'UNKNOWN_TIME_ZONE', `"${timeZone}" is not an IANA time zone name`);
  const intervalMinutes = ask.intervalMinutes ?? 30;
  const granularity = GRANULARITY_OF_MINUTES[intervalMinutes];
  if (!granularity) fail('intervalMinutes', 'UNSUPPORTED_INTERVAL', 'must be 15, 30 or 60');
  const parameters: StaffingParameters = {
    targetServiceLevel: ask.targetServiceLevel ?? 0.8,
    thresholdSeconds: ask.thresholdSeconds ?? 20,
    shrinkage: ask.shrinkage ?? 0.3,
    maxOccupancy: ask.maxOccupancy ?? 1,
  };
  if (!(parameters.targetServiceLevel > 0 && parameters.targetServiceLevel < 1)) {
    fail('targetServiceLevel', 'OUT_OF_RANGE', 'must be > 0 and < 1 (Erlang C never reaches 1)');
  }
  if (!Number.isInteger(parameters.thresholdSeconds) || parameters.thresholdSeconds < 0) {
    fail('thresholdSeconds', 'NEGATIVE', 'must be a whole number ≥ 0');
  }
  if (!(parameters.shrinkage >= 0 && parameters.shrinkage < 1)) fail('shrinkage', 'OUT_OF_RANGE', 'must be ≥ 0 and < 1');
  if (!(parameters.maxOccupancy > 0 && parameters.maxOccupancy <= 1)) fail('maxOccupancy', 'OUT_OF_RANGE', 'must be > 0 and ≤ 1');
  const weeksOfHistory = ask.weeksOfHistory ?? 4;
  if (!Number.isInteger(weeksOfHistory) || weeksOfHistory < 1 || weeksOfHistory > MAX_WEEKS_OF_HISTORY) {
    fail('weeksOfHistory', 'OUT_OF_RANGE', `must be a whole number from 1 to ${MAX_WEEKS_OF_HISTORY}`);
  }
  if (granularity && problems.length === 0 && countPeriods(ask.from, ask.to, granularity, timeZone, MAX_ROWS) > MAX_ROWS) {
    fail('range', 'TOO_MANY_INTERVALS', `more than ${MAX_ROWS} intervals of ${intervalMinutes} minutes; use a shorter range or longer intervals`);
  }
  if (problems.length) throw badUserInput(describeProblems('invalid staffing query', problems), problems);
  return { timeZone, granularity: granularity!, parameters, source: ask.source ?? StaffingSource.ACTUAL, weeksOfHistory };
}
