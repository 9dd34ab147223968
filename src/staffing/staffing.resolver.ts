import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { resolveContactFilter, rangeOrDates } from '../analytics/query.inputs';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { StaffingService } from './staffing.service';
import { StaffingIntervalView, StaffingQuery } from './staffing.types';

@Resolver()
export class StaffingResolver {
  @Authorized(Permission.READ)
  @Query(() => [StaffingIntervalView], {
    description: 'Agents needed per interval to reach a service level (Erlang C), from actual or forecast volume, beside who was logged in.',
  })
  async staffing(@Ctx() ctx: Context, @Arg('query', () => StaffingQuery) query: StaffingQuery): Promise<StaffingIntervalView[]> {
    const principal = await requirePrincipal(ctx);
    const { from, to } = rangeOrDates(query);
    return new StaffingService(ctx.em, ctx.loaders, ctx.kpiResults).plan({
      ...query,
      organizationId: principal.organizationId,
      from,
      to,
      filter: await resolveContactFilter(ctx.em, principal.organizationId, query.filter, 'query.filter'),
    });
  }
}
