import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Channel, Direction } from '../warehouse/channels';

/**
 * One contact as a phone switch, chat or email platform reports it. Rules
 * (checked for the whole batch at once) live in `contact.validation.ts`.
 */
@InputType({ description: 'One offered contact. Re-sending the same externalId updates it, never duplicates it.' })
export class ContactInput {
  @Field(() => String, { description: 'Unique per organization.' }) externalId!: string;
  @Field(() => Channel) channel!: Channel;
  @Field(() => Direction, { nullable: true, description: 'Default INBOUND.' }) direction?: Direction | null;
  @Field(() => String, { description: 'Queue key, created on first sight.' }) queue!: string;
  @Field(() => String, { nullable: true, description: "Team key of the handling agent (or the queue's team)." })
  team?: string | null;
  @Field(() => String, { nullable: true, description: 'Agent key; null when never answered.' }) agent?: string | null;
  @Field(() => String, { nullable: true, description: 'Opaque customer id, for repeat-contact FCR.' })
  customerRef?: string | null;
  @Field(() => Date, { description: 'Entered the queue.' }) offeredAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Null = not answered.' }) answeredAt?: Date | null;
  @Field(() => Date) endedAt!: Date;
  @Field(() => Int, { nullable: true, description: 'Default 0.' }) talkSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 0.' }) holdSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 0.' }) afterContactWorkSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default 0.' }) transfers?: number | null;
  @Field(() => Boolean, { nullable: true, description: "Agent disposition, when the platform has one." })
  resolved?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Reason code.' }) disposition?: string | null;
}

@ObjectType({ description: 'What a batch did: every received contact is exactly one of created, updated or unchanged.' })
export class RecordContactsResult {
  @Field(() => Int) received!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
}
