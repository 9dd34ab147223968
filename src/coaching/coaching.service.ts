import type { EntityManager } from '@mikro-orm/postgresql';
import { Dimension, type ContactScope } from '../analytics/kpi.request';
import type { KpiResultCache } from '../platform/kpi-result-cache';
import { KpiService, type KpiAsk, type KpiReportResult, type KpiRowResult } from '../analytics/kpi.service';
import { scopeWhere } from '../analytics/scope.sql';
import { raw, sql, type Sql } from '../analytics/sql';
import { CONTACT_COLUMNS, type ContactRow } from '../contacts/contacts.query.service';
import type { DirectoryLoaders } from '../org/directory.loaders';
import { executeBound } from '../platform/bound-statements';
import { badUserInput, describeProblems } from '../platform/errors';
import { validateTargets, type SlaTargetInput, type TargetEvaluation } from '../sla/evaluation';
import { arrayLiteral } from '../warehouse/contact-facts';
import { DEFAULT_MIN_HANDLED, EXAMPLES_PER_ENTRY, MAX_COACHING_TARGETS, coachingCandidates, exampleKind, type ExampleKind } from './coaching';

export interface CoachingAsk extends Omit<KpiAsk, 'groupBy' | 'granularity' | 'compareWithPrevious' | 'ranking'> {
  filter: ContactScope;
  targets: readonly SlaTargetInput[];
  minHandled?: number | null;
}

export interface CoachingEntryResult {
  row: KpiRowResult;
  misses: TargetEvaluation[];
  examples: ContactRow[];
}

/** coachingList: the KPI engine by agent, the pure coaching core, and one statement of examples per kind of miss. */
export class CoachingService {
  constructor(
    private readonly em: EntityManager,
    private readonly loaders: DirectoryLoaders,
    private readonly results: KpiResultCache | null = null,
  ) {}

  async list(ask: CoachingAsk): Promise<{ entries: CoachingEntryResult[]; thresholds: KpiReportResult['thresholds'] }> {
    const { targets, problems } = validateTargets(ask.targets, 'targets');
    const minHandled = ask.minHandled ?? DEFAULT_MIN_HANDLED;
    if (!Number.isInteger(minHandled) || minHandled < 0) problems.push({ field: 'minHandled', rule: 'NEGATIVE', message: 'must be a whole number ≥ 0' });
    if (targets.length === 0 && problems.length === 0) problems.push({ field: 'targets', rule: 'REQUIRED', message: 'needs at least one target' });
    if (ask.targets.length > MAX_COACHING_TARGETS) problems.push({ field: 'targets', rule: 'TOO_MANY', message: `at most ${MAX_COACHING_TARGETS} targets` });
    if (problems.length) throw badUserInput(describeProblems('coachingList', problems), problems);

    const report = await new KpiService(this.em, this.loaders, this.results).report({
      ...ask,
      groupBy: [Dimension.AGENT],
      granularity: null,
      fields: [...new Set([...ask.fields, ...targets.map((t) => t.metric), 'handled'])],
    });
    const agentRows = report.rows.filter((r) => r.agent !== null);
    const candidates = coachingCandidates(
      agentRows.map((row) => ({ row, agentKey: row.agent!.key, metrics: row.metrics })),
      targets,
      minHandled,
    );
    // Examples by the kind of each agent's worst miss: one statement per kind.
    const byKind = new Map<ExampleKind, number[]>();
    for (const c of candidates) {
      const kind = exampleKind(c.misses[0]!.metric);
      byKind.set(kind, [...(byKind.get(kind) ?? []), Number(c.row.agent!.id)]);
    }
    const examples = new Map<number, ContactRow[]>();
    await Promise.all(
      [...byKind].map(async ([kind, agentIds]) => {
        for (const row of await this.examples(ask, kind, agentIds)) {
          const agentId = Number(row.agent_id);
          examples.set(agentId, [...(examples.get(agentId) ?? []), row]);
        }
      }),
    );
    return {
      entries: candidates.map((c) => ({ row: c.row, misses: c.misses, examples: examples.get(Number(c.row.agent!.id)) ?? [] })),
      thresholds: report.thresholds,
    };
  }

  /** Up to EXAMPLES_PER_ENTRY contacts of each agent in the asked range and filter, as `kind` orders them. */
  private examples(ask: CoachingAsk, kind: ExampleKind, agentIds: number[]): Promise<ContactRow[]> {
    const response = (condition: string) =>
      raw(`exists (select 1 from survey_response r where r.organization_id = c.organization_id and r.contact_id = c.id${condition})`);
    const lowestQaScore = raw(`(select min(e.score) from qa_evaluation e where e.organization_id = c.organization_id and e.contact_id = c.id)`);
    const lowestCsat = raw(`(select min(r.csat) from survey_response r where r.organization_id = c.organization_id and r.contact_id = c.id)`);
    const { where, order }: { where: Sql; order: Sql } = {
      LOWEST_CSAT: { where: sql` and ${response('')}`, order: sql`${lowestCsat} asc, c.offered_at desc` },
      COMPLAINTS: { where: sql` and ${response(' and r.complaint')}`, order: raw('c.offered_at desc') },
      LONGEST_WAIT: { where: raw(` and c.direction = 'INBOUND' and c.answered_at is not null`), order: raw('c.wait_seconds desc, c.offered_at desc') },
      UNRESOLVED: { where: raw(' and (c.first_contact_resolved is false or c.resolved is false)'), order: raw('c.offered_at desc') },
      // The evaluated contacts, from their QA tallies: those with the most fatal errors, or the lowest evaluation score.
      FATAL_ERRORS: { where: raw(' and c.qa_fatal_errors > 0'), order: raw('c.qa_fatal_errors desc, c.offered_at desc') },
      LOWEST_QA_SCORE: { where: raw(' and c.qa_evaluations > 0'), order: sql`${lowestQaScore} asc, c.offered_at desc` },
      LONGEST_HANDLE_TIME: {
        where: raw(' and c.answered_at is not null'),
        order: raw('c.talk_seconds + c.hold_seconds + c.after_contact_work_seconds desc, c.offered_at desc'),
      },
    }[kind];
    const query = sql`select x.* from unnest(${arrayLiteral(agentIds)}::int[]) as a(agent_id)
      cross join lateral (
        select ${raw(CONTACT_COLUMNS.map((column) => `c.${column}`).join(', '))} from contact c
        where c.organization_id = ${ask.organizationId} and c.agent_id = a.agent_id
          and c.offered_at >= ${ask.from.toISOString()}::timestamptz and c.offered_at < ${ask.to.toISOString()}::timestamptz${scopeWhere(ask.filter, 'c.')}${where}
        order by ${order}, c.id desc
        limit ${EXAMPLES_PER_ENTRY}) x`;
    return executeBound<ContactRow>(this.em, query.text, query.values);
  }
}
