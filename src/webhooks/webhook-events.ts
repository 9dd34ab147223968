import { registerEnumType } from 'type-graphql';

/** The events a webhook may subscribe to (API.md "Live wallboard and SLA alerts"). */
export const WEBHOOK_EVENTS = ['SLA_AT_RISK', 'SLA_BREACHED', 'SLA_RECOVERED'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export enum WebhookEvent {
  SLA_AT_RISK = 'SLA_AT_RISK',
  SLA_BREACHED = 'SLA_BREACHED',
  SLA_RECOVERED = 'SLA_RECOVERED',
}

registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  description: 'A target of a policy\'s card for the current, open period changed status: to AT_RISK, to BREACHED, or back to MET.',
});
