import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Field, Info, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { PERCENTILE_MEASURES } from '../analytics/kpi.request';
import { askedArguments, rowViews } from '../analytics/kpi.resolver';
import { KpiQuery, KpiRowView, THRESHOLD_METRICS } from '../analytics/kpi.types';
import { DISTRIBUTIONS } from '../analytics/percentiles';
import { rangeOrDates, resolveContactFilter } from '../analytics/query.inputs';
import { ContactView, toContactView } from '../contacts/contact.types';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { toAgentView } from '../org/directory.mappers';
import { AgentView } from '../org/org.types';
import { badUserInput } from '../platform/errors';
import { selectedFields } from '../platform/selection';
import { SlaTargetInput, TargetResultView } from '../sla/sla.types';
import { CoachingService } from './coaching.service';

@ObjectType('CoachingEntry', { description: 'An agent who misses targets: its figures, the targets missed (worst first), and contacts behind the misses.' })
export class CoachingEntryView {
  @Field(() => AgentView) agent!: AgentView;
  @Field(() => KpiRowView, { description: "The agent's figures for the query." }) row!: KpiRowView;
  @Field(() => [TargetResultView], { description: 'The targets it misses (BREACHED), heaviest first.' }) misses!: TargetResultView[];
  @Field(() => [ContactView], {
    description: 'Up to 5 contacts behind the worst miss: lowest CSAT, complaints, longest waits, unresolved, longest handle times, ' +
      'fatal errors (fatalErrors, fatalErrorRate) or lowest QA scores (qaScore), as the metric suggests.',
  })
  examples!: ContactView[];
}

@Resolver()
export class CoachingResolver {
  @Authorized(Permission.READ)
  @Query(() => [CoachingEntryView], {
    description:
      'Agents with at least minHandled (default 20) handled contacts in the range that miss a target, most weighted misses first, then by agent key. ' +
      "The query's range or dates, zone, filter and thresholds apply; it is always by agent over the whole range (no groupBy or granularity).",
  })
  async coachingList(
    @Ctx() ctx: Context,
    @Arg('query', () => KpiQuery) query: KpiQuery,
    @Arg('targets', () => [SlaTargetInput]) targets: SlaTargetInput[],
    @Arg('minHandled', () => Int, { nullable: true }) minHandled: number | null | undefined,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CoachingEntryView[]> {
    const principal = await requirePrincipal(ctx);
    if (query.granularity || (query.groupBy?.length ?? 0) > 0 || query.compareWithPrevious || query.orderBy || query.having || query.limit) {
      const message = 'coachingList is by agent over the whole range: leave out groupBy, granularity, compareWithPrevious, orderBy, having and limit';
      throw badUserInput(`query: ${message}`, [{ field: 'query', rule: 'UNSUPPORTED', message }]);
    }
    const rowPaths = [['row']];
    const { from, to } = rangeOrDates(query, 'query.');
    const { entries, thresholds } = await new CoachingService(ctx.em, ctx.loaders, ctx.kpiResults).list({
      organizationId: principal.organizationId,
      from,
      to,
      timeZone: query.timeZone,
      filter: await resolveContactFilter(ctx.em, principal.organizationId, query.filter, 'query.filter'),
      serviceLevelThresholdSeconds: query.serviceLevelThresholdSeconds,
      shortAbandonSeconds: query.shortAbandonSeconds,
      fields: selectedFields(info, ['row']),
      withinThresholds: askedArguments(info, rowPaths, THRESHOLD_METRICS, 'thresholdSeconds'),
      percentiles: Object.fromEntries(PERCENTILE_MEASURES.map((m) => [m, askedArguments(info, rowPaths, [DISTRIBUTIONS[m].field], 'p')])),
      targets,
      minHandled,
    });
    const toRowView = rowViews(entries.length ? Object.keys(entries[0]!.row.metrics) : [], thresholds);
    return entries.map((e) => ({
      agent: toAgentView(e.row.agent!),
      row: toRowView(e.row),
      misses: e.misses.map((m) => ({ ...m, warning: m.warning ?? null })),
      examples: e.examples.map(toContactView),
    }));
  }
}
