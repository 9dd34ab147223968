import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { badUserInput, describeProblems, notFound, type FieldProblem } from '../platform/errors';
import { WEBHOOK_EVENTS, type WebhookEventType } from './webhook-events';
import { forbiddenAddressesOf, urlProblems } from './target-url';

/** Webhooks an organization may have at once (each delivery is a POST per event). */
export const MAX_WEBHOOKS = 20;
export const DEFAULT_DELIVERIES_PAGE = 50;
export const MAX_DELIVERIES_PAGE = 200;
/** `webhooks` lists the newest this many (deleted ones included). */
export const WEBHOOKS_LISTED = 100;

export interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  created_at: Date;
  deleted_at: Date | null;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event: WebhookEventType;
  created_at: Date;
  attempts: number;
  last_status: number | null;
  delivered_at: Date | null;
  next_attempt_at: Date | null;
}

const WEBHOOK_COLUMNS = 'id, url, events, created_at, deleted_at';

/** An organization's webhooks and their deliveries. */
export class WebhooksStore {
  constructor(
    private readonly em: EntityManager,
    /** WEBHOOK_ALLOW_PRIVATE=1: loopback targets allowed (tests, a receiver on the same machine). */
    private readonly allowPrivate: boolean,
  ) {}

  async create(organizationId: number, url: string, events: readonly string[]): Promise<{ webhook: WebhookRow; secret: string }> {
    const problems: FieldProblem[] = [...urlProblems(url)];
    const distinct = [...new Set(events)];
    if (distinct.length === 0) problems.push({ field: 'events', rule: 'REQUIRED', message: `name at least one of ${WEBHOOK_EVENTS.join(', ')}` });
    if (problems.length === 0 && !this.allowPrivate) {
      const forbidden = await forbiddenAddressesOf(new URL(url).hostname);
      if (forbidden.length) {
        problems.push({ field: 'url', rule: 'PRIVATE_ADDRESS', message: `resolves to ${forbidden.join(', ')}, this server's own loopback or a link-local address` });
      }
    }
    if (problems.length) throw badUserInput(describeProblems('createWebhook', problems), problems);
    const [{ n }] = await this.em.execute<Array<{ n: number }>>(
      'select count(*)::int as n from webhook where organization_id = ? and deleted_at is null', [organizationId],
    );
    if (n >= MAX_WEBHOOKS) {
      const message = `at most ${MAX_WEBHOOKS} webhooks at once; delete one first`;
      throw badUserInput(`createWebhook: ${message}`, [{ field: 'url', rule: 'TOO_MANY_WEBHOOKS', message }]);
    }
    const secret = randomBytes(32).toString('base64url');
    const [webhook] = await this.em.execute<WebhookRow[]>(
      `insert into webhook (organization_id, url, events, secret) values (?, ?, ?::text[], ?) returning ${WEBHOOK_COLUMNS}`,
      [organizationId, url, `{${distinct.join(',')}}`, secret],
    );
    return { webhook: webhook!, secret };
  }

  /** Stops its deliveries: those pending are never sent. */
  async delete(organizationId: number, id: string): Promise<WebhookRow> {
    const webhookId = idOf('id', id);
    const [row] = await this.em.execute<WebhookRow[]>(
      `update webhook set deleted_at = coalesce(deleted_at, now()) where organization_id = ? and id = ? returning ${WEBHOOK_COLUMNS}`,
      [organizationId, webhookId],
    );
    if (!row) throw notFound(`id: no webhook ${id} in this organization`);
    return row;
  }

  /** Every webhook, deleted ones included, newest first (at most MAX_WEBHOOKS active, so the list stays short: the 100 newest). */
  list(organizationId: number): Promise<WebhookRow[]> {
    return this.em.execute<WebhookRow[]>(`select ${WEBHOOK_COLUMNS} from webhook where organization_id = ? order by id desc limit ?`, [organizationId, WEBHOOKS_LISTED]);
  }

  /** A page of a webhook's deliveries, newest first, after the cursor (a delivery id). */
  async deliveries(organizationId: number, webhookId: string, first: number | null | undefined, after: string | null | undefined) {
    const id = idOf('webhookId', webhookId);
    const size = first ?? DEFAULT_DELIVERIES_PAGE;
    if (!Number.isInteger(size) || size < 0 || size > MAX_DELIVERIES_PAGE) {
      const message = `must be from 0 to ${MAX_DELIVERIES_PAGE}`;
      throw badUserInput(`first: ${message}`, [{ field: 'first', rule: 'OUT_OF_RANGE', message }]);
    }
    const before = after == null ? null : decodeDeliveryCursor(after);
    const [hook] = await this.em.execute('select 1 from webhook where organization_id = ? and id = ?', [organizationId, id]);
    if (!hook) throw notFound(`webhookId: no webhook ${webhookId} in this organization`);
    const rows = await this.em.execute<DeliveryRow[]>(
      `select id, event_id, event, created_at, attempts, last_status, delivered_at,
         case when delivered_at is null and failed_at is null then next_attempt_at end as next_attempt_at
       from webhook_delivery where organization_id = ? and webhook_id = ? ${before ? 'and id < ?' : ''}
       order by id desc limit ?`,
      [organizationId, id, ...(before ? [before] : []), size + 1],
    );
    return { rows: rows.slice(0, size), hasNextPage: rows.length > size, hasPreviousPage: before !== null };
  }
}

/**
 * Inside the transaction of the write that raised it: one delivery of the event
 * per webhook of the organization that wants its type. Returns the event's id.
 */
export async function enqueueWebhookEvent(
  em: EntityManager,
  organizationId: number,
  type: WebhookEventType,
  body: (eventId: string) => Record<string, unknown>,
): Promise<string> {
  const eventId = randomUUID();
  await em.execute(
    `insert into webhook_delivery (organization_id, webhook_id, event_id, event, body)
     select organization_id, id, ?::uuid, ?, ? from webhook
     where organization_id = ? and deleted_at is null and ? = any(events)
     order by id`,
    [eventId, type, JSON.stringify(body(eventId)), organizationId, type],
  );
  return eventId;
}

/** Whether any webhook of the organization wants events (else alerts need not be evaluated). */
export async function hasWebhooks(em: EntityManager, organizationId: number): Promise<boolean> {
  const rows = await em.execute('select 1 from webhook where organization_id = ? and deleted_at is null limit 1', [organizationId]);
  return rows.length > 0;
}

export const encodeDeliveryCursor = (id: string) => Buffer.from(`delivery:${id}`).toString('base64url');

function decodeDeliveryCursor(cursor: string): string {
  const match = /^delivery:(\d{1,18})$/.exec(/^[A-Za-z0-9_-]{1,60}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '');
  if (!match) throw badUserInput('after: not a cursor returned by webhookDeliveries', [{ field: 'after', rule: 'NOT_A_CURSOR', message: 'not a cursor returned by webhookDeliveries' }]);
  return match[1]!;
}

function idOf(field: string, id: string): string {
  if (!/^\d{1,18}$/.test(id)) throw notFound(`${field}: no webhook ${id} in this organization`);
  return id;
}
