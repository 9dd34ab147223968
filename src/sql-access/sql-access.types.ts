import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('SqlAccess', {
  description:
    'A read-only PostgreSQL login for BI tools (Metabase, Power BI, Grafana): it reads the views of schema `reporting` ' +
    "(contacts, kpi_daily, survey_responses, agent_activity) and sees only this organization's rows. The password is shown once.",
})
export class SqlAccessView {
  @Field(() => String, { description: 'The login (PostgreSQL role) name.' }) username!: string;
  @Field(() => String, { description: 'Shown once; only PostgreSQL keeps it (hashed).' }) password!: string;
  @Field(() => String) database!: string;
  @Field(() => String, { description: 'SQL_ACCESS_HOST when set, else the host of the server\'s DATABASE_URL.' }) host!: string;
  @Field(() => Int) port!: number;
  @Field(() => String, { description: 'Always "reporting": the schema of the views (the login\'s search_path).' }) schema!: string;
}
