import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInputObjectType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldMap,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  typeFromAST,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { MAX_ROWS } from '../analytics/kpi.service';
import { MAX_CRITERIA } from '../quality/qa-scoring';
import { EXAMPLES_PER_ENTRY, MAX_COACHING_TARGETS } from '../coaching/coaching';
import { MAX_EVALUATORS, MAX_QA_FORMS } from '../quality/qa.service';
import { DISTRIBUTIONS } from '../analytics/percentiles';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../contacts/contacts.query.service';
import { MAX_TREND_PERIODS } from '../sla/sla.scorecards';
import { MAX_WEEKS_OF_HISTORY } from '../staffing/staffing.service';
import { DEFAULT_DELIVERIES_PAGE, MAX_DELIVERIES_PAGE, WEBHOOKS_LISTED } from '../webhooks/webhooks.store';
import type { DirectorySizes } from '../platform/limits/directory-sizes';

/**
 * What a request will cost, estimated before it runs, in units of about one
 * computed value (one metric of one row, one field of one answer row). The
 * traversal (fragments, variables, @skip/@include) is graphql-query-complexity's;
 * the estimators below add what it cannot know:
 *
 * - a report statement (one KPI query over the rollups) costs REPORT_COST on its own;
 * - `kpis`, and each report of the `liveKpis` subscription: statements (2 with compareWithPrevious) × REPORT_COST + rows × (fields selected
 *   per row, `previous` included) + the total row's fields, where rows = periods of the range
 *   at its granularity × groups (per groupBy dimension: the organization's queues, teams or
 *   agents, or the filter's own ids, plus one "none" group; 4 channels), at most MAX_ROWS; an aliased
 *   serviceLevel(thresholdSeconds:) or answeredWithinThreshold(thresholdSeconds:) is one field per row
 *   like any metric (each threshold is one more sum of the same statement); with `limit`, rows are at
 *   most limit, plus one value per row of the report and orderBy or having metric (the ranking);
 *   periodLabel and partial are one value per row like any field (a label is formatted once per period);
 *   waitTimePercentile(p:) and handleTimePercentile(p:) one value per row and p, and each measure's distribution
 *   is read by a statement of its own: one more REPORT_COST per measure and report (× 2 with compareWithPrevious);
 * - `staffing`: (1 + weeksOfHistory for FORECAST) reports of intervals × 4 sums, + intervals × fields;
 * - `slaScorecard`: 2 periods × (REPORT_COST + cards × targets), + cards × fields, cards = 1 + drill-down groups;
 *   `slaTrend`: (periods + 1) × (REPORT_COST + targets), + periods × the card's fields;
 * - connections (`contacts`, `surveyResponses`): page size (`first`, default 50) × an edge's fields;
 *   `totalCount` one more statement (a count of the whole selection); PageInfo's fields one value each;
 * - lists of the directory (agents, teams, queues, policies, versions, targets): the organization's counts;
 * - `coachingList`: two statements + agents × an entry (its row, up to MAX_COACHING_TARGETS misses, EXAMPLES_PER_ENTRY contacts);
 * - `qaFatalErrors`: periods × criteria rows; `qaEvaluators`: MAX_EVALUATORS; `qaForms`: MAX_QA_FORMS × MAX_CRITERIA;
 * - writes: RECORD_COST per record of a batch, on top of one statement; `setQueueTeam` two statements (the queue's
 *   movable contacts, and the rollups' upkeep for them);
 * - introspection lists: this schema's average counts (types, fields per type, args per field).
 *
 * `dates` (local days) count as their UTC days widened by 14 hours at each end (any zone's offset).
 * A field its service refuses before any SQL (no range or dates, a range of more than MAX_ROWS periods,
 * weeksOfHistory outside 1..52, a page over 500, …) costs one statement: the service's
 * own error then says what to change.
 */

export const REPORT_COST = 5_000;
/** The KpiRow fields that read a distribution of their own (waitTimePercentile, handleTimePercentile). */
const PERCENTILE_FIELDS = Object.values(DISTRIBUTIONS).map((d) => d.field);
export const RECORD_COST = 5;
const CHANNELS = 4;
const STAFFING_SUMS = 4; // offered, handled, averageHandleTime, averageAgentsStaffed
/** Complaint categories per period, for complaintBreakdown: free text, so a generous guess. */
const COMPLAINT_CATEGORIES = 20;
/** A list whose length nothing tells (service hours of a week, …). */
const DEFAULT_LIST = 10;

const MINUTE = 60_000;
const NOMINAL_PERIOD_MS: Record<string, number> = {
  FIFTEEN_MINUTES: 15 * MINUTE,
  THIRTY_MINUTES: 30 * MINUTE,
  HOUR: 60 * MINUTE,
  DAY: 1_440 * MINUTE,
  WEEK: 7 * 1_440 * MINUTE,
  MONTH: 28 * 1_440 * MINUTE, // the shortest month: an upper bound of the count
  QUARTER: 89 * 1_440 * MINUTE,
  YEAR: 365 * 1_440 * MINUTE,
};

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  sizes: DirectorySizes;
}

/**
 * The estimated cost of the operation. 0 when the operation is not found or its
 * variables are invalid: then nothing runs, and execution reports why.
 */
export function estimateCost(input: CostInput): number {
  const operation = getOperationAST(input.document, input.operationName ?? undefined);
  if (!operation) return 0;
  const { variables: costVariables, batchLengths } = withoutBatches(input.schema, operation, input.variables ?? {});
  const coerced = getVariableValues(input.schema, operation.variableDefinitions ?? [], costVariables);
  if (coerced.errors) return 0;
  const variables = coerced.coerced;
  const fragments = fragmentsOf(input.document);
  const root = operation.operation === 'subscription' ? input.schema.getSubscriptionType() : input.schema.getQueryType();
  const childLists = childListSizes(root?.getFields() ?? {}, operation.selectionSet, fragments, variables, input.sizes);
  const cost = getComplexity({
    schema: input.schema,
    query: input.document,
    operationName: input.operationName ?? undefined,
    variables: costVariables,
    estimators: [domainEstimator(input.sizes, childLists, schemaCounts(input.schema), batchLengths)],
  });
  return Math.min(cost, Number.MAX_SAFE_INTEGER); // a nest of lists can pass any float
}

/**
 * The variables with every list of input objects (a batch of contacts, activity,
 * service hours, targets) replaced by an empty list, and each such list's length.
 * No estimate reads a batch's items, only its length; coercing 10,000 contacts
 * here (twice: once more inside getComplexity) held the event loop ~0.4 s
 * before execution coerced them once more.
 */
function withoutBatches(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): { variables: Record<string, unknown>; batchLengths: Map<string, number> } {
  const batchLengths = new Map<string, number>();
  const stripped = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    const value = variables[name];
    if (type && isListType(getNullableType(type)) && isInputObjectType(getNamedType(type)) && Array.isArray(value)) {
      batchLengths.set(name, value.length);
      stripped[name] = [];
    }
  }
  return { variables: stripped, batchLengths };
}

interface Window {
  range?: { from: Date; to: Date } | null;
  dates?: { from: string; to: string } | null;
}

/** The most any zone's offset moves a local date from UTC's (Kiribati +14:00, Baker Island −12:00). */
const MAX_OFFSET_MS = 14 * 60 * MINUTE;

/**
 * The instants a query's range covers, or a bound of them for `dates` (local days in a
 * zone: 14 hours either side of the UTC days); null without either (the service refuses it).
 */
export function windowOf(query: Window): { from: Date; to: Date } | null {
  if (query.range) return query.range;
  if (!query.dates) return null;
  const from = Date.parse(`${query.dates.from}T00:00:00Z`) - MAX_OFFSET_MS;
  const to = Date.parse(`${query.dates.to}T00:00:00Z`) + 1_440 * MINUTE + MAX_OFFSET_MS;
  return Number.isFinite(from) && Number.isFinite(to) ? { from: new Date(from), to: new Date(to) } : null;
}

/** Periods of a range at a granularity, an upper bound (both ends may be partial periods). */
export function periodCount(from: Date, to: Date, granularity: string | null | undefined): number {
  if (!granularity) return 1;
  const ms = to.getTime() - from.getTime();
  if (!(ms > 0)) return 1;
  return Math.ceil(ms / NOMINAL_PERIOD_MS[granularity]!) + 1;
}

interface Filter {
  channels?: unknown[] | null;
  queueIds?: unknown[] | null;
  teamIds?: unknown[] | null;
  agentIds?: unknown[] | null;
  queueKeys?: unknown[] | null;
  teamKeys?: unknown[] | null;
  agentKeys?: unknown[] | null;
}

/** Groups of one dimension: the filter's own ids and keys when it names some, else the organization's, plus "none". */
export function groupsOf(dimension: string, sizes: DirectorySizes, filter: Filter | null | undefined): number {
  const named = (ids: unknown[] | null | undefined, keys: unknown[] | null | undefined, all: number) => {
    const n = (ids?.length ?? 0) + (keys?.length ?? 0);
    return n > 0 ? Math.min(n, Math.max(all, 1)) : all + 1;
  };
  switch (dimension) {
    case 'CHANNEL':
      return filter?.channels?.length ? Math.min(filter.channels.length, CHANNELS) : CHANNELS;
    case 'QUEUE':
      return named(filter?.queueIds, filter?.queueKeys, sizes.queues);
    case 'TEAM':
      return named(filter?.teamIds, filter?.teamKeys, sizes.teams);
    default:
      return named(filter?.agentIds, filter?.agentKeys, sizes.agents);
  }
}

interface KpiQueryArgs extends Window {
  granularity?: string | null;
  groupBy?: string[] | null;
  filter?: Filter | null;
  compareWithPrevious?: boolean | null;
  orderBy?: unknown[] | null;
  having?: unknown[] | null;
  limit?: number | null;
}

/** Rows a `kpis` answer shapes: at most `limit` of the report's rows. */
const answeredRows = (query: KpiQueryArgs, rows: number) => (typeof query.limit === 'number' && query.limit >= 1 ? Math.min(query.limit, rows) : rows);

/** Values the ranking computes before the top N is kept: each orderBy and having metric of every row. */
const rankingCost = (query: KpiQueryArgs, rows: number) => rows * ((query.orderBy?.length ?? 0) + (query.having?.length ?? 0));

/** Rows of a `kpis` report, or null when its service refuses the range before any SQL. */
export function kpiRows(query: KpiQueryArgs, sizes: DirectorySizes): number | null {
  const window = windowOf(query);
  if (!window) return null;
  const periods = periodCount(window.from, window.to, query.granularity);
  if (periods > MAX_ROWS + 1) return null;
  const groups = [...new Set(query.groupBy ?? [])].reduce((product, dimension) => product * groupsOf(dimension, sizes, query.filter), 1);
  return Math.min(MAX_ROWS, periods * groups);
}

interface StaffingArgs extends Window {
  intervalMinutes?: number | null;
  source?: string | null;
  weeksOfHistory?: number | null;
}

/** Intervals and report statements of a `staffing` query, or null when its service refuses it before any SQL. */
export function staffingPlan(query: StaffingArgs): { intervals: number; statements: number } | null {
  const minutes = query.intervalMinutes ?? 30;
  const weeks = query.weeksOfHistory ?? 4;
  if (![15, 30, 60].includes(minutes) || !Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS_OF_HISTORY) return null;
  const window = windowOf(query);
  if (!window) return null;
  const ms = window.to.getTime() - window.from.getTime();
  const intervals = ms > 0 ? Math.ceil(ms / (minutes * MINUTE)) + 1 : 1;
  if (intervals > MAX_ROWS + 1) return null;
  return { intervals, statements: 1 + (query.source === 'FORECAST' ? weeks : 0) };
}

const pageSize = (first: unknown) => (typeof first === 'number' ? first : DEFAULT_PAGE_SIZE);

/**
 * The costs of the fields below a root field that depend on the root field's
 * arguments (a report's rows, a trend's cards, a connection's edges): the library
 * sums bottom-up, so these list sizes are decided top-down first, per field node.
 * A node shared through a fragment by several parents takes the largest size.
 */
type ChildLists = WeakMap<FieldNode, number>;

function childListSizes(
  query: GraphQLFieldMap<unknown, unknown>,
  root: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  sizes: DirectorySizes,
): ChildLists {
  const lists: ChildLists = new WeakMap();
  const set = (node: FieldNode, size: number) => lists.set(node, Math.max(size, lists.get(node) ?? 0));
  for (const field of fieldsOf(root, fragments, variables)) {
    const definition = query[field.name.value];
    if (!definition) continue;
    let args: Record<string, any>;
    try {
      args = getArgumentValues(definition, field, variables);
    } catch {
      continue; // invalid arguments: execution reports them
    }
    const children = (name: string) => fieldsOf(field.selectionSet, fragments, variables).filter((f) => f.name.value === name);
    switch (field.name.value) {
      case 'kpis':
      case 'liveKpis': {
        const rows = kpiRows(args.query, sizes) ?? 0;
        for (const node of children('rows')) set(node, answeredRows(args.query, rows));
        // A report reads each measure's distribution it takes percentiles of in a statement of its own: their count, marked on the kpis node.
        const measures = PERCENTILE_FIELDS.filter((name) => selects(field.selectionSet, name, fragments, variables)).length;
        if (measures > 0) set(field, measures);
        break;
      }
      case 'slaTrend': {
        const periods = Number.isInteger(args.periods) && args.periods >= 1 && args.periods <= MAX_TREND_PERIODS ? args.periods : 0;
        for (const node of children('scorecards')) set(node, periods);
        break;
      }
      case 'webhookDeliveries': {
        const first = typeof args.first === 'number' ? args.first : DEFAULT_DELIVERIES_PAGE;
        for (const node of children('edges')) set(node, first >= 0 && first <= MAX_DELIVERIES_PAGE ? first : 0);
        break;
      }
      case 'contacts':
      case 'surveyResponses': {
        const first = pageSize(args.first);
        for (const node of children('edges')) set(node, first >= 0 && first <= MAX_PAGE_SIZE ? first : 0);
        break;
      }
    }
  }
  return lists;
}

/** Average counts of this schema's introspection lists (its own size, not an attacker's choice). */
interface SchemaCounts {
  types: number;
  fields: number;
  inputFields: number;
  enumValues: number;
  args: number;
  interfaces: number;
  directives: number;
}

const countsBySchema = new WeakMap<GraphQLSchema, SchemaCounts>();

function schemaCounts(schema: GraphQLSchema): SchemaCounts {
  let counts = countsBySchema.get(schema);
  if (counts) return counts;
  const types = Object.values(schema.getTypeMap());
  const tally = { fields: 0, inputFields: 0, enumValues: 0, args: 0, interfaces: 0, fieldCount: 0 };
  for (const type of types) {
    const any = type as any;
    if ('getFields' in any && 'getInterfaces' in any) {
      const fields = Object.values(any.getFields()) as Array<{ args: unknown[] }>;
      tally.fields += fields.length;
      tally.fieldCount += fields.length;
      for (const f of fields) tally.args += f.args.length;
      tally.interfaces += any.getInterfaces().length;
    } else if ('getFields' in any) tally.inputFields += Object.keys(any.getFields()).length;
    else if ('getValues' in any) tally.enumValues += any.getValues().length;
  }
  const average = (n: number) => Math.max(1, Math.ceil(n / types.length));
  counts = {
    types: types.length,
    fields: average(tally.fields),
    inputFields: average(tally.inputFields),
    enumValues: average(tally.enumValues),
    args: Math.max(1, Math.ceil(tally.args / Math.max(1, tally.fieldCount))),
    interfaces: average(tally.interfaces),
    directives: schema.getDirectives().length,
  };
  countsBySchema.set(schema, counts);
  return counts;
}

function domainEstimator(sizes: DirectorySizes, childLists: ChildLists, schema: SchemaCounts, batchLengths: Map<string, number>) {
  const targets = Math.max(1, sizes.slaTargets);
  return ({ type, field, node, args, childComplexity }: ComplexityEstimatorArgs): number => {
    const list = (length: number) => 1 + length * childComplexity;
    /** A batch argument's length: from the request's variables when it is one (see withoutBatches). */
    const batch = (argument: string) => {
      const value = node.arguments?.find((a) => a.name.value === argument)?.value;
      return value?.kind === Kind.VARIABLE ? (batchLengths.get(value.name.value) ?? lengthOf(args[argument])) : lengthOf(args[argument]);
    };
    switch (`${type.name}.${field.name}`) {
      case 'Query.kpis':
      case 'Subscription.liveKpis': { // each report a subscription sends costs what the same `kpis` query does
        const rows = kpiRows(args.query, sizes);
        if (rows === null) return REPORT_COST;
        // rows × fields: KpiReport.rows (limit rows at most)
        const statements = (args.query.compareWithPrevious ? 2 : 1) * (1 + (childLists.get(node) ?? 0));
        return statements * REPORT_COST + rankingCost(args.query, rows) + childComplexity;
      }
      case 'Query.complaintBreakdown': {
        const window = windowOf(args.query);
        const periods = window ? periodCount(window.from, window.to, args.query.granularity) : Infinity;
        return periods > MAX_ROWS + 1 ? REPORT_COST : REPORT_COST + Math.min(MAX_ROWS, periods * COMPLAINT_CATEGORIES) * childComplexity;
      }
      case 'Query.qaFatalErrors': {
        const window = windowOf(args.query);
        const periods = window ? periodCount(window.from, window.to, args.query.granularity) : Infinity;
        return periods > MAX_ROWS + 1 ? REPORT_COST : REPORT_COST + Math.min(MAX_ROWS, periods * MAX_CRITERIA) * childComplexity;
      }
      case 'Query.coachingList': // the report by agent, then one statement of examples per kind of miss
        return 2 * REPORT_COST + sizes.agents * childComplexity;
      case 'CoachingEntry.misses':
        return list(MAX_COACHING_TARGETS);
      case 'CoachingEntry.examples':
        return list(EXAMPLES_PER_ENTRY);
      case 'Query.qaEvaluators':
        return REPORT_COST + MAX_EVALUATORS * childComplexity;
      case 'Query.qaForms':
        return REPORT_COST + MAX_QA_FORMS * childComplexity;
      case 'QaForm.criteria':
        return list(MAX_CRITERIA);
      case 'Mutation.recordQaEvaluations':
        return REPORT_COST + RECORD_COST * batch('evaluations') + childComplexity;
      case 'Query.staffing': {
        const plan = staffingPlan(args.query);
        if (!plan) return REPORT_COST;
        return plan.statements * (REPORT_COST + plan.intervals * STAFFING_SUMS) + plan.intervals * childComplexity;
      }
      case 'Query.slaScorecard': {
        const cards = 1 + (args.drillDown ? groupsOf(args.drillDown, sizes, null) : 0);
        return 2 * (REPORT_COST + cards * targets) + cards * childComplexity;
      }
      case 'Query.slaTrend': {
        const periods = Number.isInteger(args.periods) && args.periods >= 1 && args.periods <= MAX_TREND_PERIODS ? args.periods : 0;
        return (periods + 1) * (REPORT_COST + targets) + childComplexity; // periods × card: SlaTrend.scorecards
      }
      case 'Query.contacts':
      case 'Query.surveyResponses':
        return REPORT_COST + childComplexity; // first × edge: *.edges
      case 'ContactConnection.totalCount':
      case 'SurveyResponseConnection.totalCount':
        return REPORT_COST; // a count over the whole selection
      case 'Query.webhookDeliveries':
        return REPORT_COST + childComplexity; // first × edge: WebhookDeliveryConnection.edges
      case 'Query.webhooks':
        return list(WEBHOOKS_LISTED);
      case 'KpiReport.rows':
      case 'WebhookDeliveryConnection.edges':
      case 'SlaTrend.scorecards':
      case 'ContactConnection.edges':
      case 'SurveyResponseConnection.edges':
        return list(childLists.get(node) ?? 0);
      case 'Query.agents':
        return list(sizes.agents);
      case 'Query.teams':
        return list(sizes.teams);
      case 'Query.queues':
        return list(sizes.queues);
      case 'Query.hourlyCosts':
        return list(sizes.agents + sizes.teams);
      case 'Query.slaPolicies':
        return list(sizes.slaPolicies);
      case 'SlaPolicy.versions':
        return list(sizes.slaVersions);
      case 'SlaPolicy.targets':
      case 'SlaScorecard.targets':
      case 'SlaTrend.targets':
        return list(targets);
      case 'SlaPolicy.serviceHours':
        return list(7);
      case 'Mutation.recordContacts':
        return REPORT_COST + RECORD_COST * batch('contacts') + childComplexity;
      case 'Mutation.recordAgentActivity':
        return REPORT_COST + RECORD_COST * batch('activity') + childComplexity;
      case 'Mutation.setQueueTeam': // the queue's contacts without a team of their own moved, then their rollups (the upkeep of a batch)
        return 2 * REPORT_COST + childComplexity;
      case 'Mutation.createSqlAccess': // a role, its grants and a row, in one transaction
      case 'Mutation.revokeSqlAccess':
        return REPORT_COST + childComplexity;
      case 'Mutation.createSurveyInvitations':
        return REPORT_COST + RECORD_COST * lengthOf(args.contactExternalIds) + lengthOf(args.contactExternalIds) * childComplexity;
      case '__Schema.types':
        return list(schema.types);
      case '__Schema.directives':
        return list(schema.directives);
      case '__Type.fields':
        return list(schema.fields);
      case '__Type.inputFields':
        return list(schema.inputFields);
      case '__Type.enumValues':
        return list(schema.enumValues);
      case '__Type.interfaces':
      case '__Type.possibleTypes':
        return list(schema.interfaces);
      case '__Field.args':
      case '__Directive.args':
        return list(schema.args);
    }
    if (type.name === 'Mutation') return REPORT_COST + childComplexity; // one write statement
    const returned = getNullableType(field.type);
    if (isListType(returned) && isCompositeType(getNamedType(returned))) return list(DEFAULT_LIST);
    return 1 + childComplexity; // a value, or one object
  };
}

/** Whether `name` is selected anywhere below (through fragments, @skip and @include applied). */
function selects(set: SelectionSetNode | undefined, name: string, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>): boolean {
  return fieldsOf(set, fragments, variables).some((f) => f.name.value === name || selects(f.selectionSet, name, fragments, variables));
}

const lengthOf = (value: unknown) => (Array.isArray(value) ? value.length : 1);

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** The fields of a selection set through fragments, without those @skip or @include leave out. */
function fieldsOf(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen = new Set<string>(),
): FieldNode[] {
  if (!set) return [];
  const out: FieldNode[] = [];
  for (const selection of set.selections) {
    if (!included(selection.directives ?? [], variables)) continue;
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(selection.selectionSet, fragments, variables, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      out.push(...fieldsOf(fragments.get(selection.name.value)?.selectionSet, fragments, variables, seen));
    }
  }
  return out;
}

function included(directives: readonly { name: { value: string }; arguments?: readonly any[] }[], variables: Record<string, unknown>): boolean {
  for (const directive of directives) {
    if (directive.name.value !== 'skip' && directive.name.value !== 'include') continue;
    const argument = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    const value = argument?.kind === Kind.VARIABLE ? variables[argument.name.value] : argument?.kind === Kind.BOOLEAN ? argument.value : undefined;
    if (directive.name.value === 'skip' && value === true) return false;
    if (directive.name.value === 'include' && value === false) return false;
  }
  return true;
}
