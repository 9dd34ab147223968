import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from './api-key.entity';

registerEnumType(Role, {
  name: 'Role',
  description: 'What an API key may do: ADMIN everything, ANALYST read, INGEST write facts.',
});

@ObjectType('Team', { description: 'A team of agents.' })
export class TeamView {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The key the source systems use for this team.' }) key!: string;
  @Field(() => String) name!: string;
}

@ObjectType('Queue', { description: 'A queue (service line, skill group) contacts are routed to.' })
export class QueueView {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The key the source systems use for this queue.' }) key!: string;
  @Field(() => String) name!: string;
  /** The owning team (setQueueTeam), resolved through a DataLoader by `QueueResolver.team`. */
  teamId!: number | null;
}

@ObjectType('Agent', { description: 'A person who handles contacts, by the id the ACD/CTI system uses.' })
export class AgentView {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The key the source systems use for this agent.' }) key!: string;
  @Field(() => String) name!: string;
  /** Resolved through a DataLoader by `AgentResolver.team`. */
  teamId!: number | null;
}

@ObjectType('ApiKey', { description: 'An API key of the organization; its secret is never shown again.' })
export class ApiKeyView {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Role) role!: Role;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType({ description: 'A new API key and its secret, shown this once.' })
export class CreatedApiKey {
  @Field(() => ApiKeyView) key!: ApiKeyView;
  @Field(() => String, { description: 'Send as "Authorization: Bearer <secret>". Store it now: only a hash is kept.' })
  secret!: string;
}
