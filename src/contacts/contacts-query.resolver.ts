import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ContactFilter, DateRange, TimeRange, rangeOrDates } from '../analytics/query.inputs';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
import { AgentView, QueueView, TeamView } from '../org/org.types';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { ContactConnection, ContactView, pageInfoOf, toContactView } from './contact.types';
import { ContactsQueryService, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RANGE_DAYS } from './contacts.query.service';

@Resolver()
export class ContactsQueryResolver {
  @Authorized(Permission.READ)
  @Query(() => ContactConnection, {
    description:
      'The contacts behind a KPI: offered in range [from, to), newest first (offeredAt, then id, descending). ' +
      `Pages of \`first\` contacts (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}); pass pageInfo.endCursor as ` +
      `\`after\` for the next page. A range may span at most ${MAX_RANGE_DAYS} days.`,
  })
  async contacts(
    @Ctx() ctx: Context,
    @Arg('range', () => TimeRange, { nullable: true, description: 'Contacts offered in [from, to). Exactly one of range and dates.' })
    range: TimeRange | null,
    @Arg('dates', () => DateRange, { nullable: true, description: 'Instead of range: local dates in timeZone, both included.' })
    dates: DateRange | null,
    @Arg('timeZone', () => String, { nullable: true, description: 'IANA name the dates are days of; default "UTC".' })
    timeZone: string | null,
    @Arg('filter', () => ContactFilter, { nullable: true }) filter?: ContactFilter | null,
    @Arg('answered', () => Boolean, { nullable: true, description: 'true: answered contacts only; false: unanswered only.' })
    answered?: boolean | null,
    @Arg('minWaitSeconds', () => Int, { nullable: true, description: 'Only contacts that waited at least this long.' })
    minWaitSeconds?: number | null,
    @Arg('first', () => Int, { nullable: true, description: `Page size, 1..${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` })
    first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' })
    after?: string | null,
  ): Promise<ContactConnection> {
    const principal = await requirePrincipal(ctx);
    const page = await new ContactsQueryService(ctx.em).page(principal.organizationId, {
      range: rangeOrDates({ range, dates, timeZone }), filter, answered, minWaitSeconds, first, after,
    });
    const edges = page.rows.map(({ row, cursor }) => ({ node: toContactView(row), cursor }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, page.hasPreviousPage), countAll: page.countAll };
  }
}

@Resolver(() => ContactConnection)
export class ContactConnectionResolver {
  @FieldResolver(() => Int, { description: 'Contacts of the whole selection, all pages (one count: ask it once, not per page).' })
  totalCount(@Root() connection: ContactConnection): Promise<number> {
    return connection.countAll();
  }
}

/** Contact's directory fields, batched per request by the DataLoaders (one query per entity type). */
@Resolver(() => ContactView)
export class ContactFieldsResolver {
  @FieldResolver(() => QueueView, { description: 'The queue the contact was routed to.' })
  async queue(@Root() contact: ContactView, @Ctx() ctx: Context): Promise<QueueView> {
    const queue = await ctx.loaders.queue.load(contact.queueId);
    if (!queue) throw new Error(`contact ${contact.id}: queue ${contact.queueId} not found`);
    return toQueueView(queue);
  }

  @FieldResolver(() => TeamView, {
    nullable: true,
    description: "The team credited: the contact's team key, else its agent's team at ingest.",
  })
  async team(@Root() contact: ContactView, @Ctx() ctx: Context): Promise<TeamView | null> {
    if (contact.teamId === null) return null;
    const team = await ctx.loaders.team.load(contact.teamId);
    return team && toTeamView(team);
  }

  @FieldResolver(() => AgentView, { nullable: true, description: 'The handling agent; null when never answered.' })
  async agent(@Root() contact: ContactView, @Ctx() ctx: Context): Promise<AgentView | null> {
    if (contact.agentId === null) return null;
    const agent = await ctx.loaders.agent.load(contact.agentId);
    return agent && toAgentView(agent);
  }
}
