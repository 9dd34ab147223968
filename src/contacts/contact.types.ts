import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Channel, Direction } from '../warehouse/channels';
// Registers the Channel and Direction enums with type-graphql.
import './contact.inputs';
import type { ContactRow } from './contacts.query.service';

@ObjectType('Contact', {
  description: 'One offered contact (call, chat, email, message) as recorded, with its derived wait and system FCR.',
})
export class ContactView {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The id the source platform gave it; unique per organization.' }) externalId!: string;
  @Field(() => Channel) channel!: Channel;
  @Field(() => Direction) direction!: Direction;
  @Field(() => String, { nullable: true, description: 'Opaque customer id.' }) customerRef!: string | null;
  @Field(() => Date, { description: 'Entered the queue.' }) offeredAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Null = not answered.' }) answeredAt!: Date | null;
  @Field(() => Date) endedAt!: Date;
  @Field(() => Int, { description: '(answeredAt ?? endedAt) − offeredAt, in seconds.' }) waitSeconds!: number;
  @Field(() => Int) talkSeconds!: number;
  @Field(() => Int) holdSeconds!: number;
  @Field(() => Int) afterContactWorkSeconds!: number;
  @Field(() => Int) transfers!: number;
  @Field(() => Boolean, { nullable: true, description: "The agent's disposition, when the platform has one." })
  resolved!: boolean | null;
  @Field(() => String, { nullable: true, description: 'Reason code.' }) disposition!: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'System first-contact resolution: true when no other inbound contact of the same customer is offered within ' +
      'the following 7 days. Null when not answered, outbound, or without a customerRef.',
  })
  firstContactResolved!: boolean | null;

  /** Resolved through the per-request DataLoaders by `ContactFieldsResolver`. */
  queueId!: number;
  teamId!: number | null;
  agentId!: number | null;
}

@ObjectType('ContactEdge', { description: 'A contact and the cursor that points just after it.' })
export class ContactEdge {
  @Field(() => ContactView) node!: ContactView;
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this contact.' }) cursor!: string;
}

@ObjectType('PageInfo', { description: 'Where a page of a connection starts and ends (Relay).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' }) hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Whether items come before this page (only when it starts `after` a cursor).' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'The cursor of the first item; null on an empty page.' })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'The cursor of the last item; null on an empty page.' })
  endCursor!: string | null;
}

/** What a page of a connection carries besides its edges: its PageInfo, and how to count every item. */
export interface Paged<E extends { cursor: string }> {
  edges: E[];
  pageInfo: PageInfo;
  /** Counts every item of the selection, all pages (one statement, run only when totalCount is asked). */
  countAll: () => Promise<number>;
}

/** A page's PageInfo from its edges. */
export const pageInfoOf = (edges: ReadonlyArray<{ cursor: string }>, hasNextPage: boolean, hasPreviousPage: boolean): PageInfo => ({
  hasNextPage,
  hasPreviousPage,
  startCursor: edges[0]?.cursor ?? null,
  endCursor: edges.at(-1)?.cursor ?? null,
});

@ObjectType('ContactConnection', { description: 'One page of contacts, newest first.' })
export class ContactConnection implements Paged<ContactEdge> {
  @Field(() => [ContactEdge]) edges!: ContactEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  countAll!: () => Promise<number>;
}

export const toContactView = (row: ContactRow): ContactView => ({
  id: String(row.id),
  externalId: row.external_id,
  channel: row.channel,
  direction: row.direction,
  customerRef: row.customer_ref,
  offeredAt: new Date(row.offered_at),
  answeredAt: row.answered_at === null ? null : new Date(row.answered_at),
  endedAt: new Date(row.ended_at),
  waitSeconds: row.wait_seconds,
  talkSeconds: row.talk_seconds,
  holdSeconds: row.hold_seconds,
  afterContactWorkSeconds: row.after_contact_work_seconds,
  transfers: row.transfers,
  resolved: row.resolved,
  disposition: row.disposition,
  firstContactResolved: row.first_contact_resolved,
  queueId: row.queue_id,
  teamId: row.team_id,
  agentId: row.agent_id,
});
