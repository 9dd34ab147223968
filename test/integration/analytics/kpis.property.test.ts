import { describe, it, expect, beforeAll } from 'vitest';
import { DateTime } from 'luxon';
import { useTestServer, type GraphQLResponse, type TestOrganization } from '../../support/server';
import { KpiService, validateKpiAsk, type KpiReportResult } from '../../../src/analytics/kpi.service';
import { periodBoundaries, type Granularity } from '../../../src/platform/calendar';
import { ROLLUP_GRAINS } from '../../../src/warehouse/contact-grains';
import { compileKpiQuery } from '../../../src/analytics/kpi.compiler';
import type { Dimension } from '../../../src/analytics/kpi.request';
import { createDirectoryLoaders } from '../../../src/org/directory.loaders';

/**
 * The correctness net of the KPI engine: random contacts (seeded, so every run is
 * the same; set KPI_PROPERTY_SEED to explore others) around a DST change, loaded
 * in batches and then corrected, against many random `kpis` queries. Every answer
 * is compared field for field, rows, order and total, with a reference computed
 * here in plain TypeScript from DOMAIN.md's counting rules. Nothing of the engine
 * (calendar, catalog, SQL) is reused by the reference.
 *
 * The test database runs with a non-UTC session time zone (Europe/Berlin): the
 * stored figures must not depend on the database server's TimeZone setting.
 */

const SEED = Number(process.env.KPI_PROPERTY_SEED ?? 20260329);
const RANDOM_QUERIES_PER_SCENARIO = 30;

// ---------------------------------------------------------------- random numbers

/** mulberry32: a small, seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const chance = (p: number) => next() < p;
  const subset = <T>(xs: readonly T[]): T[] => xs.filter(() => chance(0.5));
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return { next, int, pick, chance, subset, shuffle };
}
type Rng = ReturnType<typeof prng>;

// ---------------------------------------------------------------- the world

type Channel = 'VOICE' | 'CHAT' | 'EMAIL' | 'MESSAGING';
type Direction = 'INBOUND' | 'OUTBOUND';
type Dim = 'CHANNEL' | 'QUEUE' | 'TEAM' | 'AGENT';
type Gran = 'FIFTEEN_MINUTES' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';

const CHANNELS: Channel[] = ['VOICE', 'CHAT', 'EMAIL', 'MESSAGING'];
const QUEUES = ['billing', 'sales', 'support'];
const TEAMS = ['east', 'north', 'south'];
/** The team that owns each queue (credited with its unanswered contacts when the platform says so). */
const QUEUE_TEAM: Record<string, string> = { billing: 'north', sales: 'south', support: 'east' };
/** Every agent stays in one team, so "the agent's team" is unambiguous. */
const AGENT_TEAM: Record<string, string> = { ann: 'north', bob: 'north', cyd: 'south', dee: 'south', eve: 'east', fay: 'east' };
const AGENTS = Object.keys(AGENT_TEAM);
const CUSTOMERS = Array.from({ length: 40 }, (_, i) => `cust-${String(i + 1).padStart(2, '0')}`);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Asia/Kolkata'];
const GRANULARITIES: Array<Gran | null> = [null, 'FIFTEEN_MINUTES', 'HOUR', 'DAY', 'WEEK', 'MONTH'];
const DIMS: Dim[] = ['CHANNEL', 'QUEUE', 'TEAM', 'AGENT'];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BUCKET = 15 * MINUTE;

interface Scenario {
  slug: string;
  zone: string;
  /** The DST change, as an instant. */
  dst: number;
  /** Contacts are offered in [start, end). */
  start: number;
  end: number;
  /** The organization's reporting zone, set halfway through the first load: its local days are read by queries cut in it. */
  reportingZone: string;
}

const SCENARIOS: Scenario[] = [
  {
    // Spring forward: 2026-03-29 02:00 CET → 03:00 CEST (01:00 UTC); also the March/April month change.
    slug: 'prop-berlin',
    zone: 'Europe/Berlin',
    dst: Date.parse('2026-03-29T01:00:00Z'),
    start: Date.parse('2026-03-18T00:00:00Z'),
    end: Date.parse('2026-04-08T00:00:00Z'),
    reportingZone: 'Europe/Berlin',
  },
  {
    // Fall back: 2026-11-01 02:00 EDT → 01:00 EST (06:00 UTC), the day after October ends.
    slug: 'prop-new-york',
    zone: 'America/New_York',
    dst: Date.parse('2026-11-01T06:00:00Z'),
    start: Date.parse('2026-10-21T00:00:00Z'),
    end: Date.parse('2026-11-11T00:00:00Z'),
    // Its days start at 18:15 UTC: summed from quarter hours, not hours.
    reportingZone: 'Asia/Kathmandu',
  },
];

/** A stored contact as DOMAIN.md sees it: whole seconds, wait derived, team resolved at ingestion. */
interface Fact {
  externalId: string;
  channel: Channel;
  direction: Direction;
  queue: string;
  team: string | null;
  agent: string | null;
  customerRef: string | null;
  offered: number;
  answered: boolean;
  wait: number;
  talk: number;
  hold: number;
  acw: number;
  transfers: number;
}

/** One version of a contact as the generator thinks of it; `offered` may carry milliseconds. */
interface Draft extends Fact {
  /** Seconds between the end of talk + hold and endedAt (answered), and sub-second noise. */
  endPad: number;
  msAnswered: number;
  msEnded: number;
}

const wholeSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND;

function toInput(d: Draft) {
  const offered = wholeSecond(d.offered);
  const frac = d.offered - offered;
  // Sub-second noise never puts answeredAt/endedAt before offeredAt, even before truncation.
  const answeredAt = d.answered ? offered + d.wait * SECOND + Math.max(frac, d.msAnswered) : null;
  const endedAt = d.answered
    ? wholeSecond(answeredAt!) + (d.talk + d.hold + d.endPad) * SECOND + Math.max(answeredAt! - wholeSecond(answeredAt!), d.msEnded)
    : offered + d.wait * SECOND + Math.max(frac, d.msEnded);
  return {
    externalId: d.externalId,
    channel: d.channel,
    direction: d.direction,
    queue: d.queue,
    team: d.team,
    agent: d.agent,
    customerRef: d.customerRef,
    offeredAt: new Date(d.offered).toISOString(),
    answeredAt: answeredAt === null ? null : new Date(answeredAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    talkSeconds: d.talk,
    holdSeconds: d.hold,
    afterContactWorkSeconds: d.acw,
    transfers: d.transfers,
  };
}

/** Agent and team consistent with `answered` and the queue. */
function assignStaff(rng: Rng, d: Draft): void {
  if (d.answered) {
    d.agent = rng.chance(0.9) ? rng.pick(AGENTS) : null; // some answered without a named agent
    d.team = d.agent ? (rng.chance(0.55) ? AGENT_TEAM[d.agent] : null) : rng.chance(0.5) ? QUEUE_TEAM[d.queue] : null;
  } else {
    d.agent = null;
    d.team = rng.chance(0.4) ? QUEUE_TEAM[d.queue] : null;
  }
}

function randomWait(rng: Rng): number {
  const r = rng.next();
  if (r < 0.45) return rng.int(0, 6);
  if (r < 0.75) return rng.int(7, 60);
  return rng.int(61, 120);
}

/** Instants where periods of some zone change: local midnights of every query zone, the DST change. */
function boundariesOf(sc: Scenario): number[] {
  const out = [sc.dst];
  for (const zone of ZONES) {
    let t = DateTime.fromMillis(sc.start, { zone }).startOf('day');
    while (t.toMillis() < sc.end) {
      out.push(t.toMillis());
      t = t.plus({ days: 1 }).startOf('day');
    }
  }
  return out.filter((b) => b >= sc.start && b < sc.end);
}

function randomOffered(rng: Rng, sc: Scenario, boundaries: number[]): number {
  const r = rng.next();
  let t: number;
  if (r < 0.35) t = sc.start + rng.next() * (sc.end - sc.start);
  else if (r < 0.6) t = sc.dst + (rng.next() * 2 - 1) * 3 * HOUR;
  else {
    const b = rng.pick(boundaries);
    t = rng.chance(0.3) ? b + rng.int(-5, 5) * SECOND : b + (rng.next() * 2 - 1) * 20 * MINUTE;
  }
  t = Math.min(Math.max(wholeSecond(t), sc.start), sc.end - SECOND);
  // Some timestamps carry milliseconds: stored at whole seconds.
  return rng.chance(0.2) ? t + rng.int(1, 999) : t;
}

function randomDraft(rng: Rng, sc: Scenario, boundaries: number[], externalId: string): Draft {
  const answered = rng.chance(0.72);
  const d: Draft = {
    externalId,
    channel: rng.pick(CHANNELS),
    direction: rng.chance(0.85) ? 'INBOUND' : 'OUTBOUND',
    queue: rng.pick(QUEUES),
    team: null,
    agent: null,
    customerRef: rng.chance(0.15) ? null : rng.pick(CUSTOMERS),
    offered: randomOffered(rng, sc, boundaries),
    answered,
    wait: randomWait(rng),
    talk: answered ? rng.int(0, 600) : 0,
    hold: answered && rng.chance(0.5) ? rng.int(1, 120) : 0,
    // A few unanswered contacts carry after-contact work: handle-time KPIs must ignore them.
    acw: answered ? rng.int(0, 90) : rng.chance(0.1) ? rng.int(1, 30) : 0,
    transfers: answered && rng.chance(0.2) ? rng.int(1, 2) : 0,
    endPad: rng.int(0, 3),
    msAnswered: rng.chance(0.2) ? rng.int(0, 999) : 0,
    msEnded: rng.chance(0.2) ? rng.int(0, 999) : 0,
  };
  assignStaff(rng, d);
  return d;
}

/** A correction of a stored contact: moved, (un)answered, another customer, queue or agent. */
function correct(rng: Rng, sc: Scenario, boundaries: number[], d: Draft): Draft {
  const c: Draft = { ...d };
  const kinds = rng.shuffle(['move', 'answer', 'customer', 'queue', 'agent', 'direction', 'durations']).slice(0, rng.int(1, 3));
  for (const kind of kinds) {
    switch (kind) {
      case 'move': {
        const r = rng.next();
        const shift =
          r < 0.3
            ? rng.int(-20, 20) * MINUTE + rng.int(-59, 59) * SECOND // across a bucket or two
            : r < 0.6
              ? rng.int(-3, 3) * DAY + rng.int(-3600, 3600) * SECOND
              : r < 0.8
                ? (rng.chance(0.5) ? 1 : -1) * (7 * DAY + rng.int(-2, 2) * SECOND) // across the FCR window edge
                : 0;
        c.offered = shift === 0 ? randomOffered(rng, sc, boundaries) : d.offered + shift;
        c.offered = Math.min(Math.max(c.offered, sc.start), sc.end - SECOND);
        break;
      }
      case 'answer':
        c.answered = !c.answered;
        c.talk = c.answered ? rng.int(0, 600) : 0;
        c.hold = c.answered && rng.chance(0.5) ? rng.int(1, 120) : 0;
        c.transfers = c.answered && rng.chance(0.2) ? 1 : 0;
        assignStaff(rng, c);
        break;
      case 'customer':
        c.customerRef = rng.chance(0.15) ? null : rng.pick(CUSTOMERS);
        break;
      case 'queue':
        c.queue = rng.pick(QUEUES.filter((q) => q !== c.queue));
        assignStaff(rng, c);
        break;
      case 'agent':
        assignStaff(rng, c);
        break;
      case 'direction':
        c.direction = c.direction === 'INBOUND' ? 'OUTBOUND' : 'INBOUND';
        break;
      case 'durations':
        c.wait = randomWait(rng);
        c.acw = c.answered ? rng.int(0, 90) : 0;
        break;
    }
  }
  return c;
}

// ---------------------------------------------------------------- surveys

/** Answers as stored for an invitation: those of its first submission. */
interface Answers {
  csat: number;
  resolved: boolean | null;
  complaint: boolean;
  complaintCategory: string | null;
  nps: number | null;
  comment: string | null;
}

/** One invitation the API handed out (one distinct token), as the test recorded it. */
interface SentInvitation {
  contact: string;
  token: string;
  /** Expired by the test (in SQL), answered or not. */
  expired: boolean;
  answers: Answers | null;
  responseId: string | null;
}

/** Every invitation handed out, per contact externalId, oldest first: the reference's only survey input. */
type Surveys = Map<string, SentInvitation[]>;

const CATEGORIES = ['waiting', 'rude agent', 'billing error', 'not fixed'];

function randomAnswers(rng: Rng): Answers {
  const complaint = rng.chance(0.3);
  return {
    csat: rng.int(1, 5),
    resolved: rng.pick([true, false, null]),
    complaint,
    complaintCategory: complaint && rng.chance(0.6) ? rng.pick(CATEGORIES) : null,
    nps: rng.chance(0.3) ? null : rng.int(0, 10),
    comment: rng.chance(0.3) ? `comment ${rng.int(1, 999)}` : null,
  };
}

/** What the widget would send: defaults (null, false) sometimes given, sometimes left out; text sometimes padded. */
function submitInput(rng: Rng, token: string, a: Answers): Record<string, unknown> {
  const input: Record<string, unknown> = { token, csat: a.csat };
  if (a.resolved !== null || rng.chance(0.5)) input.resolved = a.resolved;
  if (a.complaint || rng.chance(0.5)) input.complaint = a.complaint;
  if (a.complaintCategory !== null) input.complaintCategory = rng.chance(0.3) ? `  ${a.complaintCategory} ` : a.complaintCategory;
  else if (a.complaint && rng.chance(0.3)) input.complaintCategory = '   '; // blank: stored as none
  if (a.nps !== null || rng.chance(0.5)) input.nps = a.nps;
  if (a.comment !== null) input.comment = a.comment;
  return input;
}

/** The invitation a new request for `contact` must hand out again: its latest, if still open or answered. */
function currentInvitation(surveys: Surveys, contact: string): SentInvitation | undefined {
  const list = surveys.get(contact);
  const last = list?.[list.length - 1];
  return last && (last.answers !== null || !last.expired) ? last : undefined;
}

const INVITE = `mutation($ids: [String!]!) { createSurveyInvitations(contactExternalIds: $ids) { token contactExternalId respondedAt } }`;
const SUBMIT = `mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { id csat resolved complaint complaintCategory nps comment } }`;

interface SurveyApi {
  /** As an ADMIN key. */
  gql(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse>;
  /** Without a key, as the survey widget. */
  anonymous(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse>;
  sql(text: string, params: unknown[]): Promise<unknown>;
  organizationId: number;
}

/** Drives the survey API and records, in `surveys`, what must count: checks the API's contract on the way. */
class SurveyDriver {
  readonly surveys: Surveys = new Map();
  private readonly tokens = new Set<string>();
  constructor(
    private readonly api: SurveyApi,
    private readonly rng: Rng,
  ) {}

  /** Invites `ids` (duplicates allowed): the current invitation again, or a new one with a token never seen. */
  async invite(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const expected = ids.map((id) => currentInvitation(this.surveys, id));
    const res = await this.api.gql(INVITE, { ids });
    expect(res.errors).toBeUndefined();
    const got: Array<{ token: string; contactExternalId: string; respondedAt: string | null }> = res.data.createSurveyInvitations;
    expect(got.map((g) => g.contactExternalId)).toEqual(ids);
    const created = new Map<string, SentInvitation>();
    got.forEach((g, i) => {
      const id = ids[i]!;
      const current = expected[i] ?? created.get(id);
      if (current) {
        expect(g.token, `invitation of ${id} handed out again`).toBe(current.token);
        expect(g.respondedAt !== null).toBe(current.answers !== null);
        return;
      }
      expect(this.tokens.has(g.token), `a new invitation for ${id} has a new token`).toBe(false);
      expect(g.respondedAt).toBeNull();
      const inv: SentInvitation = { contact: id, token: g.token, expired: false, answers: null, responseId: null };
      this.tokens.add(g.token);
      created.set(id, inv);
      this.surveys.set(id, [...(this.surveys.get(id) ?? []), inv]);
    });
  }

  /** Expires every invitation of `ids` (answered ones too), as time would. */
  async expire(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { organizationId } = this.api;
    await this.api.sql(
      `update survey_invitation set expires_at = now() - interval '1 second'
       where organization_id = ? and contact_id in (
         select id from contact where organization_id = ? and external_id in (select jsonb_array_elements_text(?::jsonb)))`,
      [organizationId, organizationId, JSON.stringify(ids)],
    );
    for (const id of ids) for (const inv of this.surveys.get(id) ?? []) inv.expired = true;
  }

  private all(): SentInvitation[] {
    return [...this.surveys.values()].flat();
  }

  /** Submits once for each open invitation with probability `p`; re-submits some answered ones and expired ones. */
  async answerSome(p: number): Promise<void> {
    const rng = this.rng;
    // Inputs are drawn in order, then sent a few at a time: the seed decides everything but the timing.
    const first = this.all()
      .filter((i) => i.answers === null && !i.expired && rng.chance(p))
      .map((inv) => {
        const answers = randomAnswers(rng);
        return { inv, answers, input: submitInput(rng, inv.token, answers) };
      });
    await inParallel(first, async ({ inv, answers, input }) => {
      const res = await this.api.anonymous(SUBMIT, { i: input });
      expect(res.errors).toBeUndefined();
      const r = res.data.submitSurveyResponse;
      expect({ ...r, id: undefined }).toEqual({ ...answers, id: undefined });
      inv.answers = answers;
      inv.responseId = r.id;
    });
    // A second submission (a double click, another answer) returns the first response and counts nothing.
    const again = this.all()
      .filter((i) => i.answers !== null && rng.chance(0.12))
      .map((inv) => ({ inv, input: submitInput(rng, inv.token, randomAnswers(rng)) }));
    await inParallel(again, async ({ inv, input }) => {
      const res = await this.api.anonymous(SUBMIT, { i: input });
      expect(res.errors).toBeUndefined();
      expect(res.data.submitSurveyResponse).toEqual({ id: inv.responseId, ...inv.answers });
    });
    // An expired, unanswered invitation is refused.
    const late = this.all()
      .filter((i) => i.answers === null && i.expired && rng.chance(0.25))
      .map((inv) => submitInput(rng, inv.token, randomAnswers(rng)));
    await inParallel(late, async (input) => {
      const res = await this.api.anonymous(SUBMIT, { i: input });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EXPIRED' });
    });
  }

  /**
   * One round over `contacts`: invitations for some (a few listed twice in one call, some
   * already invited), answers, expiries (mostly of open invitations, some answered ones),
   * re-invitations (a second invitation after an unanswered one expired, the same one
   * otherwise), answers.
   */
  async round(contacts: readonly string[]): Promise<void> {
    const rng = this.rng;
    const fresh = contacts.filter((id) => !this.surveys.has(id));
    const again = contacts.filter((id) => this.surveys.has(id));
    const ids = rng.shuffle([...fresh.filter(() => rng.chance(0.35)), ...again.filter(() => rng.chance(0.15))]);
    for (const id of ids.slice(0, 6)) ids.splice(rng.int(0, ids.length), 0, id);
    await this.invite(ids);
    await this.answerSome(0.55);
    const invited = [...this.surveys.keys()];
    const expired = invited.filter((id) => rng.chance(currentInvitation(this.surveys, id)?.answers === null ? 0.45 : 0.1));
    await this.expire(expired);
    await this.invite(rng.shuffle([...expired.filter(() => rng.chance(0.7)), ...invited.filter(() => rng.chance(0.08))]));
    await this.answerSome(0.5);
  }
}

/** Runs `task` over `items`, four at a time. */
async function inParallel<T>(items: readonly T[], task: (item: T) => Promise<void>, width = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** A correction of a surveyed contact: another day, agent or team, channel, queue or answered state. */
function moveSurveyed(rng: Rng, sc: Scenario, d: Draft): Draft {
  const c: Draft = { ...d };
  for (const kind of rng.shuffle(['day', 'staff', 'channel', 'queue', 'answer']).slice(0, rng.int(1, 3))) {
    switch (kind) {
      case 'day': {
        const shifted = d.offered + rng.pick([-3, -2, -1, 1, 2, 3]) * DAY + rng.int(-90, 90) * MINUTE;
        c.offered = shifted < sc.start || shifted >= sc.end ? d.offered - (shifted - d.offered) : shifted;
        c.offered = Math.min(Math.max(c.offered, sc.start), sc.end - SECOND);
        break;
      }
      case 'staff':
        for (let i = 0; i < 5 && c.agent === d.agent && c.team === d.team; i++) assignStaff(rng, c);
        break;
      case 'channel':
        c.channel = rng.pick(CHANNELS.filter((x) => x !== c.channel));
        break;
      case 'queue':
        c.queue = rng.pick(QUEUES.filter((q) => q !== c.queue));
        assignStaff(rng, c);
        break;
      case 'answer':
        c.answered = !c.answered;
        c.talk = c.answered ? rng.int(0, 600) : 0;
        c.hold = c.answered && rng.chance(0.5) ? rng.int(1, 120) : 0;
        c.acw = c.answered ? rng.int(0, 90) : 0;
        c.transfers = c.answered && rng.chance(0.2) ? 1 : 0;
        assignStaff(rng, c);
        break;
    }
  }
  return c;
}

// ---------------------------------------------------------------- the reference

interface Query {
  range: { from: string; to: string };
  timeZone?: string | null;
  granularity?: Gran | null;
  groupBy?: Dim[];
  filter?: { channels?: Channel[]; queueIds?: string[]; teamIds?: string[]; agentIds?: string[] };
  serviceLevelThresholdSeconds?: number | null;
  shortAbandonSeconds?: number | null;
}

interface Row {
  periodStart: number | null;
  periodEnd: number | null;
  channel: string | null;
  queue: string | null;
  team: string | null;
  agent: string | null;
  [metric: string]: number | string | null;
}

const COUNT_FIELDS = [
  'offered', 'answered', 'abandoned', 'shortAbandoned', 'handled', 'answeredWithinThreshold',
  'surveyInvitations', 'surveyResponses', 'complaints',
];
const RATIO_FIELDS = [
  'answerRate', 'abandonRate', 'serviceLevel', 'averageSpeedOfAnswer', 'averageHandleTime', 'averageTalkTime',
  'averageHoldTime', 'averageAfterContactWork', 'transferRate', 'firstContactResolutionRate',
  'surveyResponseRate', 'csatScore', 'csatAverage', 'selfReportedResolutionRate', 'complaintRate', 'netPromoterScore',
];
const METRIC_FIELDS = [...COUNT_FIELDS, ...RATIO_FIELDS];

/** Ids of the directory, from the API. */
interface Directory {
  queueId: Map<string, string>;
  teamId: Map<string, string>;
  agentId: Map<string, string>;
}

/** System FCR of every eligible contact: no other inbound contact of the customer in (offered, offered + 7 days]. */
function firstContactResolution(facts: readonly Fact[]): Map<string, boolean> {
  const inboundByCustomer = new Map<string, Fact[]>();
  for (const f of facts) {
    if (f.direction !== 'INBOUND' || f.customerRef === null) continue;
    inboundByCustomer.set(f.customerRef, [...(inboundByCustomer.get(f.customerRef) ?? []), f]);
  }
  const out = new Map<string, boolean>();
  for (const f of facts) {
    if (f.direction !== 'INBOUND' || !f.answered || f.customerRef === null) continue;
    const repeat = inboundByCustomer
      .get(f.customerRef)!
      .some((o) => o !== f && o.offered > f.offered && o.offered <= f.offered + 7 * DAY);
    out.set(f.externalId, !repeat);
  }
  return out;
}

/** The whole calendar period containing `ms`, computed here with luxon. */
function periodOf(ms: number, g: Gran, zone: string): [number, number] {
  if (g === 'FIFTEEN_MINUTES' || g === 'HOUR') {
    // From the instant's own offset: a repeated local hour stays two hours.
    const size = g === 'HOUR' ? HOUR : BUCKET;
    const offset = DateTime.fromMillis(ms, { zone }).offset * MINUTE;
    const start = Math.floor((ms + offset) / size) * size - offset;
    return [start, start + size];
  }
  const unit = ({ DAY: 'day', WEEK: 'week', MONTH: 'month' } as const)[g];
  const start = DateTime.fromMillis(ms, { zone }).startOf(unit);
  return [start.toMillis(), start.plus({ [`${unit}s`]: 1 }).startOf(unit).toMillis()];
}

interface Sums {
  offered: number; answered: number; abandoned: number; shortAbandoned: number; answeredWithinThreshold: number;
  answeredWait: number; handled: number; talk: number; hold: number; acw: number; transferred: number;
  fcrEligible: number; fcrResolved: number;
  invitations: number; responses: number; csatTop2: number; csatSum: number; resolutionAnswered: number;
  resolutionYes: number; complaints: number; npsAnswers: number; npsPromoters: number; npsDetractors: number;
}
const emptySums = (): Sums => ({
  offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredWithinThreshold: 0, answeredWait: 0, handled: 0,
  talk: 0, hold: 0, acw: 0, transferred: 0, fcrEligible: 0, fcrResolved: 0,
  invitations: 0, responses: 0, csatTop2: 0, csatSum: 0, resolutionAnswered: 0, resolutionYes: 0, complaints: 0,
  npsAnswers: 0, npsPromoters: 0, npsDetractors: 0,
});

/**
 * Survey figures belong to the contact (its final period and dimensions), whenever
 * the invitation or response was made: every invitation the API handed out counts,
 * and the first answers submitted for it, if any.
 */
function addSurveys(s: Sums, invitations: readonly SentInvitation[]): void {
  for (const inv of invitations) {
    s.invitations++;
    const a = inv.answers;
    if (!a) continue;
    s.responses++;
    s.csatSum += a.csat;
    if (a.csat >= 4) s.csatTop2++;
    if (a.resolved !== null) {
      s.resolutionAnswered++;
      if (a.resolved) s.resolutionYes++;
    }
    if (a.complaint) s.complaints++;
    if (a.nps !== null) {
      s.npsAnswers++;
      if (a.nps >= 9) s.npsPromoters++;
      if (a.nps <= 6) s.npsDetractors++;
    }
  }
}

function add(s: Sums, f: Fact, T: number, S: number, fcr: Map<string, boolean>, surveys: Surveys): void {
  addSurveys(s, surveys.get(f.externalId) ?? []);
  if (f.direction === 'INBOUND') {
    s.offered++;
    if (f.answered) {
      s.answered++;
      s.answeredWait += f.wait;
      if (f.wait <= T) s.answeredWithinThreshold++;
    } else if (f.wait < S) s.shortAbandoned++;
    else s.abandoned++;
  }
  if (f.answered) {
    s.handled++;
    s.talk += f.talk;
    s.hold += f.hold;
    s.acw += f.acw;
    if (f.transfers > 0) s.transferred++;
  }
  if (fcr.has(f.externalId)) {
    s.fcrEligible++;
    if (fcr.get(f.externalId)) s.fcrResolved++;
  }
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

function metrics(s: Sums): Record<string, number | null> {
  const qualifying = s.answered + s.abandoned;
  return {
    offered: s.offered,
    answered: s.answered,
    abandoned: s.abandoned,
    shortAbandoned: s.shortAbandoned,
    handled: s.handled,
    answeredWithinThreshold: s.answeredWithinThreshold,
    answerRate: ratio(s.answered, qualifying),
    abandonRate: ratio(s.abandoned, qualifying),
    serviceLevel: ratio(s.answeredWithinThreshold, qualifying),
    averageSpeedOfAnswer: ratio(s.answeredWait, s.answered),
    averageHandleTime: ratio(s.talk + s.hold + s.acw, s.handled),
    averageTalkTime: ratio(s.talk, s.handled),
    averageHoldTime: ratio(s.hold, s.handled),
    averageAfterContactWork: ratio(s.acw, s.handled),
    transferRate: ratio(s.transferred, s.handled),
    firstContactResolutionRate: ratio(s.fcrResolved, s.fcrEligible),
    surveyInvitations: s.invitations,
    surveyResponses: s.responses,
    surveyResponseRate: ratio(s.responses, s.invitations),
    csatScore: ratio(s.csatTop2, s.responses),
    csatAverage: ratio(s.csatSum, s.responses),
    selfReportedResolutionRate: ratio(s.resolutionYes, s.resolutionAnswered),
    complaints: s.complaints,
    complaintRate: ratio(s.complaints, s.handled),
    netPromoterScore: s.npsAnswers === 0 ? null : (100 * (s.npsPromoters - s.npsDetractors)) / s.npsAnswers,
  };
}

function reference(
  facts: readonly Fact[],
  fcr: Map<string, boolean>,
  surveys: Surveys,
  q: Query,
  dir: Directory,
): { rows: Row[]; total: Row } {
  const from = Date.parse(q.range.from);
  const to = Date.parse(q.range.to);
  const zone = q.timeZone ?? 'UTC';
  const T = q.serviceLevelThresholdSeconds ?? 20;
  const S = q.shortAbandonSeconds ?? 0;
  const groupBy = [...new Set(q.groupBy ?? [])];
  const f = q.filter ?? {};
  const idIn = (ids: string[] | undefined, map: Map<string, string>, key: string | null) =>
    ids === undefined || (key !== null && ids.includes(map.get(key)!));
  const selected = facts.filter(
    (c) =>
      c.offered >= from &&
      c.offered < to &&
      (f.channels === undefined || f.channels.includes(c.channel)) &&
      idIn(f.queueIds, dir.queueId, c.queue) &&
      idIn(f.teamIds, dir.teamId, c.team) &&
      idIn(f.agentIds, dir.agentId, c.agent),
  );
  const dimOf = (c: Fact, d: Dim) => ({ CHANNEL: c.channel, QUEUE: c.queue, TEAM: c.team, AGENT: c.agent })[d];

  const groups = new Map<string, { period: [number, number] | null; keys: Array<string | null>; sums: Sums }>();
  const total = emptySums();
  for (const c of selected) {
    add(total, c, T, S, fcr, surveys);
    const period = q.granularity ? periodOf(c.offered, q.granularity, zone) : null;
    const keys = groupBy.map((d) => dimOf(c, d));
    const id = JSON.stringify([period?.[0] ?? null, keys]);
    if (!groups.has(id)) groups.set(id, { period, keys, sums: emptySums() });
    add(groups.get(id)!.sums, c, T, S, fcr, surveys);
  }
  const compareKeys = (a: Array<string | null>, b: Array<string | null>) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (a[i] === null) return 1; // "none" last
      if (b[i] === null) return -1;
      return a[i]! < b[i]! ? -1 : 1;
    }
    return 0;
  };
  const rows = [...groups.values()]
    .sort((a, b) => (a.period?.[0] ?? 0) - (b.period?.[0] ?? 0) || compareKeys(a.keys, b.keys))
    .map((g) => {
      const row: Row = {
        periodStart: g.period?.[0] ?? null,
        periodEnd: g.period?.[1] ?? null,
        channel: null,
        queue: null,
        team: null,
        agent: null,
        ...metrics(g.sums),
      };
      groupBy.forEach((d, i) => (row[d.toLowerCase()] = g.keys[i]));
      return row;
    });
  return {
    rows,
    total: { periodStart: null, periodEnd: null, channel: null, queue: null, team: null, agent: null, ...metrics(total) },
  };
}

// ---------------------------------------------------------------- comparing

const ROW_FIELDS = `periodStart periodEnd channel queue { key } team { key } agent { key } ${METRIC_FIELDS.join(' ')}`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { rows { ${ROW_FIELDS} } total { ${ROW_FIELDS} } } }`;
const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { received created updated unchanged } }`;

function fromApi(r: any): Row {
  return {
    ...r,
    periodStart: r.periodStart === null ? null : Date.parse(r.periodStart),
    periodEnd: r.periodEnd === null ? null : Date.parse(r.periodEnd),
    queue: r.queue?.key ?? null,
    team: r.team?.key ?? null,
    agent: r.agent?.key ?? null,
  };
}

/** Differences between two rows; ratios as toBeCloseTo(…, 9) does. */
function rowDiff(actual: Row | undefined, expected: Row | undefined): string[] {
  if (!actual || !expected) return [actual ? 'unexpected row' : 'missing row'];
  const out: string[] = [];
  for (const k of ['periodStart', 'periodEnd', 'channel', 'queue', 'team', 'agent', ...COUNT_FIELDS]) {
    if (actual[k] !== expected[k]) out.push(`${k}: ${actual[k]} ≠ expected ${expected[k]}`);
  }
  for (const k of RATIO_FIELDS) {
    const a = actual[k] as number | null;
    const e = expected[k] as number | null;
    const same = a === null || e === null ? a === e : Math.abs(a - e) < 10 ** -9 / 2;
    if (!same) out.push(`${k}: ${a} ≠ expected ${e}`);
  }
  return out;
}

const show = (r: Row | undefined) =>
  r && {
    ...r,
    periodStart: r.periodStart === null ? null : new Date(r.periodStart).toISOString(),
    periodEnd: r.periodEnd === null ? null : new Date(r.periodEnd).toISOString(),
  };

/** Every difference between an answer and the reference, with both rows for debugging. */
function reportDiff(label: string, q: Query, actual: { rows: Row[]; total: Row }, expected: { rows: Row[]; total: Row }): string[] {
  const problems: string[] = [];
  const details: unknown[] = [];
  const n = Math.max(actual.rows.length, expected.rows.length);
  if (actual.rows.length !== expected.rows.length) problems.push(`rows: ${actual.rows.length} ≠ expected ${expected.rows.length}`);
  for (let i = 0; i < n; i++) {
    const d = rowDiff(actual.rows[i], expected.rows[i]);
    if (d.length) {
      problems.push(`rows[${i}]: ${d.join('; ')}`);
      if (details.length < 6) details.push({ row: i, actual: show(actual.rows[i]), expected: show(expected.rows[i]) });
    }
  }
  const t = rowDiff(actual.total, expected.total);
  if (t.length) {
    problems.push(`total: ${t.join('; ')}`);
    details.push({ row: 'total', actual: show(actual.total), expected: show(expected.total) });
  }
  if (problems.length) {
    console.log(`${label} MISMATCH\nquery: ${JSON.stringify(q)}\n${problems.slice(0, 20).join('\n')}\n${JSON.stringify(details, null, 1)}`);
    return [`${label}: ${problems.length} difference(s), first: ${problems[0]}`];
  }
  return [];
}

// ---------------------------------------------------------------- queries

function randomQuery(rng: Rng, sc: Scenario, dir: Directory): Query {
  const zone = rng.pick(ZONES);
  const span = sc.end - sc.start;
  const length = rng.chance(0.4) ? rng.int(1 * HOUR, 1 * DAY) : rng.int(1 * DAY, span + 2 * DAY);
  let from = sc.start - 1 * DAY + Math.floor(rng.next() * (span + DAY - Math.min(length, span)));
  let to = from + length;
  const kind = rng.next();
  if (kind < 0.3) {
    from = Math.floor(from / BUCKET) * BUCKET; // 15-minute aligned
    to = Math.ceil(to / BUCKET) * BUCKET;
  } else if (kind < 0.5) {
    from = DateTime.fromMillis(from, { zone }).startOf('day').toMillis(); // local midnights
    to = DateTime.fromMillis(to, { zone }).startOf('day').plus({ days: 1 }).toMillis();
  } else {
    from = wholeSecond(from); // arbitrary seconds
    to = wholeSecond(to);
  }
  const q: Query = {
    range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    timeZone: rng.chance(0.1) ? null : zone,
    granularity: rng.pick(GRANULARITIES),
    groupBy: rng.shuffle(rng.subset(DIMS)),
    // Common thresholds (read from precomputed rollup columns) as often as arbitrary ones
    // (read from the exact wait rollup), so both paths and their mixes are exercised.
    serviceLevelThresholdSeconds: rng.chance(0.15) ? null : rng.chance(0.4) ? rng.pick([10, 15, 20, 30, 45, 60]) : rng.int(0, 60),
    shortAbandonSeconds: rng.chance(0.15) ? null : rng.chance(0.4) ? rng.pick([3, 5, 10]) : rng.int(0, 10),
  };
  const filter: NonNullable<Query['filter']> = {};
  const ids = (m: Map<string, string>) => (rng.chance(0.1) ? [] : rng.subset([...m.values()]));
  if (rng.chance(0.25)) filter.channels = rng.chance(0.1) ? [] : rng.subset(CHANNELS);
  if (rng.chance(0.25)) filter.queueIds = ids(dir.queueId);
  if (rng.chance(0.25)) filter.teamIds = ids(dir.teamId);
  if (rng.chance(0.2)) filter.agentIds = ids(dir.agentId);
  if (Object.keys(filter).length) q.filter = filter;
  return q;
}

/** Hand-picked ranges: not aligned, ending mid-bucket, inside one bucket, empty, whole span. */
function fixedQueries(sc: Scenario, dir: Directory): Query[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const utcMidnight = (ms: number) => Math.floor(ms / DAY) * DAY;
  return [
    // UTC days by team and agent only: whole days from the day × team × agent grain.
    { range: { from: iso(utcMidnight(sc.start - DAY)), to: iso(utcMidnight(sc.end + DAY)) }, timeZone: 'UTC', granularity: 'DAY', groupBy: ['AGENT'] },
    {
      range: { from: iso(utcMidnight(sc.start) + 2 * DAY), to: iso(utcMidnight(sc.end) - 3 * DAY + 45 * MINUTE) },
      timeZone: 'UTC',
      granularity: 'WEEK',
      groupBy: ['TEAM', 'AGENT'],
      filter: { teamIds: [dir.teamId.get('north')!, dir.teamId.get('east')!] },
      shortAbandonSeconds: 5,
    },
    {
      range: { from: iso(utcMidnight(sc.dst) - 4 * DAY), to: iso(utcMidnight(sc.dst) + 5 * DAY) },
      timeZone: sc.zone,
      groupBy: ['TEAM'],
      filter: { agentIds: [dir.agentId.get('ann')!, dir.agentId.get('cyd')!, dir.agentId.get('fay')!] },
      serviceLevelThresholdSeconds: 13,
    },
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.zone, granularity: 'DAY' },
    // Days in the scenario's zone by agent: their hours from the hour × team × agent grain.
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.zone, granularity: 'DAY', groupBy: ['AGENT'] },
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.zone, granularity: 'MONTH', groupBy: ['TEAM'] },
    // Survey figures per contact day, agent and channel: where the corrections moved them.
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.zone, granularity: 'DAY', groupBy: ['AGENT', 'CHANNEL'] },
    {
      range: { from: iso(sc.start + 3 * DAY + 7 * MINUTE + 13 * SECOND), to: iso(sc.dst + 2 * DAY + 11 * MINUTE + 59 * SECOND) },
      timeZone: sc.zone,
      granularity: 'HOUR',
      groupBy: ['QUEUE', 'CHANNEL'],
      serviceLevelThresholdSeconds: 5,
      shortAbandonSeconds: 5,
    },
    {
      range: { from: iso(sc.dst - 6 * HOUR), to: iso(sc.dst + 1 * HOUR + 7 * MINUTE + 30 * SECOND) },
      timeZone: sc.zone,
      granularity: 'FIFTEEN_MINUTES',
      groupBy: ['AGENT'],
      shortAbandonSeconds: 3,
    },
    {
      range: { from: iso(sc.dst + 2 * MINUTE + 1 * SECOND), to: iso(sc.dst + 14 * MINUTE + 59 * SECOND) },
      timeZone: 'Asia/Kathmandu',
      granularity: 'HOUR',
      groupBy: ['TEAM', 'AGENT'],
    },
    { range: { from: iso(sc.start - 10 * DAY), to: iso(sc.start - 3 * DAY) }, timeZone: sc.zone, granularity: 'DAY', groupBy: ['QUEUE'] },
    // Neither grouped nor filtered: the days' totals, UTC and of the reporting zone (its edges from hours and quarter hours).
    { range: { from: iso(utcMidnight(sc.start - DAY)), to: iso(utcMidnight(sc.end + DAY)) }, timeZone: 'UTC', granularity: 'WEEK' },
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.reportingZone },
    // Days and weeks of the reporting zone: its local days, edges from hours or quarter hours.
    { range: { from: iso(sc.start - DAY), to: iso(sc.end + DAY) }, timeZone: sc.reportingZone, granularity: 'DAY', groupBy: ['AGENT'] },
    {
      range: { from: iso(sc.start + 2 * DAY + 7 * HOUR), to: iso(sc.end - 13 * MINUTE) },
      timeZone: sc.reportingZone,
      granularity: 'WEEK',
      groupBy: ['QUEUE', 'TEAM'],
      serviceLevelThresholdSeconds: 17,
    },
    {
      range: { from: iso(sc.start), to: iso(sc.end) },
      timeZone: 'Asia/Kolkata',
      granularity: 'WEEK',
      groupBy: ['AGENT', 'TEAM', 'QUEUE', 'CHANNEL'],
      serviceLevelThresholdSeconds: 0,
      shortAbandonSeconds: 10,
    },
  ];
}

// ---------------------------------------------------------------- the test

describe('kpis, property: random contacts and corrections against an independent reference', () => {
  const server = useTestServer();

  beforeAll(async () => {
    // A database server whose TimeZone is not UTC: nothing stored or reported may depend on it.
    const connection = server.db.orm.em.getConnection();
    const [{ name }] = await connection.execute<Array<{ name: string }>>('select current_database() as name');
    await connection.execute(`alter database "${name}" set timezone to 'Europe/Berlin'`);
    await server.db.orm.reconnect();
    const [{ timezone }] = await server.db.orm.em.getConnection().execute<Array<{ timezone: string }>>(
      `select current_setting('TimeZone') as timezone`,
    );
    expect(timezone).toBe('Europe/Berlin');
  });

  for (const [index, sc] of SCENARIOS.entries()) {
    it(`matches the reference around the DST change in ${sc.zone}`, async () => {
      const started = Date.now();
      const rng = prng(SEED + index * 7919);
      const org: TestOrganization = await server.createOrganization(sc.slug);
      const gql = (query: string, variables?: Record<string, unknown>) => server.gql(query, variables, org.keys.ADMIN);
      const boundaries = boundariesOf(sc);

      // ---- contacts: a base set, with repeats of one customer exactly around the 7-day FCR edge
      let n = 0;
      const nextId = () => `${sc.slug}-${String(++n).padStart(4, '0')}`;
      const base: Draft[] = Array.from({ length: 300 }, () => randomDraft(rng, sc, boundaries, nextId()));
      for (const first of rng.shuffle(base).slice(0, 24)) {
        if (first.customerRef === null) continue;
        first.customerRef = `edge-${first.externalId}`; // a customer of its own, so the edge decides
        const at = wholeSecond(first.offered) + rng.pick([7 * DAY - SECOND, 7 * DAY, 7 * DAY + SECOND, 0, SECOND]);
        if (at >= sc.end) continue;
        const repeat = randomDraft(rng, sc, boundaries, nextId());
        Object.assign(repeat, { customerRef: first.customerRef, offered: at, direction: rng.chance(0.85) ? 'INBOUND' : 'OUTBOUND' });
        base.push(repeat);
      }
      // Windows that straddle the DST change: 7 days are 168 hours, whatever the clocks do.
      for (let i = 0; i < 10; i++) {
        const first = randomDraft(rng, sc, boundaries, nextId());
        Object.assign(first, { direction: 'INBOUND', answered: true, customerRef: `dst-${first.externalId}` });
        assignStaff(rng, first);
        first.offered = wholeSecond(sc.dst - rng.int(1 * HOUR, 6 * DAY));
        const repeat = randomDraft(rng, sc, boundaries, nextId());
        const offset = rng.pick([7 * DAY - rng.int(1, 3599) * SECOND, 7 * DAY, 7 * DAY + SECOND, 7 * DAY + HOUR]);
        Object.assign(repeat, { customerRef: first.customerRef, offered: first.offered + offset, direction: 'INBOUND' });
        base.push(first, repeat);
      }

      // ---- what the engine should have stored: the last version per externalId, team resolved at ingestion
      const sent = new Map<string, Draft>();
      const facts = new Map<string, Fact>();
      const knownTeam = new Map<string, string>();
      const ingest = async (batch: Draft[]) => {
        for (const d of batch) if (d.agent && d.team) knownTeam.set(d.agent, d.team);
        const fresh = batch.filter((d) => !sent.has(d.externalId)).length;
        for (const d of batch) {
          sent.set(d.externalId, d);
          facts.set(d.externalId, {
            externalId: d.externalId,
            channel: d.channel,
            direction: d.direction,
            queue: d.queue,
            team: d.team ?? (d.agent ? (knownTeam.get(d.agent) ?? null) : null),
            agent: d.agent,
            customerRef: d.customerRef,
            offered: wholeSecond(d.offered),
            answered: d.answered,
            wait: d.wait,
            talk: d.talk,
            hold: d.hold,
            acw: d.acw,
            transfers: d.transfers,
          });
        }
        const res = await gql(RECORD, { c: batch.map(toInput) });
        expect(res.errors).toBeUndefined();
        const r = res.data.recordContacts;
        expect(r.received).toBe(batch.length);
        expect(r.created).toBe(fresh);
        expect(r.created + r.updated + r.unchanged).toBe(batch.length);
      };

      // Four batches in random order (later contacts often arrive before earlier ones); the
      // reporting zone set halfway (its local days rebuilt), then kept by every later write.
      const shuffled = rng.shuffle(base);
      for (let i = 0; i < 4; i++) {
        if (i === 2) {
          const set = await gql(`mutation($z: String!) { setReportingTimeZone(timeZone: $z) { reportingTimeZone } }`, { z: sc.reportingZone });
          expect(set.data?.setReportingTimeZone.reportingTimeZone).toBe(sc.reportingZone);
        }
        await ingest(shuffled.slice((i * shuffled.length) / 4, ((i + 1) * shuffled.length) / 4));
      }

      // ---- surveys: invitations, responses, expiries and re-invitations (their own random stream,
      // so the contacts and queries stay those of the seed)
      const surveyRng = prng(SEED + index * 7919 + 1);
      const connection = () => server.db.orm.em.fork().getConnection();
      const driver = new SurveyDriver(
        {
          gql: (query, variables) => gql(query, variables),
          anonymous: (query, variables) => server.gql(query, variables, null),
          sql: (text, params) => connection().execute(text, params),
          organizationId: org.id,
        },
        surveyRng,
      );
      await driver.round([...sent.keys()]);
      // Where the answered contacts stood when their responses came in.
      const whenAnswered = new Map(
        [...driver.surveys].filter(([, list]) => list.some((i) => i.answers !== null)).map(([id]) => [id, facts.get(id)!]),
      );

      // ---- corrections: three rounds, some contacts corrected twice, some re-sent unchanged, some new ones
      for (let round = 0; round < 3; round++) {
        const ids = rng.shuffle([...sent.keys()]).slice(0, rng.int(50, 80));
        const batch = ids.map((id) => (rng.chance(0.1) ? { ...sent.get(id)! } : correct(rng, sc, boundaries, sent.get(id)!)));
        for (let i = 0; i < 10; i++) batch.push(randomDraft(rng, sc, boundaries, nextId()));
        await ingest(rng.shuffle(batch));
      }

      // ---- more surveys (new contacts too), then corrections of surveyed contacts: their figures follow them
      await driver.round([...sent.keys()]);
      const surveyed = [...driver.surveys.keys()];
      const answered = (id: string) => driver.surveys.get(id)!.some((i) => i.answers !== null);
      const moved = surveyed.filter((id) => surveyRng.chance(answered(id) ? 0.45 : 0.15));
      const corrections = surveyRng.shuffle(moved.map((id) => moveSurveyed(surveyRng, sc, sent.get(id)!)));
      // Answers racing the corrections (both take the organization's write lock), then answers after them:
      // either way they land on the contact's new place.
      await Promise.all([ingest(corrections), driver.answerSome(0.3)]);
      await driver.answerSome(0.5);

      const all = [...facts.values()];
      const fcr = firstContactResolution(all);
      const surveys = driver.surveys;
      // The data exercises what it should.
      const resolved = [...fcr.values()].filter(Boolean).length;
      expect(resolved).toBeGreaterThan(10);
      expect(fcr.size - resolved).toBeGreaterThan(10);
      expect(all.filter((f) => f.agent && f.team && !sent.get(f.externalId)!.team).length).toBeGreaterThan(10);
      expect(all.filter((f) => !f.answered && f.direction === 'INBOUND' && f.wait <= 6).length).toBeGreaterThan(10);
      expect(new Set(all.map((f) => f.channel)).size).toBe(4);
      expect(all.some((f) => f.direction === 'OUTBOUND' && f.answered)).toBe(true);
      const invitations = [...surveys.values()].flat();
      const responses = invitations.flatMap((i) => (i.answers ? [i.answers] : []));
      expect(surveys.size).toBeGreaterThan(100);
      expect([...surveys.values()].filter((l) => l.length >= 2).length).toBeGreaterThan(10); // expired and re-invited
      expect(invitations.filter((i) => i.expired && i.answers !== null).length).toBeGreaterThan(5);
      expect(responses.length).toBeGreaterThan(80);
      expect(responses.filter((a) => a.nps === null).length).toBeGreaterThan(10);
      expect(responses.filter((a) => a.resolved === null).length).toBeGreaterThan(10);
      expect(responses.filter((a) => a.complaint && a.complaintCategory === null).length).toBeGreaterThan(3);
      expect(responses.filter((a) => a.complaint && a.complaintCategory !== null).length).toBeGreaterThan(3);
      expect(surveyed.filter((id) => !facts.get(id)!.answered && answered(id)).length).toBeGreaterThan(5);
      // Answered contacts that moved to another day (in the scenario's zone), agent, team or channel after their responses.
      const day = (ms: number) => DateTime.fromMillis(ms, { zone: sc.zone }).toISODate();
      const relocated = [...whenAnswered].filter(([id, was]) => {
        const now = facts.get(id)!;
        return (day(now.offered) !== day(was.offered) || now.agent !== was.agent || now.team !== was.team || now.channel !== was.channel);
      });
      expect(relocated.length).toBeGreaterThan(30);

      // ---- the directory's ids, from the API
      const directory = await gql(`{ queues { id key } teams { id key } agents { id key team { key } } }`);
      expect(directory.errors).toBeUndefined();
      const dir: Directory = {
        queueId: new Map(directory.data.queues.map((x: any) => [x.key, x.id])),
        teamId: new Map(directory.data.teams.map((x: any) => [x.key, x.id])),
        agentId: new Map(directory.data.agents.map((x: any) => [x.key, x.id])),
      };
      expect([...dir.queueId.keys()].sort()).toEqual(QUEUES);
      expect([...dir.teamId.keys()].sort()).toEqual(TEAMS);
      for (const a of directory.data.agents) expect(a.team?.key).toBe(AGENT_TEAM[a.key]);

      // ---- queries
      const queries = [...fixedQueries(sc, dir), ...Array.from({ length: RANDOM_QUERIES_PER_SCENARIO }, () => randomQuery(rng, sc, dir))];
      const failures: string[] = [];
      /** The rollup tables the queries' statements read: every grain must be compared with the raw path. */
      const grainsRead = new Set<string>();
      let nonEmpty = 0;
      for (const [i, q] of queries.entries()) {
        const label = `${sc.slug} query ${i}`;
        const res = await gql(KPIS, { q });
        if (res.errors) {
          failures.push(`${label}: ${JSON.stringify(res.errors)} for ${JSON.stringify(q)}`);
          continue;
        }
        const actual = { rows: res.data.kpis.rows.map(fromApi), total: fromApi(res.data.kpis.total) };
        const expected = reference(all, fcr, surveys, q, dir);
        if (expected.rows.length) nonEmpty++;
        failures.push(...reportDiff(label, q, actual, expected));

        // The raw-contacts path (no rollups) must give exactly the same report as the rollup path.
        const em = server.db.orm.em.fork();
        const service = new KpiService(em, createDirectoryLoaders(em, async () => org.id));
        const ask = {
          organizationId: org.id,
          from: new Date(q.range.from),
          to: new Date(q.range.to),
          timeZone: q.timeZone,
          filter: q.filter && {
            channels: q.filter.channels as never,
            queueIds: q.filter.queueIds?.map(Number),
            teamIds: q.filter.teamIds?.map(Number),
            agentIds: q.filter.agentIds?.map(Number),
          },
          groupBy: q.groupBy as Dimension[] | undefined,
          granularity: q.granularity as Granularity | null | undefined,
          serviceLevelThresholdSeconds: q.serviceLevelThresholdSeconds,
          shortAbandonSeconds: q.shortAbandonSeconds,
          fields: METRIC_FIELDS,
        };
        const request = validateKpiAsk(ask);
        const boundaries = request.granularity
          ? periodBoundaries(request.from, request.to, request.granularity, request.timeZone)
          : [request.from, request.to];
        const statement = compileKpiQuery(request, { boundaries, reportingZone: sc.reportingZone }).sql.text;
        for (const grain of ROLLUP_GRAINS) if (statement.includes(`from ${grain.table} `)) grainsRead.add(grain.table);
        const viaRollups: KpiReportResult = await service.report(ask);
        const viaRaw: KpiReportResult = await service.report(ask, { rawOnly: true });
        if (JSON.stringify(viaRaw) !== JSON.stringify(viaRollups)) {
          console.log(`${label} raw ≠ rollups\nquery: ${JSON.stringify(q)}\nraw: ${JSON.stringify(viaRaw)}\nrollups: ${JSON.stringify(viaRollups)}`);
          failures.push(`${label}: the raw-only path differs from the rollup path`);
        }
      }
      expect(queries.length).toBeGreaterThanOrEqual(35);
      expect([...grainsRead].sort()).toEqual(ROLLUP_GRAINS.map((g) => g.table).sort());
      expect(nonEmpty).toBeGreaterThan(queries.length / 2);
      expect(failures).toEqual([]);
      console.log(
        `${sc.slug}: ${all.length} contacts, ${invitations.length} survey invitations, ${responses.length} responses, ` +
          `${queries.length} queries, seed ${SEED}, ${Date.now() - started} ms`,
      );
    });
  }
});
