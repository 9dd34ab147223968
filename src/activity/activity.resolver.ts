import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { ActivityService } from './activity.service';
import { AgentActivityInput, AgentCostInput, HourlyCostView, RecordActivityResult } from './activity.types';
import { HourlyCostsService } from './hourly-costs.service';

@Resolver()
export class ActivityResolver {
  @Authorized(Permission.INGEST)
  @Mutation(() => RecordActivityResult, {
    description:
      'Records up to 10,000 agent activity intervals. The batch is validated whole: on any invalid record it fails with ' +
      'BAD_USER_INPUT, lists every bad index and rule in extensions.problems, and writes nothing. Idempotent by (agent, intervalStart).',
  })
  async recordAgentActivity(
    @Ctx() ctx: Context,
    @Arg('activity', () => [AgentActivityInput]) activity: AgentActivityInput[],
  ): Promise<RecordActivityResult> {
    const principal = await requirePrincipal(ctx);
    return new ActivityService(ctx.em, ctx.events).record(principal.organizationId, activity);
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => Boolean, {
    description: 'Sets the hourly cost of an agent or a team; the stored activity it applies to is re-priced at once.',
  })
  async setHourlyCost(@Ctx() ctx: Context, @Arg('input', () => AgentCostInput) input: AgentCostInput): Promise<boolean> {
    const principal = await requirePrincipal(ctx);
    await new HourlyCostsService(ctx.em).set(principal.organizationId, input);
    return true;
  }

  @Authorized(Permission.READ)
  @Query(() => [HourlyCostView], { description: 'Every hourly cost set, agents first, by key and effectiveFrom.' })
  async hourlyCosts(@Ctx() ctx: Context): Promise<HourlyCostView[]> {
    const principal = await requirePrincipal(ctx);
    return new HourlyCostsService(ctx.em).list(principal.organizationId);
  }
}
