import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Dimension } from '../analytics/kpi.request';
import { resolveContactFilter } from '../analytics/query.inputs';
import { toAgentView, toQueueView, toTeamView } from '../org/directory.mappers';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { SlaScorecards, type ScorecardResult } from './sla.scorecards';
import { SlaStore, currentVersion, type SlaPolicyVersion } from './sla.store';
import type { SlaDefinitionInput } from './sla-policy';
import { SlaPolicyInput, SlaPolicyView, SlaScorecardView, SlaTrendView, toPolicyView } from './sla.types';

@Resolver()
export class SlaResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => SlaPolicyView, { description: 'Creates a policy; its first version also governs every earlier period.' })
  async createSlaPolicy(@Ctx() ctx: Context, @Arg('input', () => SlaPolicyInput) input: SlaPolicyInput) {
    const principal = await requirePrincipal(ctx);
    return policyView(await new SlaStore(ctx.em).create(principal.organizationId, await definitionOf(ctx, principal.organizationId, input), input.effectiveFrom ?? null));
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => SlaPolicyView, {
    description: 'Adds a version: periods starting at or after effectiveFrom (default now) are evaluated with it; earlier ones keep theirs.',
  })
  async updateSlaPolicy(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input', () => SlaPolicyInput) input: SlaPolicyInput) {
    const principal = await requirePrincipal(ctx);
    return policyView(await new SlaStore(ctx.em).update(principal.organizationId, id, await definitionOf(ctx, principal.organizationId, input), input.effectiveFrom ?? null));
  }

  @Authorized(Permission.ADMIN)
  @Mutation(() => SlaPolicyView, { description: 'Hides a policy from slaPolicies; its scorecards stay available.' })
  async archiveSlaPolicy(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    const principal = await requirePrincipal(ctx);
    return policyView(await new SlaStore(ctx.em).archive(principal.organizationId, id));
  }

  @Authorized(Permission.READ)
  @Query(() => [SlaPolicyView], { description: 'Policies as in force now, in creation order.' })
  async slaPolicies(
    @Ctx() ctx: Context,
    @Arg('includeArchived', () => Boolean, { nullable: true, description: 'Default false.' }) includeArchived?: boolean | null,
  ) {
    const principal = await requirePrincipal(ctx);
    return (await new SlaStore(ctx.em).all(principal.organizationId, includeArchived ?? false)).map(policyView);
  }

  @Authorized(Permission.READ)
  @Query(() => [SlaScorecardView], {
    description:
      'The policy evaluated for the period containing the instant: the policy-wide card first, then with drillDown one card per ' +
      'channel, queue, team or agent on its own contacts (those without one on an `unassigned` card), worst first (most breached, then lowest compliance).',
  })
  async slaScorecard(
    @Ctx() ctx: Context,
    @Arg('policyId', () => ID) policyId: string,
    @Arg('periodContaining', () => Date) periodContaining: Date,
    @Arg('drillDown', () => Dimension, { nullable: true }) drillDown?: Dimension | null,
  ) {
    const principal = await requirePrincipal(ctx);
    const versions = await new SlaStore(ctx.em).versions(principal.organizationId, policyId);
    const cards = await new SlaScorecards(ctx.em, ctx.loaders, principal.organizationId, ctx.kpiResults).scorecard(versions, periodContaining, drillDown ?? null);
    return cards.map((c) => cardView(c, versions));
  }

  @Authorized(Permission.READ)
  @Query(() => SlaTrendView, { description: 'The last `periods` policy-wide cards, oldest first, and per target its series and trend.' })
  async slaTrend(
    @Ctx() ctx: Context,
    @Arg('policyId', () => ID) policyId: string,
    @Arg('periods', () => Int) periods: number,
    @Arg('endingWith', () => Date) endingWith: Date,
  ) {
    const principal = await requirePrincipal(ctx);
    const versions = await new SlaStore(ctx.em).versions(principal.organizationId, policyId);
    const trend = await new SlaScorecards(ctx.em, ctx.loaders, principal.organizationId, ctx.kpiResults).trend(versions, periods, endingWith);
    return { scorecards: trend.cards.map((c) => cardView(c, versions)), targets: trend.targets };
  }
}

/** The policy as stored: its scope's keys become ids, and an unknown id or key is refused. */
async function definitionOf(ctx: Context, organizationId: number, input: SlaPolicyInput): Promise<SlaDefinitionInput> {
  return {
    name: input.name,
    scope: await resolveContactFilter(ctx.em, organizationId, input.scope, 'input.scope'),
    period: input.period,
    timeZone: input.timeZone,
    serviceHours: input.serviceHours,
    holidays: input.holidays,
    serviceLevelThresholdSeconds: input.serviceLevelThresholdSeconds,
    channelThresholds: input.channelThresholds,
    shortAbandonSeconds: input.shortAbandonSeconds,
    targets: input.targets,
  };
}

const policyView = (versions: SlaPolicyVersion[]) => toPolicyView(currentVersion(versions), versions);

function cardView(card: ScorecardResult, versions: readonly SlaPolicyVersion[]): SlaScorecardView {
  return {
    policy: toPolicyView(card.version, versions),
    periodStart: card.periodStart,
    periodEnd: card.periodEnd,
    channel: card.channel,
    queue: card.queue && toQueueView(card.queue),
    team: card.team && toTeamView(card.team),
    agent: card.agent && toAgentView(card.agent),
    unassigned: card.unassigned,
    targets: card.targets,
    met: card.met,
    atRisk: card.atRisk,
    breached: card.breached,
    noData: card.noData,
    compliance: card.compliance,
    penaltyTotal: card.penaltyTotal,
  };
}
