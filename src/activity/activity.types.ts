import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@InputType({
  description:
    "One agent's 15-minute interval as the ACD reports it. availableSeconds + handlingSeconds + notReadySeconds = loggedInSeconds. " +
    'Re-sending the same agent and intervalStart updates it, never duplicates it.',
})
export class AgentActivityInput {
  @Field(() => String, { description: 'Agent key, created on first sight.' }) agent!: string;
  @Field(() => String, { nullable: true, description: "Team key; default: the agent's current team. Moves the agent to it." })
  team?: string | null;
  @Field(() => Date, { description: 'Start of a 15-minute interval (:00, :15, :30, :45 UTC).' }) intervalStart!: Date;
  @Field(() => Int, { description: '0..900.' }) loggedInSeconds!: number;
  @Field(() => Int, { description: 'Idle and ready for a contact.' }) availableSeconds!: number;
  @Field(() => Int, { description: 'On a contact or in after-contact work.' }) handlingSeconds!: number;
  @Field(() => Int, { description: 'Break, training, meeting.' }) notReadySeconds!: number;
}

@ObjectType({ description: 'What a batch did: every received record is exactly one of created, updated or unchanged.' })
export class RecordActivityResult {
  @Field(() => Int) received!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
}

@InputType({ description: "An hourly cost of an agent or of a team (give exactly one); an agent's cost beats its team's." })
export class AgentCostInput {
  @Field(() => String, { nullable: true, description: 'Agent key, created on first sight.' }) agent?: string | null;
  @Field(() => String, { nullable: true, description: 'Team key, created on first sight.' }) team?: string | null;
  @Field(() => Float, { description: 'Cost of one logged-in hour, ≥ 0, in your currency.' }) hourlyCost!: number;
  @Field(() => Date, {
    nullable: true,
    description:
      "From when the cost applies, until the subject's next cost. Default: for all time, replacing the subject's earlier costs.",
  })
  effectiveFrom?: Date | null;
}

@ObjectType('HourlyCost', { description: 'An hourly cost as set.' })
export class HourlyCostView {
  @Field(() => String, { nullable: true, description: 'Agent key, for an agent cost.' }) agent!: string | null;
  @Field(() => String, { nullable: true, description: 'Team key, for a team cost.' }) team!: string | null;
  @Field(() => Float) hourlyCost!: number;
  @Field(() => Date, { nullable: true, description: "Null: from the beginning of time until the subject's next cost." })
  effectiveFrom!: Date | null;
}
