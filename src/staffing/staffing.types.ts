import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ContactFilter, DateRange, TimeRange } from '../analytics/query.inputs';
import { StaffingSource } from './staffing.service';

registerEnumType(StaffingSource, {
  name: 'StaffingSource',
  description: "Where an interval's volume comes from.",
  valuesConfig: {
    ACTUAL: { description: "The range's own offered contacts and AHT." },
    FORECAST: { description: 'Per weekday and interval, the mean of the previous weeksOfHistory weeks (AHT pooled over them).' },
  },
});

@InputType({ description: 'Erlang C staffing per interval of a range.' })
export class StaffingQuery {
  @Field(() => TimeRange, { nullable: true, description: 'Intervals that intersect [from, to), cut in timeZone. Exactly one of range and dates.' })
  range?: TimeRange | null;
  @Field(() => DateRange, { nullable: true, description: 'Instead of range: local dates in timeZone, both included.' }) dates?: DateRange | null;
  @Field(() => String, { nullable: true, description: 'IANA name; default "UTC".' }) timeZone?: string | null;
  @Field(() => ContactFilter, {
    nullable: true,
    description: 'Which contacts make the volume; staffed agents follow team and agent filters, and are null under channel or queue filters.',
  })
  filter?: ContactFilter | null;
  @Field(() => Int, { nullable: true, description: '15, 30 or 60; default 30.' }) intervalMinutes?: number | null;
  @Field(() => Float, { nullable: true, description: 'Share to answer within thresholdSeconds, > 0 and < 1; default 0.8.' })
  targetServiceLevel?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 20.' }) thresholdSeconds?: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of paid time not available for contacts, ≥ 0 and < 1; default 0.3.' })
  shrinkage?: number | null;
  @Field(() => Float, { nullable: true, description: 'Agents are raised until occupancy ≤ this; default 1 (no cap).' })
  maxOccupancy?: number | null;
  @Field(() => StaffingSource, { nullable: true, description: 'Default ACTUAL.' }) source?: StaffingSource | null;
  @Field(() => Int, { nullable: true, description: 'Weeks a FORECAST averages, 1–52; default 4.' }) weeksOfHistory?: number | null;
}

@ObjectType('StaffingInterval', { description: 'Erlang C requirement of one interval, and who was logged in.', simpleResolvers: true })
export class StaffingIntervalView {
  @Field(() => Date) periodStart!: Date;
  @Field(() => Date) periodEnd!: Date;
  @Field(() => Float, { description: 'Offered contacts: the actual count, or the forecast mean.' }) offered!: number;
  @Field(() => Float, {
    nullable: true,
    description: "Seconds. An interval with offered but no handled contacts takes the range's (or history's) AHT.",
  })
  averageHandleTime!: number | null;
  @Field(() => Float, { description: 'offered × averageHandleTime / interval seconds.' }) trafficErlangs!: number;
  @Field(() => Int, { description: 'Least N > traffic meeting the service-level target and maxOccupancy (Erlang C); 0 without traffic.' })
  requiredAgents!: number;
  @Field(() => Int, { description: 'ceil(requiredAgents / (1 − shrinkage)).' }) requiredStaff!: number;
  @Field(() => Float, { nullable: true, description: 'At requiredAgents; null without traffic.' }) expectedServiceLevel!: number | null;
  @Field(() => Float, { nullable: true, description: 'Seconds, at requiredAgents; null without traffic.' })
  expectedAverageSpeedOfAnswer!: number | null;
  @Field(() => Float, { nullable: true, description: 'traffic / requiredAgents; null without traffic.' }) expectedOccupancy!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Average agents logged in during the interval, from agent activity; null under channel or queue filters.',
  })
  staffedAgents!: number | null;
  @Field(() => Float, { nullable: true, description: 'staffedAgents − requiredStaff (negative = understaffed).' }) gap!: number | null;
}
