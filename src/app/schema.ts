import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { ActivityResolver } from '../activity/activity.resolver';
import { StaffingResolver } from '../staffing/staffing.resolver';
import { KpiResolver, KpiRowThresholdResolver, resolveRowArgumentFieldsDirectly } from '../analytics/kpi.resolver';
import { ContactsResolver, resolveRecordContactsDirectly } from '../contacts/contacts.resolver';
import { QueueTeamResolver } from '../contacts/queue-team.resolver';
import { ContactConnectionResolver, ContactFieldsResolver, ContactsQueryResolver } from '../contacts/contacts-query.resolver';
import { ApiKeysResolver } from '../org/api-keys.resolver';
import { OrganizationResolver } from '../org/organization.resolver';
import { ReportingZoneResolver } from '../analytics/reporting-zone';
import { SlaResolver } from '../sla/sla.resolver';
import { QaResolver } from '../quality/qa.resolver';
import { LiveResolver } from '../live/live.resolver';
import { WebhooksResolver } from '../webhooks/webhooks.resolver';
import { CoachingResolver } from '../coaching/coaching.resolver';
import { SqlAccessResolver } from '../sql-access/sql-access.resolver';
import { SurveyResponseConnectionResolver, SurveyResponseFieldsResolver, SurveysResolver } from '../surveys/surveys.resolver';
import { AgentResolver, DirectoryResolver, QueueResolver } from '../org/directory.resolver';
import { authChecker } from '../org/auth';
import { DateTimeScalar } from '../platform/date-time.scalar';

export const RESOLVERS = [
  DirectoryResolver,
  AgentResolver,
  QueueResolver,
  ApiKeysResolver,
  OrganizationResolver,
  ReportingZoneResolver,
  ContactsResolver,
  QueueTeamResolver,
  ContactsQueryResolver,
  ContactFieldsResolver,
  ContactConnectionResolver,
  KpiResolver,
  KpiRowThresholdResolver,
  SurveysResolver,
  SurveyResponseFieldsResolver,
  SurveyResponseConnectionResolver,
  SlaResolver,
  QaResolver,
  CoachingResolver,
  ActivityResolver,
  StaffingResolver,
  SqlAccessResolver,
  LiveResolver,
  WebhooksResolver,
] as const;

const NO_TOPICS: PubSub = {
  publish: () => {
    throw new Error('subscriptions here subscribe on their own; there are no topics');
  },
  subscribe: () => {
    throw new Error('subscriptions here subscribe on their own; there are no topics');
  },
};

export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: false, // batches are validated whole by their own pure validators; no input uses class-validator
    // ISO-8601 with an offset in, UTC ("…Z") out.
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // type-graphql asks any schema with a subscription for a PubSub; liveKpis brings its own
    // subscribe (live/live-kpis.ts, fed by PostgreSQL notices), so no topic is ever used.
    pubSub: NO_TOPICS,
  });
  resolveRowArgumentFieldsDirectly(schema);
  resolveRecordContactsDirectly(schema);
  return schema;
}

/** The SDL committed as schema.graphql: sorted so it diffs cleanly. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
