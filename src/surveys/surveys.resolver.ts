import { Arg, Authorized, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Channel } from '../warehouse/channels';
import { readAutoInvite } from './auto-invite';
import { KpiQuery } from '../analytics/kpi.types';
import { ContactFilter, DateRange, TimeRange, resolveContactFilter, rangeOrDates } from '../analytics/query.inputs';
import { ContactView, pageInfoOf, toContactView } from '../contacts/contact.types';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ContactRow } from '../contacts/contacts.query.service';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { badUserInput, notFound } from '../platform/errors';
import { SurveyAnswersQuery } from './survey-answers.query';
import {
  ComplaintCount, SurveyAutoInviteView, SurveyInvitationView, SurveyResponseConnection, SurveyResponseInput, SurveyResponseView,
} from './survey.types';
import { InvitationStatus, SurveysService, type ResponseRow } from './surveys.service';

@Resolver()
export class SurveysResolver {
  @Authorized(Permission.INGEST)
  @Mutation(() => SurveyInvitationView, {
    description: "Invites a contact's customer to the survey. The contact's open (or answered) invitation is returned again, same token.",
  })
  async createSurveyInvitation(@Ctx() ctx: Context, @Arg('contactExternalId', () => String) contactExternalId: string) {
    const principal = await requirePrincipal(ctx);
    return (await new SurveysService(ctx.em).invite(principal.organizationId, [contactExternalId]))[0];
  }

  @Authorized(Permission.INGEST)
  @Mutation(() => [SurveyInvitationView], { description: 'One invitation per external id, in the order given (at most 10,000).' })
  async createSurveyInvitations(
    @Ctx() ctx: Context,
    @Arg('contactExternalIds', () => [String]) contactExternalIds: string[],
  ) {
    const principal = await requirePrincipal(ctx);
    return new SurveysService(ctx.em).invite(principal.organizationId, contactExternalIds);
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => SurveyAutoInviteView, {
    description: 'Invites customers automatically when contacts are recorded: new answered contacts on these channels, sampled at this rate.',
  })
  async configureSurveyAutoInvite(
    @Ctx() ctx: Context,
    @Arg('channels', () => [Channel]) channels: Channel[],
    @Arg('samplingRate', () => Float, { description: '0..1; 0 turns it off.' }) samplingRate: number,
  ) {
    const principal = await requirePrincipal(ctx);
    if (!(samplingRate >= 0 && samplingRate <= 1)) {
      throw badUserInput(`samplingRate: must be from 0 to 1, got ${samplingRate}`, [
        { field: 'samplingRate', rule: 'OUT_OF_RANGE', message: 'must be from 0 to 1' },
      ]);
    }
    await ctx.em.execute('update organization set survey_auto_invite_channels = ?::text[], survey_auto_invite_rate = ? where id = ?', [
      `{${[...new Set(channels)].join(',')}}`,
      samplingRate,
      principal.organizationId,
    ]);
    return readAutoInvite(ctx.em, principal.organizationId);
  }

  @Authorized(Permission.READ)
  @Query(() => SurveyAutoInviteView, { description: 'The automatic invitation settings.' })
  async surveyAutoInvite(@Ctx() ctx: Context) {
    const principal = await requirePrincipal(ctx);
    return readAutoInvite(ctx.em, principal.organizationId);
  }

  @Mutation(() => SurveyResponseView, {
    description:
      'Stores a customer\'s answers; needs the token, no API key. A second submission with the same token returns the first ' +
      'response unchanged. Unknown or expired tokens: FORBIDDEN with extensions.reason UNKNOWN_TOKEN or EXPIRED.',
  })
  async submitSurveyResponse(@Ctx() ctx: Context, @Arg('input', () => SurveyResponseInput) input: SurveyResponseInput) {
    return toResponseView(await new SurveysService(ctx.em, ctx.events).submit(input));
  }

  @Query(() => InvitationStatus, { description: 'Where a survey link stands, for the widget; needs no API key.' })
  surveyInvitationStatus(@Ctx() ctx: Context, @Arg('token', () => String) token: string) {
    return new SurveysService(ctx.em).status(token);
  }

  @Authorized(Permission.READ)
  @Query(() => SurveyResponseConnection, {
    description:
      "Survey responses of the contacts offered in range, newest contact first, with the contact: e.g. every CSAT ≤ 2 of a team last week. " +
      `Pages of \`first\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
  })
  async surveyResponses(
    @Ctx() ctx: Context,
    @Arg('range', () => TimeRange, { nullable: true, description: 'Contacts offered in [from, to). Exactly one of range and dates.' })
    range: TimeRange | null,
    @Arg('dates', () => DateRange, { nullable: true, description: 'Instead of range: local dates in timeZone, both included.' })
    dates: DateRange | null,
    @Arg('timeZone', () => String, { nullable: true, description: 'IANA name the dates are days of; default "UTC".' })
    timeZone: string | null,
    @Arg('filter', () => ContactFilter, { nullable: true }) filter?: ContactFilter | null,
    @Arg('maxCsat', () => Int, { nullable: true, description: 'Only responses with CSAT at most this.' }) maxCsat?: number | null,
    @Arg('complaint', () => Boolean, { nullable: true, description: 'true: complaints only; false: no complaints.' })
    complaint?: boolean | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<SurveyResponseConnection> {
    const principal = await requirePrincipal(ctx);
    const page = await new SurveyAnswersQuery(ctx.em).page(principal.organizationId, {
      range: rangeOrDates({ range, dates, timeZone }), filter, maxCsat, complaint, first, after,
    });
    const edges = page.rows.map(({ response, contact, cursor }) => ({ node: toResponseView(response, contact), cursor }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, page.hasPreviousPage), countAll: page.countAll };
  }

  @Authorized(Permission.READ)
  @Query(() => [ComplaintCount], {
    description:
      "Complaints per category per period of the contacts (the query's range, zone, filter and granularity; groupBy and thresholds are not used), " +
      'ordered by period then category, no category last.',
  })
  async complaintBreakdown(@Ctx() ctx: Context, @Arg('query', () => KpiQuery) query: KpiQuery) {
    const principal = await requirePrincipal(ctx);
    const { from, to } = rangeOrDates(query);
    return new SurveyAnswersQuery(ctx.em).complaintBreakdown({
      organizationId: principal.organizationId,
      from,
      to,
      timeZone: query.timeZone,
      filter: await resolveContactFilter(ctx.em, principal.organizationId, query.filter, 'query.filter'),
      granularity: query.granularity,
    });
  }
}

@Resolver(() => SurveyResponseConnection)
export class SurveyResponseConnectionResolver {
  @FieldResolver(() => Int, { description: 'Responses of the whole selection, all pages (one count: ask it once, not per page).' })
  totalCount(@Root() connection: SurveyResponseConnection): Promise<number> {
    return connection.countAll();
  }
}

@Resolver(() => SurveyResponseView)
export class SurveyResponseFieldsResolver {
  @Authorized(Permission.READ)
  @FieldResolver(() => ContactView, { description: 'The contact rated (needs a key that may read).' })
  async contact(@Root() response: SurveyResponseView, @Ctx() ctx: Context): Promise<ContactView> {
    if (response.contactView) return response.contactView;
    const principal = await requirePrincipal(ctx);
    const rows: ContactRow[] = await ctx.em.execute('select * from contact where organization_id = ? and id = ?', [
      principal.organizationId,
      response.contactId,
    ]);
    if (!rows[0]) throw notFound('contact not found');
    return toContactView(rows[0]);
  }
}

function toResponseView(row: ResponseRow, contact?: ContactRow): SurveyResponseView {
  return {
    id: String(row.id),
    csat: row.csat,
    resolved: row.resolved,
    complaint: row.complaint,
    complaintCategory: row.complaint_category,
    nps: row.nps,
    comment: row.comment,
    submittedAt: new Date(row.submitted_at),
    contactId: String(row.contact_id),
    contactView: contact && toContactView(contact),
  };
}
