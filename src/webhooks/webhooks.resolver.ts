import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { pageInfoOf } from '../contacts/contact.types';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { readWebhookAllowPrivate } from '../platform/config';
import { WebhookEvent } from './webhook-events';
import { WebhooksStore } from './webhooks.store';
import { CreatedWebhook, WebhookDeliveryConnection, WebhookView, toDeliveryEdge, toWebhookView } from './webhooks.types';

/** WEBHOOK_ALLOW_PRIVATE=1 lets webhooks target this machine's loopback (tests, a local receiver). */
export const allowPrivateTargets = () => readWebhookAllowPrivate();

@Resolver()
export class WebhooksResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => CreatedWebhook, { description: 'Adds a receiver of SLA events (http or https); the signing secret is shown once.' })
  async createWebhook(
    @Ctx() ctx: Context,
    @Arg('url', () => String) url: string,
    @Arg('events', () => [WebhookEvent]) events: WebhookEvent[],
  ): Promise<CreatedWebhook> {
    const principal = await requirePrincipal(ctx);
    const { webhook, secret } = await new WebhooksStore(ctx.em, allowPrivateTargets()).create(principal.organizationId, url, events);
    return { webhook: toWebhookView(webhook), secret };
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => WebhookView, { description: 'Deletes a webhook: its pending deliveries are not sent.' })
  async deleteWebhook(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): Promise<WebhookView> {
    const principal = await requirePrincipal(ctx);
    return toWebhookView(await new WebhooksStore(ctx.em, allowPrivateTargets()).delete(principal.organizationId, id));
  }

  @Authorized(Permission.ADMIN)
  @Query(() => [WebhookView], { description: 'The webhooks, deleted ones included, newest first (the 100 newest).' })
  async webhooks(@Ctx() ctx: Context): Promise<WebhookView[]> {
    const principal = await requirePrincipal(ctx);
    return (await new WebhooksStore(ctx.em, allowPrivateTargets()).list(principal.organizationId)).map(toWebhookView);
  }

  @Authorized(Permission.ADMIN)
  @Query(() => WebhookDeliveryConnection, { description: 'A webhook\'s deliveries, newest first; first: 0 to 200, default 50.' })
  async webhookDeliveries(
    @Ctx() ctx: Context,
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<WebhookDeliveryConnection> {
    const principal = await requirePrincipal(ctx);
    const page = await new WebhooksStore(ctx.em, allowPrivateTargets()).deliveries(principal.organizationId, webhookId, first, after);
    const edges = page.rows.map(toDeliveryEdge);
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, page.hasPreviousPage) };
  }
}
