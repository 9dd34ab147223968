import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { KpiQuery } from '../analytics/kpi.types';
import { rangeOrDates, resolveContactFilter } from '../analytics/query.inputs';
import { Permission, requirePrincipal } from '../org/auth';
import type { Context } from '../org/context';
import { QaService, type QaAsk } from './qa.service';
import { EvaluatorSummaryView, FatalErrorCountView, QaCriterionInput, QaEvaluationInput, QaFormView, RecordQaResultView } from './qa.types';

@Resolver()
export class QaResolver {
  @Authorized(Permission.ADMIN)
  @Mutation(() => QaFormView, { description: 'Creates a QA form (a form is never edited: a changed form is a new one).' })
  async createQaForm(
    @Ctx() ctx: Context,
    @Arg('name', () => String) name: string,
    @Arg('criteria', () => [QaCriterionInput]) criteria: QaCriterionInput[],
  ): Promise<QaFormView> {
    const principal = await requirePrincipal(ctx);
    return new QaService(ctx.em).createForm(principal.organizationId, name, criteria);
  }

  @Authorized(Permission.INGEST)
  @Mutation(() => RecordQaResultView, {
    description:
      'Records up to 10,000 QA evaluations, idempotent by externalId. The batch is validated whole (unknown form or contact, ' +
      'missing or unknown criterion, score outside 0..1: each named by index and field in extensions.problems) and nothing is written on any problem.',
  })
  async recordQaEvaluations(@Ctx() ctx: Context, @Arg('evaluations', () => [QaEvaluationInput]) evaluations: QaEvaluationInput[]): Promise<RecordQaResultView> {
    const principal = await requirePrincipal(ctx);
    return new QaService(ctx.em, ctx.events).record(principal.organizationId, evaluations);
  }

  @Authorized(Permission.READ)
  @Query(() => [QaFormView], { description: 'Every QA form, oldest first.' })
  async qaForms(@Ctx() ctx: Context): Promise<QaFormView[]> {
    const principal = await requirePrincipal(ctx);
    return new QaService(ctx.em).forms(principal.organizationId);
  }

  @Authorized(Permission.READ)
  @Query(() => [FatalErrorCountView], {
    description: "Fatal errors per fatal criterion (and per period with a granularity) of the evaluated contacts the query's range and filter select.",
  })
  async qaFatalErrors(@Ctx() ctx: Context, @Arg('query', () => KpiQuery) query: KpiQuery): Promise<FatalErrorCountView[]> {
    return new QaService(ctx.em).fatalErrors(await qaAsk(ctx, query));
  }

  @Authorized(Permission.READ)
  @Query(() => [EvaluatorSummaryView], { description: "Each evaluator's evaluations of the contacts the query selects, by evaluator." })
  async qaEvaluators(@Ctx() ctx: Context, @Arg('query', () => KpiQuery) query: KpiQuery): Promise<EvaluatorSummaryView[]> {
    return new QaService(ctx.em).evaluators(await qaAsk(ctx, query));
  }
}

async function qaAsk(ctx: Context, query: KpiQuery): Promise<QaAsk> {
  const principal = await requirePrincipal(ctx);
  const { from, to } = rangeOrDates(query, 'query.');
  return {
    organizationId: principal.organizationId,
    from,
    to,
    timeZone: query.timeZone,
    granularity: query.granularity,
    filter: await resolveContactFilter(ctx.em, principal.organizationId, query.filter, 'query.filter'),
  };
}
