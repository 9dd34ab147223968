/**
 * The metric catalog: every KPI declared once — the additive sums it needs, its
 * formula over them, unit, direction and description. Drill-down, scorecards,
 * trends, GraphQL descriptions and the README glossary all read it. Pure.
 *
 * Ratios are formed last, from sums at the final grouping level: never an
 * average of averages. A ratio whose denominator is 0 is null.
 */

/** Additive sums the query compiler can produce for any group of contacts. */
export const CONTACT_SUMS = {
  offered: 'Inbound contacts offered (entered a queue) in the period, by offeredAt.',
  answered: 'Inbound contacts an agent picked up.',
  abandoned: 'Inbound contacts that ended unanswered after waiting at least the short-abandon threshold S.',
  shortAbandoned: 'Inbound contacts that ended unanswered after waiting less than S (left out of queue KPIs).',
  answeredWithinThreshold: 'Inbound contacts answered after waiting at most T seconds.',
  answeredWaitSeconds: 'Total wait of answered inbound contacts, in seconds.',
  handled: 'Answered contacts of either direction.',
  talkSeconds: 'Total talk time of handled contacts.',
  holdSeconds: 'Total hold time of handled contacts.',
  afterContactWorkSeconds: 'Total after-contact work of handled contacts.',
  transferred: 'Handled contacts with at least one transfer.',
  fcrEligible: 'Answered inbound contacts with a customer reference.',
  fcrResolved: 'Of those, contacts with no other inbound contact from the same customer within the next 7 days.',
  surveyInvitations: 'Survey invitations created for the contacts (a contact re-invited after its invitation expired unanswered counts twice).',
  surveyResponses: 'Survey responses received for the contacts.',
  csatTop2: 'Responses with CSAT 4 or 5.',
  csatSum: 'Sum of the CSAT ratings (1–5) of the responses.',
  resolutionAnswered: 'Responses that answered "was your issue resolved?".',
  resolutionYes: 'Of those, responses answering yes.',
  complaints: 'Responses flagged as a complaint.',
  npsAnswers: 'Responses with an NPS rating (0–10).',
  npsPromoters: 'NPS ratings of 9 or 10.',
  npsDetractors: 'NPS ratings of 0 to 6.',
  qaEvaluations: 'QA evaluations of the contacts (an evaluation re-sent with the same external id replaces the earlier one).',
  qaScoreSum: 'Sum of the evaluation scores (each 0–1; an evaluation with a fatal error scores 0).',
  fatalErrors: 'Evaluations with a fatal error (a fatal criterion scored below 1).',
} as const;

/** Additive sums of agent activity (15-minute records, attributed by interval start, to the record's agent and team). */
export const ACTIVITY_SUMS = {
  loggedInSeconds: 'Seconds agents were logged in.',
  availableSeconds: 'Logged-in seconds idle and ready for a contact.',
  handlingSeconds: 'Logged-in seconds on a contact or in after-contact work.',
  notReadySeconds: 'Logged-in seconds not ready (break, training, meeting).',
  costedSeconds: "Logged-in seconds with a known hourly cost (the agent's, else its team's, as of the interval).",
  costSeconds: 'Σ logged-in seconds × that hourly cost.',
} as const;

/** Sums from the calendar, not from stored facts. */
export const CALENDAR_SUMS = {
  elapsedSeconds:
    'Seconds of the row\'s period inside the range (without granularity: of the range; with service hours: of the hours inside it), the time agents are averaged over. Set only where activity applies.',
} as const;

export const SUMS = { ...CONTACT_SUMS, ...ACTIVITY_SUMS, ...CALENDAR_SUMS } as const;

export type ContactSumName = keyof typeof CONTACT_SUMS;
export type ActivitySumName = keyof typeof ACTIVITY_SUMS;
export type SumName = keyof typeof SUMS;

export const isContactSum = (name: SumName): name is ContactSumName => name in CONTACT_SUMS;
export const isActivitySum = (name: SumName): name is ActivitySumName => name in ACTIVITY_SUMS;
export type Sums = Partial<Record<SumName, number>>;

export type Better = 'HIGHER' | 'LOWER';
/**
 * count: an additive whole number; seconds: an additive total of seconds; ratio: a
 * fraction 0–1; duration: an average in seconds; score: a rating or index; agents:
 * an average number of agents; money: in the unit of the hourly costs.
 */
export type MetricKind = 'count' | 'seconds' | 'ratio' | 'duration' | 'score' | 'agents' | 'money';

export interface MetricDefinition {
  /** The KpiRow field. */
  name: string;
  kind: MetricKind;
  /** Which way is good; null for volumes that are neither. */
  better: Better | null;
  description: string;
  /** The formula in words, for the glossary. */
  formula: string;
  sums: readonly SumName[];
  compute(sums: Sums): number | null;
}

/**
 * One reader per sum, generated with a named property load (`s.offered ?? 0`): a
 * report's rows share one shape, so each reader's load stays monomorphic, where one
 * `sums[name]` shared by every metric is a megamorphic lookup. Names are the catalog's
 * own identifiers, never input.
 */
const read = Object.fromEntries(
  Object.keys(SUMS).map((name) => [name, new Function('s', `return s.${name} ?? 0;`) as (sums: Sums) => number]),
) as Record<SumName, (sums: Sums) => number>;
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);

function count(name: SumName, description: string, better: Better | null = null): MetricDefinition {
  return { name, kind: 'count', better, description, formula: 'additive count', sums: [name], compute: read[name] };
}

function seconds(name: SumName, description: string): MetricDefinition {
  return { name, kind: 'seconds', better: null, description, formula: 'additive total', sums: [name], compute: read[name] };
}

/** A metric that is one sum divided by another (null on an empty denominator). */
function quotient(
  name: string,
  kind: MetricKind,
  better: Better | null,
  numerator: SumName,
  denominator: SumName,
  description: string,
): MetricDefinition {
  const [n, d] = [read[numerator], read[denominator]];
  return {
    name,
    kind,
    better,
    description,
    formula: `${numerator} / ${denominator}`,
    sums: [numerator, denominator],
    compute: (s) => ratio(n(s), d(s)),
  };
}

function perHandled(name: string, sum: SumName, what: string): MetricDefinition {
  return quotient(name, 'duration', 'LOWER', sum, 'handled', `Average ${what} per handled contact, in seconds.`);
}

/** Queue KPIs share one denominator: the qualifying offered = answered + abandoned. */
function queueRatio(name: string, numerator: SumName, better: Better, description: string): MetricDefinition {
  const n = read[numerator];
  return {
    name,
    kind: 'ratio',
    better,
    description,
    formula: `${numerator} / (answered + abandoned)`,
    sums: [...new Set<SumName>([numerator, 'answered', 'abandoned'])],
    compute: (s) => ratio(n(s), read.answered(s) + read.abandoned(s)),
  };
}

export const METRICS: readonly MetricDefinition[] = [
  count('offered', SUMS.offered),
  count('answered', SUMS.answered),
  count('abandoned', SUMS.abandoned, 'LOWER'),
  count('shortAbandoned', SUMS.shortAbandoned),
  count('handled', SUMS.handled),
  count('answeredWithinThreshold', SUMS.answeredWithinThreshold),
  queueRatio('answerRate', 'answered', 'HIGHER', 'Share of qualifying offered inbound contacts that were answered.'),
  queueRatio(
    'abandonRate',
    'abandoned',
    'LOWER',
    'Share of qualifying offered inbound contacts abandoned after the short-abandon threshold.',
  ),
  queueRatio(
    'serviceLevel',
    'answeredWithinThreshold',
    'HIGHER',
    'Share of qualifying offered inbound contacts answered within T seconds (the "80/20" rule).',
  ),
  quotient('averageSpeedOfAnswer', 'duration', 'LOWER', 'answeredWaitSeconds', 'answered',
    'Average wait of answered inbound contacts, in seconds (ASA).'),
  {
    name: 'averageHandleTime',
    kind: 'duration',
    better: 'LOWER',
    description: 'Average talk + hold + after-contact work per handled contact, in seconds (AHT).',
    formula: '(talkSeconds + holdSeconds + afterContactWorkSeconds) / handled',
    sums: ['talkSeconds', 'holdSeconds', 'afterContactWorkSeconds', 'handled'],
    compute: (s) => ratio(read.talkSeconds(s) + read.holdSeconds(s) + read.afterContactWorkSeconds(s), read.handled(s)),
  },
  perHandled('averageTalkTime', 'talkSeconds', 'talk time'),
  perHandled('averageHoldTime', 'holdSeconds', 'hold time'),
  perHandled('averageAfterContactWork', 'afterContactWorkSeconds', 'after-contact work'),
  quotient('transferRate', 'ratio', 'LOWER', 'transferred', 'handled',
    'Share of handled contacts transferred at least once.'),
  quotient('firstContactResolutionRate', 'ratio', 'HIGHER', 'fcrResolved', 'fcrEligible',
    'Share of answered inbound contacts (with a customer reference) after which the same customer did not contact again, inbound, within 7 days.'),
  count('surveyInvitations', SUMS.surveyInvitations),
  count('surveyResponses', SUMS.surveyResponses),
  quotient('surveyResponseRate', 'ratio', 'HIGHER', 'surveyResponses', 'surveyInvitations',
    'Share of survey invitations that were answered.'),
  quotient('csatScore', 'ratio', 'HIGHER', 'csatTop2', 'surveyResponses',
    'Share of survey responses rating 4 or 5 of 5 (top-2-box CSAT).'),
  quotient('csatAverage', 'score', 'HIGHER', 'csatSum', 'surveyResponses',
    'Average CSAT rating of the survey responses, from 1 to 5.'),
  quotient('selfReportedResolutionRate', 'ratio', 'HIGHER', 'resolutionYes', 'resolutionAnswered',
    'Share of survey responses answering "was your issue resolved?" with yes, of those that answered it.'),
  count('complaints', SUMS.complaints, 'LOWER'),
  quotient('complaintRate', 'ratio', 'LOWER', 'complaints', 'handled', 'Complaints per handled contact (0.0004 = 0.04 %).'),
  {
    name: 'netPromoterScore',
    kind: 'score',
    better: 'HIGHER',
    description: 'Net Promoter Score from −100 to 100: % promoters (9–10) minus % detractors (0–6) of the NPS answers.',
    formula: '100 × (npsPromoters − npsDetractors) / npsAnswers',
    sums: ['npsPromoters', 'npsDetractors', 'npsAnswers'],
    compute: (s) => {
      const share = ratio(read.npsPromoters(s) - read.npsDetractors(s), read.npsAnswers(s));
      return share === null ? null : 100 * share;
    },
  },
  // Quality: evaluations attributed, like survey answers, to the evaluated contact's period and dimensions.
  count('qaEvaluations', SUMS.qaEvaluations),
  quotient('qaScore', 'ratio', 'HIGHER', 'qaScoreSum', 'qaEvaluations',
    'Mean QA evaluation score, 0–1: each evaluation Σ(score × weight) / Σ weight over its form\'s criteria, 0 with a fatal error.'),
  count('fatalErrors', SUMS.fatalErrors, 'LOWER'),
  quotient('fatalErrorRate', 'ratio', 'LOWER', 'fatalErrors', 'qaEvaluations', 'Share of QA evaluations with a fatal error.'),
  seconds('loggedInSeconds', `${ACTIVITY_SUMS.loggedInSeconds} 0 on channel and queue rows: activity is not split by channel or queue.`),
  seconds('availableSeconds', ACTIVITY_SUMS.availableSeconds),
  seconds('handlingSeconds', ACTIVITY_SUMS.handlingSeconds),
  seconds('notReadySeconds', ACTIVITY_SUMS.notReadySeconds),
  {
    name: 'occupancy',
    kind: 'ratio',
    better: null,
    description: 'Share of the time agents were ready or busy that they spent handling contacts (75–90 % is typical; higher burns agents out).',
    formula: 'handlingSeconds / (handlingSeconds + availableSeconds)',
    sums: ['handlingSeconds', 'availableSeconds'],
    compute: (s) => ratio(read.handlingSeconds(s), read.handlingSeconds(s) + read.availableSeconds(s)),
  },
  quotient('utilization', 'ratio', null, 'handlingSeconds', 'loggedInSeconds', 'Share of logged-in time spent handling contacts.'),
  quotient('averageAgentsStaffed', 'agents', null, 'loggedInSeconds', 'elapsedSeconds',
    'Average number of agents logged in over the period (or range). Null where activity does not apply (channel and queue rows).'),
  {
    name: 'staffedCost',
    kind: 'money',
    better: null,
    description: "Cost of the logged-in time: hours × the agent's hourly cost, else its team's. Null when no logged-in second has a cost.",
    formula: 'costSeconds / 3600 (null when costedSeconds = 0)',
    sums: ['costSeconds', 'costedSeconds'],
    compute: (s) => (read.costedSeconds(s) === 0 ? null : read.costSeconds(s) / 3600),
  },
  quotient('costCoverage', 'ratio', 'HIGHER', 'costedSeconds', 'loggedInSeconds',
    'Share of logged-in time with a known hourly cost: below 1, staffedCost and costPerContact leave some time out.'),
  {
    name: 'costPerContact',
    kind: 'money',
    better: 'LOWER',
    description: 'Staffed cost per handled contact.',
    formula: 'staffedCost / handled',
    sums: ['costSeconds', 'costedSeconds', 'handled'],
    compute: (s) => (read.costedSeconds(s) === 0 ? null : ratio(read.costSeconds(s) / 3600, read.handled(s))),
  },
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

export function metric(name: string): MetricDefinition | undefined {
  return BY_NAME.get(name);
}

/** The sums needed to compute the given metrics: what the compiler must select. */
export function sumsFor(metricNames: Iterable<string>): SumName[] {
  const needed = new Set<SumName>();
  for (const name of metricNames) for (const sum of BY_NAME.get(name)?.sums ?? []) needed.add(sum);
  return [...needed];
}

/** Every metric of the catalog (or the named ones; names outside the catalog are ignored) computed from one group's sums. */
export function computeMetrics(sums: Sums, names: Iterable<string> = BY_NAME.keys()): Record<string, number | null> {
  return metricsComputer(names)(sums);
}

/**
 * computeMetrics for many groups (every row of a report). The builder is generated per
 * set of metrics: one object literal with their names, each filled by its metric's
 * compute, so every row's metrics share one fast-mode shape and each call site sees
 * one metric. Over a 6,030-row report with all 35 metrics, reading the sums and
 * building the objects take 1.8 ms this way, 11 ms through shared `sums[name]` lookups
 * and a copied template. Builders are kept per set (a few hundred at most: a client
 * choosing new sets cannot grow the cache without bound).
 */
export function metricsComputer(names: Iterable<string>): (sums: Sums) => Record<string, number | null> {
  const metrics = [...new Set(names)].flatMap((name) => BY_NAME.get(name) ?? []);
  const build = builderFor(metrics);
  return (sums) => build(metrics, sums);
}

type Builder = (metrics: readonly MetricDefinition[], sums: Sums) => Record<string, number | null>;
const BUILDERS = new Map<string, Builder>();
const MAX_BUILDERS = 500;

/** `(m, s) => ({ offered: m[0].compute(s), … })` for these metrics; names are the catalog's identifiers. */
function builderFor(metrics: readonly MetricDefinition[]): Builder {
  const key = metrics.map((m) => m.name).join(',');
  const cached = BUILDERS.get(key);
  if (cached) return cached;
  if (BUILDERS.size >= MAX_BUILDERS) BUILDERS.clear();
  const build = new Function('m', 's', `return { ${metrics.map((m, i) => `${m.name}: m[${i}].compute(s)`).join(', ')} };`) as Builder;
  BUILDERS.set(key, build);
  return build;
}
