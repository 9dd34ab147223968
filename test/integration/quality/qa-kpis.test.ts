import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvents } from '../../../src/org/events';
import { EventBus } from '../../../src/platform/events';
import { QaService } from '../../../src/quality/qa.service';
import { CONTACT_FACT } from '../../../src/warehouse/facts';
import { rebuildOrganizationFacts } from '../../../src/warehouse/rebuild';
import { openLiveClient, type LiveClient } from '../../support/live-client';
import { random } from '../../support/random';
import { useTestServer } from '../../support/server';

const RECORD_CONTACTS = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created updated } }`;
const CREATE_FORM = `mutation($name: String!, $criteria: [QaCriterionInput!]!) { createQaForm(name: $name, criteria: $criteria) { id } }`;
const RECORD = `mutation($e: [QaEvaluationInput!]!) { recordQaEvaluations(evaluations: $e) { received created updated unchanged } }`;
const QA_FIELDS = 'qaEvaluations qaScore fatalErrors fatalErrorRate';
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) {
  rows { periodLabel channel queue { key } team { key } agent { key } ${QA_FIELDS} handled previous { ${QA_FIELDS} } }
  total { ${QA_FIELDS} } } }`;

const CRITERIA = [
  { key: 'greeting', label: 'Greets by name', weight: 1 },
  { key: 'solution', label: 'Solves the issue', weight: 3 },
  { key: 'privacy', label: 'Verifies identity', weight: 1, fatal: true },
];
const AGENTS: Record<string, string> = { ann: 'north', bob: 'north', cy: 'south', dee: 'south' };

interface Call {
  externalId: string;
  channel: 'VOICE' | 'CHAT';
  queue: string;
  agent: string;
  team: string;
  offeredAt: string;
}
interface Evaluation {
  externalId: string;
  contact: string;
  evaluator: string;
  scores: Record<string, number>;
}

/** DOMAIN.md "Quality", computed here: weighted mean of the scores, 0 with a fatal criterion below 1. */
function scoreOf(e: Evaluation): { score: number; fatal: boolean } {
  const fatal = CRITERIA.some((c) => c.fatal && e.scores[c.key]! < 1);
  if (fatal) return { score: 0, fatal };
  const weights = CRITERIA.reduce((s, c) => s + c.weight, 0);
  return { score: CRITERIA.reduce((s, c) => s + e.scores[c.key]! * c.weight, 0) / weights, fatal };
}

/** The period label of an instant in a zone, as KpiRow.periodLabel names it. */
function labelOf(at: string, zone: string, granularity: 'FIFTEEN_MINUTES' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  switch (granularity) {
    case 'FIFTEEN_MINUTES':
      return `${date}T${parts.hour}:${String(Math.floor(Number(parts.minute) / 15) * 15).padStart(2, '0')}`;
    case 'HOUR':
      return `${date}T${parts.hour}`;
    case 'DAY':
      return date;
    case 'MONTH':
      return `${parts.year}-${parts.month}`;
    case 'WEEK': {
      // ISO week: the week (Monday start) holding the date's Thursday, numbered within the Thursday's year.
      const day = new Date(`${date}T00:00:00Z`);
      const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * 86_400_000);
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000));
      return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
    }
  }
}

type Dim = 'CHANNEL' | 'QUEUE' | 'TEAM' | 'AGENT';
interface Ask {
  from: string;
  to: string;
  zone: string;
  granularity: Parameters<typeof labelOf>[2];
  groupBy: Dim[];
  queues?: string[];
}

describe('QA KPIs in kpis, SLA targets, coaching and liveKpis', () => {
  const server = useTestServer();
  const calls = new Map<string, Call>();
  const evaluations = new Map<string, Evaluation>();
  let formId: string;
  const next = random(19);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;

  const draw = (externalId: string): Call => {
    // Offered over 60 days from 20 January 2026, at any second: weeks, months and Berlin days cut them differently from UTC.
    const offered = Date.parse('2026-01-20T00:00:00Z') + Math.floor(next() * 60 * 86_400) * 1000;
    const agent = pick(Object.keys(AGENTS));
    return {
      externalId, channel: pick(['VOICE', 'CHAT'] as const), queue: pick(['care', 'sales']), agent, team: AGENTS[agent]!,
      offeredAt: new Date(offered).toISOString(),
    };
  };
  const contactInput = (c: Call) => ({
    externalId: c.externalId, channel: c.channel, queue: c.queue, agent: c.agent, team: c.team, offeredAt: c.offeredAt,
    answeredAt: new Date(Date.parse(c.offeredAt) + 15_000).toISOString(), endedAt: new Date(Date.parse(c.offeredAt) + 315_000).toISOString(), talkSeconds: 300,
  });
  const evaluationInput = (e: Evaluation) => ({
    externalId: e.externalId, contactExternalId: e.contact, formId, evaluator: e.evaluator, evaluatedAt: '2026-04-01T09:00:00Z',
    scores: Object.entries(e.scores).map(([criterion, score]) => ({ criterion, score })),
  });
  const drawEvaluation = (externalId: string, contact: string): Evaluation => ({
    externalId, contact, evaluator: pick(['sam', 'tia']),
    // Most scores 0.5–1; about one in eight fails the fatal criterion.
    scores: { greeting: Math.round(next() * 4) / 4, solution: 0.5 + Math.floor(next() * 50) / 100, privacy: next() < 0.12 ? 0 : 1 },
  });

  async function recordCalls(batch: Call[]) {
    const res = await server.gql(RECORD_CONTACTS, { c: batch.map(contactInput) }, server.org.keys.INGEST);
    expect(res.errors).toBeUndefined();
    for (const c of batch) calls.set(c.externalId, c);
  }
  async function recordEvaluations(batch: Evaluation[]) {
    const res = await server.gql(RECORD, { e: batch.map(evaluationInput) }, server.org.keys.INGEST);
    expect(res.errors).toBeUndefined();
    for (const e of batch) evaluations.set(e.externalId, e);
    return res.data.recordQaEvaluations;
  }

  /** The report computed here from the calls and evaluations as last recorded, keyed like keyOf(row). */
  function reference(ask: Ask) {
    const groups = new Map<string, { n: number; sum: number; fatal: number }>();
    const total = { n: 0, sum: 0, fatal: 0 };
    for (const e of evaluations.values()) {
      const c = calls.get(e.contact)!;
      if (c.offeredAt < ask.from || c.offeredAt >= ask.to || (ask.queues && !ask.queues.includes(c.queue))) continue;
      const values: Record<Dim, string> = { CHANNEL: c.channel, QUEUE: c.queue, TEAM: c.team, AGENT: c.agent };
      const key = [labelOf(c.offeredAt, ask.zone, ask.granularity), ...ask.groupBy.map((d) => values[d])].join('|');
      const g = groups.get(key) ?? { n: 0, sum: 0, fatal: 0 };
      const { score, fatal } = scoreOf(e);
      for (const t of [g, total]) {
        t.n += 1;
        t.sum += score;
        t.fatal += fatal ? 1 : 0;
      }
      groups.set(key, g);
    }
    return { groups, total };
  }

  const keyOf = (row: any, groupBy: Dim[]) =>
    [row.periodLabel, ...groupBy.map((d) => ({ CHANNEL: row.channel, QUEUE: row.queue?.key, TEAM: row.team?.key, AGENT: row.agent?.key })[d])].join('|');

  function expectFigures(got: any, want: { n: number; sum: number; fatal: number } | undefined, where: string) {
    const n = want?.n ?? 0;
    expect(got.qaEvaluations, where).toBe(n);
    expect(got.fatalErrors, where).toBe(want?.fatal ?? 0);
    if (n === 0) {
      expect(got.qaScore, where).toBeNull();
      expect(got.fatalErrorRate, where).toBeNull();
    } else {
      expect(got.qaScore, where).toBeCloseTo(want!.sum / n, 12);
      // One evaluation: its very score, to the last bit (scores are summed exactly, from their shortest text).
      if (n === 1) expect(got.qaScore, where).toBe(want!.sum);
      expect(got.fatalErrorRate, where).toBeCloseTo(want!.fatal / n, 12);
    }
  }

  /** kpis under the ask equals the reference, row by row (every row kpis returns, and every group with evaluations). */
  async function expectReport(ask: Ask) {
    const q = {
      range: { from: ask.from, to: ask.to }, timeZone: ask.zone, granularity: ask.granularity, groupBy: ask.groupBy,
      filter: ask.queues ? { queueKeys: ask.queues } : null,
    };
    const res = await server.gql(KPIS, { q }, server.org.keys.ANALYST);
    expect(res.errors).toBeUndefined();
    const { groups, total } = reference(ask);
    const rows = new Map<string, any>(res.data.kpis.rows.map((r: any) => [keyOf(r, ask.groupBy), r]));
    for (const [key, row] of rows) expectFigures(row, groups.get(key), `${JSON.stringify(ask)} ${key}`);
    for (const key of groups.keys()) expect(rows.has(key), `${JSON.stringify(ask)} has ${key}`).toBe(true);
    expectFigures(res.data.kpis.total, total, `${JSON.stringify(ask)} total`);
    expect(total.n).toBeGreaterThan(0);
    return res.data.kpis;
  }

  const ASKS: Ask[] = [
    { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', zone: 'UTC', granularity: 'DAY', groupBy: ['AGENT'] },
    { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', zone: 'Europe/Berlin', granularity: 'WEEK', groupBy: ['TEAM', 'CHANNEL'] },
    { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', zone: 'Europe/Berlin', granularity: 'MONTH', groupBy: [], queues: ['care'] },
    { from: '2026-02-01T00:00:00Z', to: '2026-02-08T00:00:00Z', zone: 'Asia/Kolkata', granularity: 'HOUR', groupBy: ['QUEUE', 'AGENT'] },
    { from: '2026-02-01T00:00:00Z', to: '2026-02-15T07:30:00Z', zone: 'UTC', granularity: 'FIFTEEN_MINUTES', groupBy: ['QUEUE'] },
    // A range cut mid-bucket (the edges read raw contacts).
    { from: '2026-01-25T10:07:00Z', to: '2026-03-03T17:52:00Z', zone: 'America/New_York', granularity: 'DAY', groupBy: ['CHANNEL', 'TEAM'] },
  ];

  it('computes the four QA KPIs under every grain and grouping as the evaluations recorded say', async () => {
    expect((await server.gql(`mutation { setReportingTimeZone(timeZone: "Europe/Berlin") { reportingTimeZone } }`)).errors).toBeUndefined();
    await recordCalls(Array.from({ length: 160 }, (_, i) => draw(`call-${i}`)));
    const created = await server.gql(CREATE_FORM, { name: 'Calls', criteria: CRITERIA });
    formId = created.data.createQaForm.id;
    // Two evaluations of some contacts, none of others.
    const batch = Array.from({ length: 200 }, (_, i) => drawEvaluation(`eval-${i}`, `call-${Math.floor(next() * 160)}`));
    expect(await recordEvaluations(batch)).toEqual({ received: 200, created: 200, updated: 0, unchanged: 0 });
    expect([...evaluations.values()].filter((e) => scoreOf(e).fatal).length).toBeGreaterThan(10);
    for (const ask of ASKS) await expectReport(ask);
  });

  it('replaces a re-sent evaluation (other scores, another contact) and moves evaluations with a corrected contact', async () => {
    const stored = [...evaluations.values()];
    const resent = stored.slice(0, 40).map((e, i) =>
      i % 2 === 0
        ? { ...e, scores: { ...e.scores, privacy: e.scores.privacy === 1 ? 0 : 1, solution: 1 } } // fatal flips both ways
        : { ...e, contact: `call-${Math.floor(next() * 160)}` }, // now of another contact
    );
    const unchanged = stored.slice(40, 45);
    // A re-send "moved" to the contact it already had changes nothing.
    const same = resent.filter((e, i) => i % 2 === 1 && e.contact === stored[i]!.contact).length;
    expect(await recordEvaluations([...resent, ...unchanged])).toEqual({ received: 45, created: 0, updated: 40 - same, unchanged: 5 + same });
    for (const ask of ASKS) await expectReport(ask);

    // Corrections: evaluated contacts moved to another day, agent (and team), queue or channel.
    const evaluated = [...new Set([...evaluations.values()].map((e) => e.contact))].slice(0, 30);
    const corrected = evaluated.map((id, i) => {
      const c = calls.get(id)!;
      const agent = pick(Object.keys(AGENTS));
      return i % 3 === 0
        ? { ...c, offeredAt: new Date(Date.parse(c.offeredAt) + (1 + Math.floor(next() * 20)) * 86_400_000 + 977_000).toISOString() }
        : i % 3 === 1
          ? { ...c, agent, team: AGENTS[agent]! }
          : { ...c, queue: c.queue === 'care' ? 'sales' : 'care', channel: c.channel === 'VOICE' ? ('CHAT' as const) : ('VOICE' as const) };
    });
    await recordCalls(corrected);
    for (const ask of ASKS) await expectReport(ask);
  });

  it('keeps the rollups equal to a rebuild from scratch', async () => {
    const db = () => server.db.orm.em.fork().getConnection();
    const snapshot = async () => {
      const tables: Record<string, unknown[]> = {};
      for (const rollup of CONTACT_FACT.rollups) {
        const keys = ['bucket', ...rollup.keys.map((k) => k.column)];
        // Numerics compared by value: a sum kept by deltas may carry more trailing zeros than a rebuilt one.
        const sums = Object.keys(rollup.sums).map((s) => (s === 'qa_score_sum' ? 'trim_scale(qa_score_sum) as qa_score_sum' : s));
        tables[rollup.table] = await db().execute(`select ${[...keys, ...sums].join(', ')} from ${rollup.table} order by ${keys.join(', ')}`);
      }
      tables.contact = await db().execute('select external_id, qa_evaluations, trim_scale(qa_score_sum) as qa_score_sum, qa_fatal_errors from contact order by external_id');
      return tables;
    };
    const kept = await snapshot();
    expect((kept.contact_rollup_day as any[]).some((r) => Number(r.qa_evaluations) > 0)).toBe(true);
    await rebuildOrganizationFacts(server.db.orm.em.fork(), server.org.id);
    expect(await snapshot()).toEqual(kept);
  });

  it('compares with the previous month', async () => {
    const report = await server.gql(KPIS, {
      q: { range: { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, granularity: 'MONTH', groupBy: ['TEAM'], compareWithPrevious: true },
    }, server.org.keys.ANALYST);
    expect(report.errors).toBeUndefined();
    const feb = reference({ from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z', zone: 'UTC', granularity: 'MONTH', groupBy: ['TEAM'] });
    for (const row of report.data.kpis.rows) expectFigures(row.previous, feb.groups.get(`2026-02|${row.team.key}`), `previous of ${row.team.key}`);
  });

  it('judges qaScore and fatalErrorRate as SLA targets, policy-wide and by agent', async () => {
    const policy = await server.gql(
      `mutation($i: SlaPolicyInput!) { createSlaPolicy(input: $i) { id } }`,
      {
        i: {
          name: 'Quality', period: 'MONTH', timeZone: 'UTC',
          targets: [
            { metric: 'qaScore', comparator: 'AT_LEAST', target: 0.8, warning: 0.85 },
            { metric: 'fatalErrorRate', comparator: 'AT_MOST', target: 0.05 },
          ],
        },
      },
    );
    expect(policy.errors).toBeUndefined();
    const id = policy.data.createSlaPolicy.id;
    const cards = await server.gql(
      `query($id: ID!) { slaScorecard(policyId: $id, periodContaining: "2026-02-15T00:00:00Z", drillDown: AGENT) {
         agent { key } targets { metric actual status previous } } }`,
      { id },
      server.org.keys.ANALYST,
    );
    expect(cards.errors).toBeUndefined();
    const status = (actual: number, metric: string) =>
      metric === 'qaScore' ? (actual >= 0.85 ? 'MET' : actual >= 0.8 ? 'AT_RISK' : 'BREACHED') : actual <= 0.05 ? 'MET' : 'BREACHED';
    const ask = (groupBy: Dim[], from: string, to: string) => reference({ from, to, zone: 'UTC', granularity: 'MONTH', groupBy });
    const feb = ask(['AGENT'], '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z');
    const jan = ask(['AGENT'], '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const wide = ask([], '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z');
    for (const card of cards.data.slaScorecard) {
      const key = card.agent ? `2026-02|${card.agent.key}` : '2026-02';
      const want = card.agent ? feb.groups.get(key)! : wide.total;
      const before = card.agent ? jan.groups.get(`2026-01|${card.agent.key}`) : ask([], '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z').total;
      const [score, rate] = card.targets;
      expect(score.actual).toBeCloseTo(want.sum / want.n, 12);
      expect(score.status).toBe(status(want.sum / want.n, 'qaScore'));
      if (before) expect(score.previous).toBeCloseTo(before.sum / before.n, 12);
      else expect(score.previous).toBeNull();
      expect(rate.actual).toBeCloseTo(want.fatal / want.n, 12);
      expect(rate.status).toBe(status(want.fatal / want.n, 'fatalErrorRate'));
    }
    expect(cards.data.slaScorecard.length).toBe(1 + Object.keys(AGENTS).length);
  });

  it('lists agents who miss QA targets in coachingList, with their fatal errors or lowest-scored contacts as examples', async () => {
    const COACHING = `query($q: KpiQuery!, $t: [SlaTargetInput!]!) { coachingList(query: $q, targets: $t, minHandled: 0) {
      agent { key } row { qaScore fatalErrorRate } misses { metric actual } examples { externalId } } }`;
    const range = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
    const per = reference({ ...range, zone: 'UTC', granularity: 'MONTH', groupBy: ['AGENT'] });
    const byAgent = new Map<string, { n: number; sum: number; fatal: number }>();
    for (const [key, g] of per.groups) {
      const agent = key.split('|')[1]!;
      const a = byAgent.get(agent) ?? { n: 0, sum: 0, fatal: 0 };
      byAgent.set(agent, { n: a.n + g.n, sum: a.sum + g.sum, fatal: a.fatal + g.fatal });
    }
    const scores = [...byAgent.values()].map((a) => a.sum / a.n).sort((a, b) => a - b);
    // A bar between the lowest and the highest agent: some miss it, some do not.
    const bar = (scores[1]! + scores[2]!) / 2;
    const ownEvaluations = (agent: string) => [...evaluations.values()].filter((e) => calls.get(e.contact)!.agent === agent);

    const byScore = await server.gql(COACHING, { q: { range }, t: [{ metric: 'qaScore', comparator: 'AT_LEAST', target: bar }] }, server.org.keys.ANALYST);
    expect(byScore.errors).toBeUndefined();
    const missing = [...byAgent].filter(([, a]) => a.sum / a.n < bar).map(([agent]) => agent).sort();
    expect(byScore.data.coachingList.map((e: any) => e.agent.key)).toEqual(missing);
    for (const entry of byScore.data.coachingList) {
      // The examples: the agent's evaluated contacts with the lowest evaluation score first.
      const lowest = new Map<string, number>();
      for (const e of ownEvaluations(entry.agent.key)) lowest.set(e.contact, Math.min(lowest.get(e.contact) ?? 1, scoreOf(e).score));
      const shown = entry.examples.map((x: any) => lowest.get(x.externalId));
      expect(shown.every((s: number | undefined) => s !== undefined)).toBe(true);
      expect(shown).toEqual([...shown].sort((a, b) => a - b));
      expect(shown[0]).toBe(Math.min(...lowest.values()));
      expect(entry.misses[0].actual).toBeCloseTo(byAgent.get(entry.agent.key)!.sum / byAgent.get(entry.agent.key)!.n, 12);
    }

    const byFatal = await server.gql(COACHING, { q: { range }, t: [{ metric: 'fatalErrorRate', comparator: 'AT_MOST', target: 0 }] }, server.org.keys.ANALYST);
    expect(byFatal.errors).toBeUndefined();
    expect(byFatal.data.coachingList.map((e: any) => e.agent.key)).toEqual([...byAgent].filter(([, a]) => a.fatal > 0).map(([agent]) => agent).sort());
    for (const entry of byFatal.data.coachingList) {
      const fatalContacts = new Set(ownEvaluations(entry.agent.key).filter((e) => scoreOf(e).fatal).map((e) => e.contact));
      expect(entry.examples.length).toBe(Math.min(5, fatalContacts.size));
      for (const x of entry.examples) expect(fatalContacts.has(x.externalId)).toBe(true);
    }
  });

  it("tells qa.recorded after commit with the evaluated contacts' span and dimensions, and nothing for an unchanged re-send", async () => {
    const bus = new EventBus<DomainEvents>();
    const told: unknown[] = [];
    bus.on('qa.recorded', (payload) => void told.push(payload));
    const c = calls.get('call-7')!;
    const service = new QaService(server.db.orm.em.fork(), bus);
    const e = drawEvaluation('event-1', c.externalId);
    const fields = { ...evaluationInput(e), evaluatedAt: new Date('2026-04-01T09:00:00Z') };
    await service.record(server.org.id, [fields]);
    evaluations.set(e.externalId, e);
    const at = Date.parse(c.offeredAt);
    const quarter = at - (at % 900_000);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ organizationId: server.org.id, from: new Date(quarter), to: new Date(quarter + 900_000), created: 1, updated: 0 });
    expect((told[0] as any).dimensions.channel).toEqual([c.channel]);
    await service.record(server.org.id, [fields]);
    expect(told).toHaveLength(1);
  });

  describe('liveKpis', () => {
    const clients: LiveClient[] = [];
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.dispose()));
    });

    it('pushes the QA KPIs again after recordQaEvaluations commits, equal to kpis', async () => {
      const q = { range: { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' }, groupBy: ['AGENT'] };
      const LIVE = `subscription($q: KpiQuery!) { liveKpis(query: $q) { rows { agent { key } ${QA_FIELDS} } total { ${QA_FIELDS} } } }`;
      const KPI = `query($q: KpiQuery!) { kpis(query: $q) { rows { agent { key } ${QA_FIELDS} } total { ${QA_FIELDS} } } }`;
      const client = openLiveClient(server.url, server.org.keys.ANALYST);
      clients.push(client);
      const sub = client.subscribe(LIVE, { q });
      const first = (await sub.nth(1)).data!.liveKpis;
      expect(first).toEqual((await server.gql(KPI, { q }, server.org.keys.ANALYST)).data.kpis);
      await recordEvaluations([{ ...drawEvaluation('live-1', 'call-3'), scores: { greeting: 1, solution: 1, privacy: 0 } }]);
      const second = (await sub.nth(2)).data!.liveKpis;
      expect(second.total.qaEvaluations).toBe(first.total.qaEvaluations + 1);
      expect(second.total.fatalErrors).toBe(first.total.fatalErrors + 1);
      expect(second).toEqual((await server.gql(KPI, { q }, server.org.keys.ANALYST)).data.kpis);
    });
  });
});
