import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../support/server';

const RECORD_CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated } }`;
const CREATE_FORM = `mutation($name: String!, $criteria: [QaCriterionInput!]!) { createQaForm(name: $name, criteria: $criteria) { id name criteria { key label weight fatal } } }`;
const RECORD = `mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { received created updated unchanged } }`;
const FATAL = `query($q: KpiQuery!) { qaFatalErrors(query: $q) { periodStart periodEnd criterion count } }`;
const EVALUATORS = `query($q: KpiQuery!) { qaEvaluators(query: $q) { evaluator evaluations averageScore fatalErrors } }`;

const CRITERIA = [
  { key: 'greeting', label: 'Greets by name', weight: 1 },
  { key: 'solution', label: 'Solves the issue', weight: 3 },
  { key: 'privacy', label: 'Verifies identity', weight: 1, fatal: true },
  { key: 'disclosure', label: 'Reads the disclosure', weight: 1, fatal: true },
];
const AGENTS = ['ann', 'bob', 'cy'];

/** 30 answered calls over 3 days of March 2026, 10 a day, agents in turn. */
const contacts = Array.from({ length: 30 }, (_, i) => {
  const offered = Date.parse('2026-03-02T08:00:00Z') + Math.floor(i / 10) * 86_400_000 + (i % 10) * 3_600_000;
  return {
    externalId: `qa-call-${i}`, channel: 'VOICE', queue: 'care', team: 'north', agent: AGENTS[i % 3],
    offeredAt: new Date(offered).toISOString(), answeredAt: new Date(offered + 10_000).toISOString(),
    endedAt: new Date(offered + 310_000).toISOString(), talkSeconds: 300,
  };
});

interface Scored { externalId: string; contact: number; evaluator: string; scores: Record<string, number> }
/** Every call evaluated once; some fail privacy, some the disclosure, one both. */
const evaluations: Scored[] = contacts.map((_, i) => ({
  externalId: `qa-eval-${i}`,
  contact: i,
  evaluator: i % 4 === 0 ? 'sam' : 'tia',
  scores: { greeting: (i % 5) / 4 > 1 ? 1 : (i % 5) / 4, solution: 1 - (i % 3) / 4, privacy: i % 7 === 0 ? 0 : 1, disclosure: i % 11 === 0 ? 0.5 : 1 },
}));

/** DOMAIN.md "Quality", computed here independently. */
function reference(e: Scored) {
  const fatal = CRITERIA.filter((c) => c.fatal && e.scores[c.key]! < 1).map((c) => c.key);
  const score = fatal.length ? 0 : CRITERIA.reduce((s, c) => s + e.scores[c.key]! * c.weight, 0) / CRITERIA.reduce((s, c) => s + c.weight, 0);
  return { fatal, score };
}

describe('QA forms and evaluations', () => {
  const server = useTestServer();
  let formId: string;
  const input = (e: Scored) => ({
    externalId: e.externalId, contactExternalId: contacts[e.contact]!.externalId, formId, evaluator: e.evaluator,
    evaluatedAt: '2026-03-10T09:00:00Z', scores: Object.entries(e.scores).map(([criterion, score]) => ({ criterion, score })),
  });
  const stored = async () => (await server.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from qa_evaluation`))[0].n as number;

  it('creates a form (ADMIN only), refusing a bad one naming each field', async () => {
    expect((await server.gql(RECORD_CONTACTS, { c: contacts }, server.org.keys.INGEST)).errors).toBeUndefined();
    expect((await server.gql(CREATE_FORM, { name: 'Calls', criteria: CRITERIA }, server.org.keys.ANALYST)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await server.gql(CREATE_FORM, { name: 'Calls', criteria: [{ key: 'a', label: 'A', weight: -1 }, { key: 'a', label: 'B', weight: 1 }] });
    expect(bad.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual(['criteria[0].weight OUT_OF_RANGE', 'criteria[1].key DUPLICATE']);
    const created = await server.gql(CREATE_FORM, { name: 'Calls', criteria: CRITERIA });
    expect(created.errors).toBeUndefined();
    formId = created.data.createQaForm.id;
    expect(created.data.createQaForm.criteria).toEqual(CRITERIA.map((c) => ({ fatal: false, ...c })));
    expect((await server.gql(`{ qaForms { id name } }`, {}, server.org.keys.ANALYST)).data.qaForms).toEqual([{ id: formId, name: 'Calls' }]);
  });

  it('records a batch idempotently by external id, and refuses a bad batch whole, naming each index and field', async () => {
    const bad = await server.gql(
      RECORD,
      {
        e: [
          input(evaluations[0]!),
          { ...input(evaluations[1]!), contactExternalId: 'nobody' },
          { ...input(evaluations[2]!), formId: '999999' },
          { ...input(evaluations[3]!), scores: [{ criterion: 'greeting', score: 2 }, { criterion: 'tone', score: 1 }] },
        ],
      },
      server.org.keys.INGEST,
    );
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.problems.map((p: any) => `${p.field} ${p.rule}`)).toEqual([
      'evaluations[1].contactExternalId UNKNOWN_CONTACT',
      'evaluations[2].formId UNKNOWN_FORM',
      'evaluations[3].scores[0].score OUT_OF_RANGE',
      'evaluations[3].scores[1].criterion UNKNOWN_CRITERION',
      'evaluations[3].scores MISSING_CRITERION',
      'evaluations[3].scores MISSING_CRITERION',
      'evaluations[3].scores MISSING_CRITERION',
    ]);
    expect(await stored()).toBe(0);

    const first = await server.gql(RECORD, { e: evaluations.map(input) }, server.org.keys.INGEST);
    expect(first.data.recordQaEvaluations).toEqual({ received: 30, created: 30, updated: 0, unchanged: 0 });
    const changed = { ...evaluations[1]!, scores: { ...evaluations[1]!.scores, solution: 0 } };
    const again = await server.gql(RECORD, { e: [input(evaluations[0]!), input(changed)] }, server.org.keys.INGEST);
    expect(again.data.recordQaEvaluations).toEqual({ received: 2, created: 0, updated: 1, unchanged: 1 });
    evaluations[1] = changed;
    expect(await stored()).toBe(30);
  });

  it('counts fatal errors per criterion and day, and each evaluator, as DOMAIN.md defines them', async () => {
    const q = { dates: { from: '2026-03-01', to: '2026-03-31' }, timeZone: 'Europe/Berlin', granularity: 'DAY', filter: { agentKeys: ['ann', 'bob'] } };
    const res = await server.gql(FATAL, { q }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const wanted = new Map<string, number>();
    for (const e of evaluations) {
      const c = contacts[e.contact]!;
      if (!['ann', 'bob'].includes(c.agent!)) continue;
      for (const criterion of reference(e).fatal) {
        const day = c.offeredAt.slice(0, 10);
        wanted.set(`${day}|${criterion}`, (wanted.get(`${day}|${criterion}`) ?? 0) + 1);
      }
    }
    // Berlin days of March start at 23:00 UTC the day before.
    const got = new Map(res.data.qaFatalErrors.map((r: any) => [`${new Date(Date.parse(r.periodStart) + 3_600_000).toISOString().slice(0, 10)}|${r.criterion}`, r.count]));
    expect(got).toEqual(wanted);
    expect(wanted.size).toBeGreaterThan(2);

    const evaluators = (await server.gql(EVALUATORS, { q: { range: { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' } } }, server.org.keys.ANALYST)).data.qaEvaluators;
    expect(evaluators.map((e: any) => e.evaluator)).toEqual(['sam', 'tia']);
    for (const summary of evaluators) {
      const own = evaluations.filter((e) => e.evaluator === summary.evaluator).map(reference);
      expect(summary.evaluations).toBe(own.length);
      expect(summary.fatalErrors).toBe(own.filter((r) => r.fatal.length > 0).length);
      expect(summary.averageScore).toBeCloseTo(own.reduce((s, r) => s + r.score, 0) / own.length, 12);
    }
  });

  it("moves a contact's evaluations with it when the contact is corrected", async () => {
    const fatalOn = async (day: string) =>
      (await server.gql(FATAL, { q: { dates: { from: day, to: day } } }, server.org.keys.ANALYST)).data.qaFatalErrors.reduce((s: number, r: any) => s + r.count, 0);
    const before = [await fatalOn('2026-03-02'), await fatalOn('2026-03-20')];
    // Call 0 fails privacy and the disclosure; corrected, it was offered on 20 March.
    const moved = { ...contacts[0]!, offeredAt: '2026-03-20T08:00:00.000Z', answeredAt: '2026-03-20T08:00:10.000Z', endedAt: '2026-03-20T08:05:10.000Z' };
    expect((await server.gql(RECORD_CONTACTS, { c: [moved] }, server.org.keys.INGEST)).data.recordContacts.updated).toBe(1);
    expect([await fatalOn('2026-03-02'), await fatalOn('2026-03-20')]).toEqual([before[0]! - 2, before[1]! + 2]);
  });
});
