import { Granularity } from '../platform/calendar';
import type { ContactScope } from '../analytics/kpi.request';
import { MAX_THRESHOLD_SECONDS } from '../analytics/kpi.service';
import type { Channel } from '../warehouse/channels';
import type { FieldProblem } from '../platform/errors';
import { validateTargets, type SlaTargetInput, type ValidSlaTarget } from './evaluation';
import { validateServiceCalendar, type ServiceCalendar, type ServiceWindow } from './service-hours';

/** Reporting periods an SLA may be evaluated over. */
export enum SlaPeriod {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}

export const SLA_PERIOD_GRANULARITY: Record<SlaPeriod, Granularity> = {
  [SlaPeriod.DAY]: Granularity.DAY,
  [SlaPeriod.WEEK]: Granularity.WEEK,
  [SlaPeriod.MONTH]: Granularity.MONTH,
  [SlaPeriod.QUARTER]: Granularity.QUARTER,
};

/** A channel judged by its own T ("answered within 60 s" for chat where voice has 20 s). */
export interface ChannelThreshold {
  channel: Channel;
  serviceLevelThresholdSeconds: number;
}

/** One version of a policy: everything needed to evaluate a period. Stored as JSON. */
export interface SlaDefinition extends ServiceCalendar {
  name: string;
  scope: ContactScope;
  period: SlaPeriod;
  timeZone: string;
  serviceHours: ServiceWindow[];
  holidays: string[];
  serviceLevelThresholdSeconds: number;
  /** Channels with a T of their own; the others are judged by serviceLevelThresholdSeconds. Absent in versions stored before them. */
  channelThresholds?: ChannelThreshold[];
  shortAbandonSeconds: number;
  targets: ValidSlaTarget[];
}

export interface SlaDefinitionInput {
  name: string;
  scope: ContactScope;
  period: SlaPeriod;
  timeZone: string;
  serviceHours?: ServiceWindow[] | null;
  holidays?: string[] | null;
  serviceLevelThresholdSeconds?: number | null;
  channelThresholds?: ChannelThreshold[] | null;
  shortAbandonSeconds?: number | null;
  targets: SlaTargetInput[];
}

/** Checks a whole policy input at once; pure. Field paths are prefixed with `input.`. */
export function validateSlaDefinition(input: SlaDefinitionInput): { definition: SlaDefinition; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    problems.push({ field: 'input.name', rule: name.length === 0 ? 'REQUIRED' : 'TOO_LONG', message: 'must be 1 to 200 characters' });
  }
  const calendar = { serviceHours: input.serviceHours ?? [], holidays: input.holidays ?? [], timeZone: input.timeZone };
  problems.push(...validateServiceCalendar(calendar, 'input.')); // also checks timeZone
  const T = input.serviceLevelThresholdSeconds ?? 20;
  const S = input.shortAbandonSeconds ?? 0;
  if (!Number.isInteger(T) || T < 0) problems.push({ field: 'input.serviceLevelThresholdSeconds', rule: 'NEGATIVE', message: 'must be a whole number ≥ 0' });
  if (!Number.isInteger(S) || S < 0) problems.push({ field: 'input.shortAbandonSeconds', rule: 'NEGATIVE', message: 'must be a whole number ≥ 0' });
  const channelThresholds = input.channelThresholds ?? [];
  channelThresholds.forEach(({ channel, serviceLevelThresholdSeconds: t }, i) => {
    const field = `input.channelThresholds[${i}]`;
    if (channelThresholds.findIndex((c) => c.channel === channel) !== i) {
      problems.push({ field: `${field}.channel`, rule: 'DUPLICATE', message: `${channel} is listed more than once` });
    }
    if (!Number.isInteger(t) || t < 0 || t > MAX_THRESHOLD_SECONDS) {
      problems.push({ field: `${field}.serviceLevelThresholdSeconds`, rule: 'OUT_OF_RANGE', message: `must be a whole number from 0 to ${MAX_THRESHOLD_SECONDS}` });
    }
  });
  if (input.targets.length === 0) problems.push({ field: 'input.targets', rule: 'REQUIRED', message: 'needs at least one target' });
  const targets = validateTargets(input.targets, 'input.targets');
  problems.push(...targets.problems);
  return {
    definition: {
      name,
      scope: input.scope,
      period: input.period,
      timeZone: input.timeZone,
      serviceHours: calendar.serviceHours.map(({ dayOfWeek, opens, closes }) => ({ dayOfWeek, opens, closes })),
      holidays: [...calendar.holidays],
      serviceLevelThresholdSeconds: T,
      channelThresholds: channelThresholds.map(({ channel, serviceLevelThresholdSeconds }) => ({ channel, serviceLevelThresholdSeconds })),
      shortAbandonSeconds: S,
      targets: targets.targets,
    },
    problems,
  };
}
