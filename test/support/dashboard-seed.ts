import { random } from './random';
import type { GraphQLResponse, TestServer } from './server';

/**
 * A small deterministic center for the dashboard's browser test: 14 UTC days
 * (DAYS) of contacts on two queues and two teams (more on the last day, with
 * agent activity for its staffing), survey answers with comments, and QA
 * evaluations of every fourth answered contact on a form with a fatal criterion.
 */

export const LAST_DAY = '2026-03-02';
export const FIRST_DAY = '2026-02-17';
const DAY_MS = 86_400_000;
const QUEUES = ['billing', 'support'];
const AGENTS = [
  { key: 'agent-ann', team: 'team-north' },
  { key: 'agent-bob', team: 'team-north' },
  { key: 'agent-cid', team: 'team-south' },
  { key: 'agent-dee', team: 'team-south' },
];

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const ACTIVITY = `mutation($a: [AgentActivityInput!]!) { recordAgentActivity(activity: $a) { created } }`;
const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token contactExternalId } }`;
const ANSWER = `mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) { id } }`;
const QA_FORM = `mutation($name: String!, $criteria: [QaCriterionInput!]!) { createQaForm(name: $name, criteria: $criteria) { id } }`;
const QA_RECORD = `mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { created } }`;
const POLICY = `mutation($input: SlaPolicyInput!) { createSlaPolicy(input: $input) { id } }`;

function ok<T = any>(result: GraphQLResponse<T>): T {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Seeds the center and returns the id of its SLA policy (daily, UTC, all hours, T = 20 s). */
export async function seedDashboardCenter(server: TestServer): Promise<{ policyId: string }> {
  const next = random(20);
  const contacts = [];
  const first = Date.parse(`${FIRST_DAY}T00:00:00Z`);
  const last = Date.parse(`${LAST_DAY}T00:00:00Z`);
  for (let day = first; day <= last; day += DAY_MS) {
    const count = day === last ? 160 : 40 + Math.floor(next() * 30);
    for (let i = 0; i < count; i++) {
      const offered = day + 8 * 3_600_000 + Math.floor(next() * 10 * 3_600_000 / 1000) * 1000;
      const agent = AGENTS[Math.floor(next() * AGENTS.length)]!;
      const answered = next() < 0.88;
      const wait = Math.floor(next() ** 2 * (answered ? 90 : 150));
      const talk = 60 + Math.floor(next() * 400);
      contacts.push({
        externalId: `dash-${iso(day).slice(0, 10)}-${i}`,
        channel: next() < 0.8 ? 'VOICE' : 'CHAT',
        queue: QUEUES[Math.floor(next() * QUEUES.length)]!,
        team: agent.team,
        agent: answered ? agent.key : null,
        customerRef: `cust-${Math.floor(next() * 400)}`,
        offeredAt: iso(offered),
        answeredAt: answered ? iso(offered + wait * 1000) : null,
        endedAt: iso(offered + wait * 1000 + (answered ? talk * 1000 : 0) + 1000),
        talkSeconds: answered ? talk : 0,
        afterContactWorkSeconds: answered ? 20 : 0,
        resolved: answered ? next() < 0.8 : null,
      });
    }
  }
  for (let i = 0; i < contacts.length; i += 1000) ok(await server.gql(RECORD, { c: contacts.slice(i, i + 1000) }, server.org.keys.INGEST));

  // The last day's agent activity, 08:00–18:00 UTC: three agents logged in, then all four from noon.
  const activity = [];
  for (let start = last + 8 * 3_600_000; start < last + 18 * 3_600_000; start += 900_000) {
    for (const [n, agent] of AGENTS.entries()) {
      if (n === 3 && start < last + 12 * 3_600_000) continue;
      const handling = 300 + Math.floor(next() * 500);
      activity.push({ agent: agent.key, team: agent.team, intervalStart: iso(start), loggedInSeconds: 900, availableSeconds: 900 - handling - 60, handlingSeconds: handling, notReadySeconds: 60 });
    }
  }
  ok(await server.gql(ACTIVITY, { a: activity }, server.org.keys.INGEST));

  // Survey answers for every fifth answered contact, some with complaints and comments.
  const surveyed = contacts.filter((c, i) => c.answeredAt && i % 5 === 0).map((c) => c.externalId);
  const invitations = ok(await server.gql(INVITE, { ids: surveyed }, server.org.keys.INGEST)).createSurveyInvitations as Array<{ token: string }>;
  const categories = ['billing error', 'long wait', 'rude agent'];
  for (const [i, { token }] of invitations.entries()) {
    const csat = 1 + Math.floor(next() * 5);
    const complaint = csat <= 2 && next() < 0.7;
    ok(
      await server.gql(
        ANSWER,
        {
          input: {
            token,
            csat,
            nps: Math.min(10, csat * 2 + Math.floor(next() * 2)),
            resolved: csat >= 3,
            complaint,
            complaintCategory: complaint ? categories[i % categories.length] : null,
            comment: csat <= 2 ? `Answer ${i}: ${complaint ? 'not happy with the ' + categories[i % categories.length] : 'slow to get through'}` : null,
          },
        },
        null,
      ),
    );
  }

  // QA: every fourth answered contact evaluated by one of two evaluators; accuracy is fatal (below 1 fails the evaluation).
  // Its own random sequence, so the figures above stay as they were.
  const qaNext = random(21);
  const form = ok(
    await server.gql(QA_FORM, {
      name: 'Voice calls',
      criteria: [
        { key: 'greeting', label: 'Greeting', weight: 1 },
        { key: 'accuracy', label: 'Accurate information', weight: 2, fatal: true },
        { key: 'empathy', label: 'Empathy', weight: 1 },
      ],
    }),
  ).createQaForm as { id: string };
  const evaluations = contacts
    .filter((c, i) => c.answeredAt && i % 4 === 1)
    .map((c, i) => ({
      externalId: `qa-${c.externalId}`,
      contactExternalId: c.externalId,
      formId: form.id,
      evaluator: i % 2 === 0 ? 'eva' : 'sam',
      evaluatedAt: iso(Date.parse(c.endedAt) + 2 * 3_600_000),
      scores: [
        { criterion: 'greeting', score: Math.round(qaNext() * 4) / 4 },
        { criterion: 'accuracy', score: qaNext() < 0.1 ? 0.5 : 1 },
        { criterion: 'empathy', score: Math.round(qaNext() * 4) / 4 },
      ],
    }));
  ok(await server.gql(QA_RECORD, { e: evaluations }, server.org.keys.INGEST));

  const policy = ok(
    await server.gql(POLICY, {
      input: {
        name: 'Daily service',
        period: 'DAY',
        timeZone: 'UTC',
        targets: [
          { metric: 'serviceLevel', comparator: 'AT_LEAST', target: 0.6, warning: 0.7 },
          { metric: 'abandonRate', comparator: 'AT_MOST', target: 0.15, warning: 0.1 },
          { metric: 'averageSpeedOfAnswer', comparator: 'AT_MOST', target: 30 },
        ],
      },
    }),
  );
  return { policyId: policy.createSlaPolicy.id };
}
