import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../contacts/contact.types';
import { WebhookEvent } from './webhook-events';
import { encodeDeliveryCursor, type DeliveryRow, type WebhookRow } from './webhooks.store';

@ObjectType('Webhook', { description: 'A receiver of SLA events: each is POSTed as JSON, signed (CallPulse-Signature), at least once, in order.' })
export class WebhookView {
  @Field(() => ID) id!: string;
  @Field(() => String) url!: string;
  @Field(() => [WebhookEvent]) events!: WebhookEvent[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Set once deleted: nothing more is delivered.' }) deletedAt!: Date | null;
}

@ObjectType('CreatedWebhook', { description: 'A new webhook and the secret its deliveries are signed with (shown once).' })
export class CreatedWebhook {
  @Field(() => WebhookView) webhook!: WebhookView;
  @Field(() => String, { description: 'HMAC-SHA256 key of CallPulse-Signature; shown only here.' }) secret!: string;
}

@ObjectType('WebhookDelivery', { description: 'One event for one webhook: retried with backoff until a 2xx, for at least 24 hours.' })
export class WebhookDeliveryView {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The CallPulse-Event-Id header: the same on a retry, for deduplication.' }) eventId!: string;
  @Field(() => WebhookEvent) event!: WebhookEvent;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null: none yet, or no answer (see the server log).' })
  lastStatus!: number | null;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it is tried next; null once delivered or given up.' }) nextAttemptAt!: Date | null;
}

@ObjectType('WebhookDeliveryEdge')
export class WebhookDeliveryEdge {
  @Field(() => WebhookDeliveryView) node!: WebhookDeliveryView;
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this delivery.' }) cursor!: string;
}

@ObjectType('WebhookDeliveryConnection', { description: 'One page of a webhook\'s deliveries, newest first.' })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge]) edges!: WebhookDeliveryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

export const toWebhookView = (r: WebhookRow): WebhookView => ({
  id: String(r.id),
  url: r.url,
  events: r.events as unknown as WebhookEvent[],
  createdAt: new Date(r.created_at),
  deletedAt: r.deleted_at ? new Date(r.deleted_at) : null,
});

export const toDeliveryEdge = (r: DeliveryRow): WebhookDeliveryEdge => ({
  cursor: encodeDeliveryCursor(String(r.id)),
  node: {
    id: String(r.id),
    eventId: r.event_id,
    event: r.event as WebhookEvent,
    createdAt: new Date(r.created_at),
    attempts: r.attempts,
    lastStatus: r.last_status,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
    nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : null,
  },
});
