import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { ActivityResolver } from '../activity/activity.resolver';
import { StaffingResolver } from '../staffing/staffing.resolver';
import { KpiResolver, KpiRowThresholdResolver } from '../analytics/kpi.resolver';
import { ContactsResolver } from '../contacts/contacts.resolver';
import { ContactConnectionResolver, ContactFieldsResolver, ContactsQueryResolver } from '../contacts/contacts-query.resolver';
import { ApiKeysResolver } from '../org/api-keys.resolver';
import { OrganizationResolver } from '../org/organization.resolver';
import { ReportingZoneResolver } from '../analytics/reporting-zone';
import { SlaResolver } from '../sla/sla.resolver';
import { QaResolver } from '../quality/qa.resolver';
import { SqlAccessResolver } from '../sql-access/sql-access.resolver';
import { SurveyResponseConnectionResolver, SurveyResponseFieldsResolver, SurveysResolver } from '../surveys/surveys.resolver';
import { AgentResolver, DirectoryResolver } from '../org/directory.resolver';
import { authChecker } from '../org/auth';
import { DateTimeScalar } from '../platform/date-time.scalar';

export const RESOLVERS = [
  DirectoryResolver,
  AgentResolver,
  ApiKeysResolver,
  OrganizationResolver,
  ReportingZoneResolver,
  ContactsResolver,
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
  ActivityResolver,
  StaffingResolver,
  SqlAccessResolver,
] as const;

export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: false, // batches are validated whole by their own pure validators; no input uses class-validator
    // ISO-8601 with an offset in, UTC ("…Z") out.
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
}

/** The SDL committed as schema.graphql: sorted so it diffs cleanly. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
