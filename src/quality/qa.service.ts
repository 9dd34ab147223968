import type { EntityManager } from '@mikro-orm/postgresql';
import { countPeriods, isValidTimeZone, periodBoundaries, type Granularity } from '../platform/calendar';
import type { ContactScope } from '../analytics/kpi.request';
import { MAX_RANGE_DAYS, MAX_ROWS } from '../analytics/kpi.service';
import { checkTimeRange } from '../analytics/query.inputs';
import { scopeWhere } from '../analytics/scope.sql';
import { sql, type Sql } from '../analytics/sql';
import { executeBound } from '../platform/bound-statements';
import { arrayLiteral } from '../warehouse/contact-facts';
import { badUserInput, describeProblems } from '../platform/errors';
import type { DomainEventBus } from '../org/events';
import { writeFacts } from '../warehouse/fact-writes';
import { CONTACT_FACT } from '../warehouse/facts';
import { QA_CONTACT_TALLIES, refreshContactTallies } from '../warehouse/contact-tallies';
import { validateQaEvaluations, validateQaForm, type QaCriterion, type QaCriterionInput, type QaEvaluationFields, type ValidQaEvaluation } from './qa-scoring';

/** Forms an organization may keep (qaForms answers them all). */
export const MAX_QA_FORMS = 200;
/** Evaluators qaEvaluators answers at most (by name). */
export const MAX_EVALUATORS = 1_000;

export interface QaForm {
  id: string;
  name: string;
  criteria: QaCriterion[];
  createdAt: Date;
}

export interface RecordQaResult {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** Which evaluations a quality report reads: those of the contacts offered in [from, to) matching the filter. */
export interface QaAsk {
  organizationId: number;
  from: Date;
  to: Date;
  timeZone?: string | null;
  filter: ContactScope;
  granularity?: Granularity | null;
}

export interface FatalErrorCount {
  periodStart: Date | null;
  periodEnd: Date | null;
  criterion: string;
  count: number;
}

export interface EvaluatorSummary {
  evaluator: string;
  evaluations: number;
  averageScore: number | null;
  fatalErrors: number;
}

/** Forms and evaluations of one organization (src/quality: DOMAIN.md "Quality"). */
export class QaService {
  /** `events`: told 'qa.recorded' after each committed batch that changed the KPIs. */
  constructor(
    private readonly em: EntityManager,
    private readonly events?: DomainEventBus,
  ) {}

  async createForm(organizationId: number, name: string, criteria: readonly QaCriterionInput[]): Promise<QaForm> {
    const form = validateQaForm(name, criteria);
    const [{ forms }] = await executeBound<{ forms: number }>(this.em, `select count(*)::int as forms from qa_form where organization_id = ?`, [organizationId]);
    if (forms >= MAX_QA_FORMS) form.problems.push({ field: 'name', rule: 'TOO_MANY_FORMS', message: `an organization keeps at most ${MAX_QA_FORMS} forms` });
    if (form.problems.length) throw badUserInput(describeProblems('QA form', form.problems), form.problems);
    const [row] = await executeBound<FormRow>(
      this.em,
      `insert into qa_form (organization_id, name, criteria) values (?, ?, ?::jsonb) returning id, name, criteria, created_at`,
      [organizationId, form.name, JSON.stringify(form.criteria)],
    );
    return toForm(row!);
  }

  async forms(organizationId: number): Promise<QaForm[]> {
    const rows = await executeBound<FormRow>(this.em, `select id, name, criteria, created_at from qa_form where organization_id = ? order by id limit ?`, [
      organizationId,
      MAX_QA_FORMS,
    ]);
    return rows.map(toForm);
  }

  /** Validates the batch whole (forms and contacts looked up once), then upserts it by external id; nothing is written on any problem. */
  async record(organizationId: number, inputs: readonly QaEvaluationFields[]): Promise<RecordQaResult> {
    const formIds = [...new Set(inputs.map((i) => i.formId).filter((id) => /^\d{1,18}$/.test(id)))];
    const contactRefs = [...new Set(inputs.map((i) => i.contactExternalId))];
    const [forms, contacts] = await Promise.all([
      executeBound<{ id: string; criteria: QaCriterion[] }>(this.em, `select id, criteria from qa_form where organization_id = ? and id = any(?::bigint[])`, [
        organizationId,
        arrayLiteral(formIds),
      ]),
      executeBound<{ id: string; external_id: string }>(this.em, `select id, external_id from contact where organization_id = ? and external_id = any(?::text[])`, [
        organizationId,
        arrayLiteral(contactRefs),
      ]),
    ]);
    const { records, problems } = validateQaEvaluations(
      inputs,
      new Map(forms.map((f) => [String(f.id), f.criteria])),
      new Map(contacts.map((c) => [c.external_id, String(c.id)])),
    );
    if (problems.length) throw badUserInput(describeProblems('QA evaluations', problems), problems);
    if (records.length === 0) return { received: 0, created: 0, updated: 0, unchanged: 0 };
    const column = <K extends keyof (typeof records)[number]>(k: K) => records.map((r) => r[k]);
    // Under the write lock, like every writer of the contacts' tallies: the evaluations, the
    // tallies of the contacts they point at now and pointed at before, and the rollups, in one transaction.
    const { result: written, change } = await writeFacts(this.em, organizationId, CONTACT_FACT, async (tx) => {
      const before = await executeBound<{ contact_id: string }>(
        tx,
        `select contact_id from qa_evaluation where organization_id = ? and external_id = any(?::text[])`,
        [organizationId, arrayLiteral(column('externalId'))],
      );
      const written = await this.upsert(tx, organizationId, records);
      if (written.length === 0) return written;
      const touched = new Set([...before.map((r) => String(r.contact_id)), ...written.map((w) => String(w.contact_id))]);
      await refreshContactTallies(tx, organizationId, [...touched], QA_CONTACT_TALLIES);
      return written;
    });
    const created = written.filter((w) => w.inserted).length;
    const updated = written.length - created;
    if (change && written.length > 0) await this.events?.emit('qa.recorded', { ...change, created, updated });
    return { received: inputs.length, created, updated, unchanged: inputs.length - written.length };
  }

  /** One statement: rows whose values did not change are not updated (nor returned). */
  private upsert(tx: EntityManager, organizationId: number, records: readonly ValidQaEvaluation[]) {
    const column = <K extends keyof ValidQaEvaluation>(k: K) => records.map((r) => r[k]);
    return executeBound<{ inserted: boolean; contact_id: string }>(
      tx,
      `insert into qa_evaluation (organization_id, external_id, contact_id, form_id, evaluator, evaluated_at, scores, score, fatal_errors)
       select ?, e.external_id, e.contact_id, e.form_id, e.evaluator, e.evaluated_at, e.scores, e.score, array(select jsonb_array_elements_text(e.fatal_errors))
       from unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::timestamptz[], ?::jsonb[], ?::float8[], ?::jsonb[])
         as e(external_id, contact_id, form_id, evaluator, evaluated_at, scores, score, fatal_errors)
       on conflict (organization_id, external_id) do update set
         contact_id = excluded.contact_id, form_id = excluded.form_id, evaluator = excluded.evaluator, evaluated_at = excluded.evaluated_at,
         scores = excluded.scores, score = excluded.score, fatal_errors = excluded.fatal_errors, updated_at = now()
       where (qa_evaluation.contact_id, qa_evaluation.form_id, qa_evaluation.evaluator, qa_evaluation.evaluated_at, qa_evaluation.scores, qa_evaluation.score)
         is distinct from (excluded.contact_id, excluded.form_id, excluded.evaluator, excluded.evaluated_at, excluded.scores, excluded.score)
       returning (xmax = 0) as inserted, contact_id`,
      [
        organizationId,
        arrayLiteral(column('externalId')),
        arrayLiteral(column('contactId')),
        arrayLiteral(column('formId')),
        arrayLiteral(column('evaluator')),
        arrayLiteral(column('evaluatedAt').map((d) => d.toISOString())),
        arrayLiteral(records.map((r) => JSON.stringify(r.scores))),
        arrayLiteral(column('score')),
        arrayLiteral(records.map((r) => JSON.stringify(r.fatalErrors))),
      ],
    );
  }

  /** Fatal errors per criterion (and per period of the evaluated contacts, with a granularity), by period then criterion. */
  async fatalErrors(ask: QaAsk): Promise<FatalErrorCount[]> {
    const { boundaries, periodOf } = this.periods(ask);
    const rows: Array<{ p: number; criterion: string; count: number }> = await this.run(sql`
      select width_bucket(c.offered_at, ${arrayLiteral(boundaries.map((b) => b.toISOString()))}::timestamptz[]) as p, f.criterion, count(*)::int as count
      from qa_evaluation e
      join contact c on c.organization_id = e.organization_id and c.id = e.contact_id
      cross join unnest(e.fatal_errors) as f(criterion)
      where e.organization_id = ${ask.organizationId} and c.offered_at >= ${ask.from.toISOString()}::timestamptz
        and c.offered_at < ${ask.to.toISOString()}::timestamptz ${scopeWhere(ask.filter, 'c.')}
      group by 1, 2 order by 1, 2 limit ${MAX_ROWS}`);
    return rows.map((r) => ({ ...periodOf(r.p), criterion: r.criterion, count: r.count }));
  }

  /** Each evaluator's evaluations of the contacts asked for, by evaluator. */
  async evaluators(ask: QaAsk): Promise<EvaluatorSummary[]> {
    this.periods(ask); // the same checks as fatalErrors
    const rows: EvaluatorSummary[] = await this.run(sql`
      select e.evaluator, count(*)::int as evaluations, avg(e.score)::float8 as "averageScore",
        (count(*) filter (where cardinality(e.fatal_errors) > 0))::int as "fatalErrors"
      from qa_evaluation e
      join contact c on c.organization_id = e.organization_id and c.id = e.contact_id
      where e.organization_id = ${ask.organizationId} and c.offered_at >= ${ask.from.toISOString()}::timestamptz
        and c.offered_at < ${ask.to.toISOString()}::timestamptz ${scopeWhere(ask.filter, 'c.')}
      group by e.evaluator order by e.evaluator limit ${MAX_EVALUATORS}`);
    return rows;
  }

  /** The report's period boundaries (one period without granularity), checked like `kpis` checks them. */
  private periods(ask: QaAsk) {
    checkTimeRange(ask, { field: 'query.range', maxDays: MAX_RANGE_DAYS });
    const zone = ask.timeZone ?? 'UTC';
    const problem = (field: string, rule: string, message: string) => badUserInput(`${field}: ${message}`, [{ field, rule, message }]);
    if (!isValidTimeZone(zone)) throw problem('query.timeZone', 'UNKNOWN_TIME_ZONE', `"${zone}" is not an IANA time zone name`);
    if (ask.granularity && countPeriods(ask.from, ask.to, ask.granularity, zone, MAX_ROWS) > MAX_ROWS) {
      throw problem('query.granularity', 'TOO_MANY_PERIODS', `more than ${MAX_ROWS} periods; use a shorter range or a coarser granularity`);
    }
    const boundaries = ask.granularity ? periodBoundaries(ask.from, ask.to, ask.granularity, zone) : [ask.from, ask.to];
    const periodOf = (p: number) =>
      ask.granularity ? { periodStart: boundaries[p - 1]!, periodEnd: boundaries[p]! } : { periodStart: null, periodEnd: null };
    return { boundaries, periodOf };
  }

  private run<T>(query: Sql): Promise<T[]> {
    return executeBound<T>(this.em, query.text, query.values);
  }
}

interface FormRow {
  id: string;
  name: string;
  criteria: QaCriterion[];
  created_at: Date | string;
}

function toForm(row: FormRow): QaForm {
  return { id: String(row.id), name: row.name, criteria: row.criteria, createdAt: new Date(row.created_at) };
}
