import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ContactFilter } from '../analytics/query.inputs';
import { Channel } from '../warehouse/channels';
import { AgentView, QueueView, TeamView } from '../org/org.types';
import { ComparatorEnum } from '../analytics/kpi.types';
import { CHANGES, SLA_STATUSES } from './evaluation';
import { SlaPeriod } from './sla-policy';
import type { SlaPolicyVersion } from './sla.store';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
export const TargetStatusEnum = enumOf(SLA_STATUSES);
export const ChangeEnum = enumOf(CHANGES);

registerEnumType(SlaPeriod, { name: 'SlaPeriod', description: 'The reporting period of an SLA policy.' });
registerEnumType(TargetStatusEnum, {
  name: 'TargetStatus',
  description: 'MET; AT_RISK between the warning level and the target; BREACHED; NO_DATA when the KPI has no denominator.',
});
registerEnumType(ChangeEnum, { name: 'Change', description: "Since the previous period, judged by the KPI's direction." });

@InputType('ServiceHoursInput', { description: 'Open from `opens` to `closes` ("HH:MM", closes after opens; "24:00" = midnight) on an ISO day.' })
export class ServiceHoursInput {
  @Field(() => Int, { description: 'ISO day: 1 = Monday … 7 = Sunday.' }) dayOfWeek!: number;
  @Field(() => String) opens!: string;
  @Field(() => String) closes!: string;
}

@ObjectType('ServiceHours')
export class ServiceHoursView {
  @Field(() => Int) dayOfWeek!: number;
  @Field(() => String) opens!: string;
  @Field(() => String) closes!: string;
}

@InputType('SlaTargetInput')
export class SlaTargetInput {
  @Field(() => String, { description: 'A KpiRow ratio, duration or score field, e.g. "serviceLevel", "abandonRate", "csatScore".' })
  metric!: string;
  @Field(() => ComparatorEnum) comparator!: keyof typeof ComparatorEnum;
  @Field(() => Float) target!: number;
  @Field(() => Float, { nullable: true, description: 'AT_RISK between warning and target; on the safe side of the target.' })
  warning?: number | null;
  @Field(() => Float, { nullable: true, description: 'Default 1.' }) weight?: number | null;
  @Field(() => Float, { nullable: true, description: 'Default 0.' }) penaltyPerBreach?: number | null;
}

@ObjectType('SlaTarget')
export class SlaTargetView {
  @Field(() => String) metric!: string;
  @Field(() => ComparatorEnum) comparator!: string;
  @Field(() => Float) target!: number;
  @Field(() => Float, { nullable: true }) warning!: number | null;
  @Field(() => Float) weight!: number;
  @Field(() => Float) penaltyPerBreach!: number;
}

@InputType('ChannelThresholdInput', { description: "A channel judged by a T of its own (chat 60 s, email 86,400 s)." })
export class ChannelThresholdInput {
  @Field(() => Channel) channel!: Channel;
  @Field(() => Int, { description: 'Whole seconds, 0 to 86,400.' }) serviceLevelThresholdSeconds!: number;
}

@ObjectType('ChannelThreshold')
export class ChannelThresholdView {
  @Field(() => Channel) channel!: Channel;
  @Field(() => Int) serviceLevelThresholdSeconds!: number;
}

@InputType('SlaPolicyInput')
export class SlaPolicyInput {
  @Field(() => String) name!: string;
  @Field(() => ContactFilter, { nullable: true, description: 'Which contacts the agreement covers; default all.' }) scope?: ContactFilter | null;
  @Field(() => SlaPeriod) period!: SlaPeriod;
  @Field(() => String, { description: 'IANA zone of the periods and service hours.' }) timeZone!: string;
  @Field(() => [ServiceHoursInput], { nullable: true, description: 'Empty = all hours; a day not listed is closed.' })
  serviceHours?: ServiceHoursInput[] | null;
  @Field(() => [String], { nullable: true, description: 'ISO dates ("2026-12-25") closed all day.' }) holidays?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Default 20.' }) serviceLevelThresholdSeconds?: number | null;
  @Field(() => [ChannelThresholdInput], {
    nullable: true,
    description: "A contact on a listed channel is 'answered within' by its channel's T; others by serviceLevelThresholdSeconds.",
  })
  channelThresholds?: ChannelThresholdInput[] | null;
  @Field(() => Int, { nullable: true, description: 'Default 0.' }) shortAbandonSeconds?: number | null;
  @Field(() => [SlaTargetInput]) targets!: SlaTargetInput[];
  @Field(() => Date, {
    nullable: true,
    description: 'This version governs periods starting at or after it (default: now); the first version also governs every earlier period.',
  })
  effectiveFrom?: Date | null;
}

@ObjectType('ContactFilterView', { description: 'A stored contact filter; null lists do not filter.' })
export class ContactFilterView {
  @Field(() => [Channel], { nullable: true }) channels!: Channel[] | null;
  @Field(() => [ID], { nullable: true }) queueIds!: string[] | null;
  @Field(() => [ID], { nullable: true }) teamIds!: string[] | null;
  @Field(() => [ID], { nullable: true }) agentIds!: string[] | null;
}

@ObjectType('SlaPolicy', { description: 'One version of an SLA policy (id is the policy\'s, shared by its versions).' })
export class SlaPolicyView {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => ContactFilterView, { nullable: true }) scope!: ContactFilterView | null;
  @Field(() => SlaPeriod) period!: SlaPeriod;
  @Field(() => String) timeZone!: string;
  @Field(() => [ServiceHoursView]) serviceHours!: ServiceHoursView[];
  @Field(() => [String]) holidays!: string[];
  @Field(() => Int) serviceLevelThresholdSeconds!: number;
  @Field(() => [ChannelThresholdView]) channelThresholds!: ChannelThresholdView[];
  @Field(() => Int) shortAbandonSeconds!: number;
  @Field(() => [SlaTargetView]) targets!: SlaTargetView[];
  @Field(() => Date) effectiveFrom!: Date;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
  @Field(() => [SlaPolicyView], { description: "Every version, oldest first; a version's own `versions` is empty." })
  versions!: SlaPolicyView[];
}

@ObjectType('TargetResult')
export class TargetResultView {
  @Field(() => String) metric!: string;
  @Field(() => ComparatorEnum) comparator!: string;
  @Field(() => Float) target!: number;
  @Field(() => Float, { nullable: true }) warning!: number | null;
  @Field(() => Float) weight!: number;
  @Field(() => Float, { nullable: true }) actual!: number | null;
  @Field(() => TargetStatusEnum) status!: string;
  @Field(() => Float, { nullable: true, description: "The previous period's value." }) previous!: number | null;
  @Field(() => Float, { nullable: true, description: 'actual − previous.' }) delta!: number | null;
  @Field(() => Float, { nullable: true, description: 'delta ÷ |previous|; null when previous is 0 or null.' }) relativeDelta!: number | null;
  @Field(() => ChangeEnum) change!: string;
  @Field(() => Float, { description: 'penaltyPerBreach when BREACHED, else 0.' }) penalty!: number;
}

@ObjectType('SlaScorecard')
export class SlaScorecardView {
  @Field(() => SlaPolicyView, { description: 'The version evaluated (in force for this period).' }) policy!: SlaPolicyView;
  @Field(() => Date) periodStart!: Date;
  @Field(() => Date) periodEnd!: Date;
  @Field(() => Channel, { nullable: true, description: 'Set on CHANNEL drill-down cards.' }) channel!: Channel | null;
  @Field(() => QueueView, { nullable: true, description: 'Set on QUEUE drill-down cards.' }) queue!: QueueView | null;
  @Field(() => TeamView, { nullable: true, description: 'Set on TEAM drill-down cards.' }) team!: TeamView | null;
  @Field(() => AgentView, { nullable: true, description: 'Set on AGENT drill-down cards.' }) agent!: AgentView | null;
  @Field(() => Boolean, { description: 'A drill-down card of the contacts without that dimension (no queue, team or agent); false on every other card.' })
  unassigned!: boolean;
  @Field(() => [TargetResultView]) targets!: TargetResultView[];
  @Field(() => Int) met!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) breached!: number;
  @Field(() => Int) noData!: number;
  @Field(() => Float, { nullable: true, description: 'Weights of targets not breached ÷ weights of targets with data.' })
  compliance!: number | null;
  @Field(() => Float) penaltyTotal!: number;
}

@ObjectType('TargetTrend')
export class TargetTrendView {
  @Field(() => String) metric!: string;
  @Field(() => [Float], { nullable: 'items', description: 'One per period, oldest first; null = no data.' }) values!: Array<number | null>;
  @Field(() => [TargetStatusEnum], { description: 'Status per period, oldest first.' }) statuses!: string[];
  @Field(() => [Float], { nullable: 'items', description: '3-period trailing mean of the non-null values.' }) movingAverage!: Array<number | null>;
  @Field(() => Float, { nullable: true, description: 'Least-squares slope, KPI units per period.' }) slope!: number | null;
  @Field(() => Boolean, { nullable: true, description: "Whether the slope is an improvement by the KPI's direction." }) improving!: boolean | null;
  @Field(() => Int, { description: 'Consecutive BREACHED periods ending with the last.' }) breachStreak!: number;
}

@ObjectType('SlaTrend')
export class SlaTrendView {
  @Field(() => [SlaScorecardView]) scorecards!: SlaScorecardView[];
  @Field(() => [TargetTrendView]) targets!: TargetTrendView[];
}

export function toPolicyView(version: SlaPolicyVersion, all: readonly SlaPolicyVersion[]): SlaPolicyView {
  const d = version.definition;
  const ids = (list?: number[]) => (list ? list.map(String) : null);
  const view: SlaPolicyView = {
    id: version.policyId,
    name: d.name,
    scope: { channels: d.scope.channels ?? null, queueIds: ids(d.scope.queueIds), teamIds: ids(d.scope.teamIds), agentIds: ids(d.scope.agentIds) },
    period: d.period,
    timeZone: d.timeZone,
    serviceHours: d.serviceHours,
    holidays: d.holidays,
    serviceLevelThresholdSeconds: d.serviceLevelThresholdSeconds,
    channelThresholds: d.channelThresholds ?? [],
    shortAbandonSeconds: d.shortAbandonSeconds,
    targets: d.targets.map((t) => ({ ...t, warning: t.warning ?? null })),
    effectiveFrom: version.effectiveFrom,
    archivedAt: version.archivedAt,
    versions: [],
  };
  // Every version of the policy, each with an empty `versions` of its own: a query
  // nesting `versions { versions { … } }` cannot multiply its answer (issue 15).
  if (all.length) Object.defineProperty(view, 'versions', { get: () => all.map((v) => toPolicyView(v, [])), enumerable: true });
  return view;
}
