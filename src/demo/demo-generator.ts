import { DateTime, IANAZone } from 'luxon';
import { Channel, Direction } from '../warehouse/channels';
import type { ContactFields } from '../contacts/contact.validation';
import type { ActivityFields } from '../activity/activity.validation';
import { DemoDispatcher, deriveActivity, planShifts, type DemoShift } from './demo-activity';

/**
 * The demo data set: a mid-size contact center (5 queues, 5 teams, 60 agents,
 * ~1,500 contacts a day) generated deterministically. Pure: no I/O, no clock;
 * the same options always give the same contacts.
 *
 * A day's contacts depend only on the seed, the time zone and the date (and
 * the 6 days before it, which its repeat customers point back to) — never on
 * the range asked for: seeding 3 days and seeding 90 days agree on the shared
 * days, and re-seeding a shifted range rewrites nothing it already wrote.
 * Days before the range are generated in memory for that, never yielded.
 *
 * Each rostered agent works one shift of the day (EARLY, DAY, MID or LATE, with
 * two 15-minute breaks and a 30-minute lunch; see demo-activity.ts), answers
 * contacts while on duty, and demoActivity derives the agents' 15-minute
 * activity records from the shifts and the day's contacts.
 */

export interface DemoOptions {
  /** Last local day included, 'YYYY-MM-DD'. */
  endDate: string;
  /** Number of days ending with endDate; default 90. */
  days?: number;
  seed: number;
  /** IANA zone of the center's opening hours; default Europe/Berlin. */
  timeZone?: string;
}

export const DEMO_DEFAULT_DAYS = 90;
export const DEMO_DEFAULT_TIME_ZONE = 'Europe/Berlin';
export const DEMO_OPENING_HOUR = 8;
export const DEMO_CLOSING_HOUR = 20;

export interface DemoQueue {
  key: string;
  name: string;
  /** Share of the offered contacts (email has its own mix, below). */
  weight: number;
  /** The team that mainly serves the queue; other teams take overflow. */
  team: string;
  /** Talk-time multiplier: technical issues and complaints take longer. */
  talkFactor: number;
  /** Share of answered contacts an agent marks resolved. */
  resolveRate: number;
  /** Disposition reason codes an agent picks from. */
  reasons: readonly string[];
}

export const DEMO_QUEUES: readonly DemoQueue[] = [
  { key: 'billing', name: 'Billing', weight: 0.28, team: 'team-north', talkFactor: 1.0, resolveRate: 0.86,
    reasons: ['INVOICE_QUERY', 'PAYMENT_ARRANGEMENT', 'REFUND_REQUEST', 'ADDRESS_CHANGE'] },
  { key: 'tech-support', name: 'Tech support', weight: 0.26, team: 'team-south', talkFactor: 1.3, resolveRate: 0.74,
    reasons: ['CONNECTIVITY', 'DEVICE_SETUP', 'OUTAGE', 'PASSWORD_RESET'] },
  { key: 'sales', name: 'Sales', weight: 0.2, team: 'team-east', talkFactor: 1.1, resolveRate: 0.9,
    reasons: ['NEW_CONTRACT', 'UPGRADE', 'PRICE_INQUIRY', 'NO_SALE'] },
  { key: 'cards', name: 'Cards', weight: 0.14, team: 'team-west', talkFactor: 0.85, resolveRate: 0.87,
    reasons: ['CARD_BLOCK', 'CARD_REPLACEMENT', 'TRANSACTION_DISPUTE', 'LIMIT_CHANGE'] },
  { key: 'complaints', name: 'Complaints', weight: 0.12, team: 'team-central', talkFactor: 1.4, resolveRate: 0.66,
    reasons: ['SERVICE_QUALITY', 'BILLING_ERROR', 'STAFF_BEHAVIOUR', 'DELIVERY_DELAY'] },
];
const QUEUE_WEIGHTS = DEMO_QUEUES.map((q) => q.weight);
/** Written complaints are common: email shifts volume from sales to complaints. */
const EMAIL_QUEUE_WEIGHTS = [0.3, 0.2, 0.1, 0.13, 0.27];

/** The teams, each with the hourly cost of a logged-in agent hour (EUR): specialists cost more. */
export const DEMO_TEAMS: readonly { key: string; name: string; hourlyCost: number }[] = [
  { key: 'team-north', name: 'Team North', hourlyCost: 31 },
  { key: 'team-south', name: 'Team South', hourlyCost: 36 },
  { key: 'team-east', name: 'Team East', hourlyCost: 33 },
  { key: 'team-west', name: 'Team West', hourlyCost: 29 },
  { key: 'team-central', name: 'Team Central', hourlyCost: 38 },
];

const AGENTS_PER_TEAM = 12;
const FIRST_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Felix', 'Greta', 'Hamza', 'Ines', 'Jonas', 'Katarzyna', 'Luca'];
const LAST_NAMES = ['Schmidt', 'Weber', 'Yilmaz', 'Novak', 'Fischer', 'Rossi', 'Becker', 'Kowalski', 'Hoffmann', 'Meyer'];
/**
 * agent-001 … agent-060, twelve per team in team order. Names pair
 * FIRST_NAMES[i mod 12] with LAST_NAMES[i mod 10]: unique for the 60 = lcm(12, 10) agents.
 */
export const DEMO_AGENTS: readonly { key: string; name: string; team: string }[] = Array.from(
  { length: DEMO_TEAMS.length * AGENTS_PER_TEAM },
  (_, i) => ({
    key: `agent-${String(i + 1).padStart(3, '0')}`,
    name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[i % LAST_NAMES.length]}`,
    team: DEMO_TEAMS[Math.floor(i / AGENTS_PER_TEAM)].key,
  }),
);
/** Agents with a cost of their own, above their team's: a senior tech specialist and the complaints team lead. */
export const DEMO_AGENT_HOURLY_COSTS: readonly { agent: string; hourlyCost: number }[] = [
  { agent: 'agent-014', hourlyCost: 45 },
  { agent: 'agent-050', hourlyCost: 44 },
];
/** Agents with long handle times and low resolution: the coaching report should find them. */
export const STRUGGLING_AGENTS: ReadonlySet<string> = new Set(['agent-007', 'agent-023', 'agent-048']);

/** Average daily volume over a whole week; weekdays carry most of it. */
const MEAN_CONTACTS_PER_DAY = 1500;
/** Monday … Sunday relative volume (Mondays heaviest, weekends much lighter). */
const WEEKDAY_VOLUME = [1.25, 1.1, 1.05, 1.0, 0.95, 0.42, 0.3];
const WEEKDAY_MEAN = WEEKDAY_VOLUME.reduce((a, b) => a + b, 0) / 7;
/** Planning under-covers Mondays a little; weekends are comfortably staffed. */
const WEEKDAY_PRESSURE = [1.06, 1.0, 1.0, 1.0, 0.99, 0.95, 0.95];
/** One weekday in every cycle of this many days runs short-staffed (sickness, training). */
const UNDERSTAFFED_EVERY_DAYS = 13;
/**
 * Agents rostered per contact of the day's volume: a contact takes ~8 minutes
 * of handling and a shift 7.5 hours outside breaks, so planned for ≈ 70 %
 * occupancy (≈ 65 % comes out: some handling falls outside shifts or on an
 * agent already busy, and attendance is drawn per agent).
 */
const AGENTS_PER_CONTACT = 0.0242;

const CHANNELS = [Channel.VOICE, Channel.CHAT, Channel.EMAIL, Channel.MESSAGING];
const CHANNEL_WEIGHTS = [0.65, 0.18, 0.1, 0.07];
/** ~5 % of all contacts are outbound callbacks, all voice: 0.05 / 0.65 of voice. */
const OUTBOUND_SHARE_OF_VOICE = 0.05 / 0.65;
/** Share of inbound contacts that are the customer's repeat within 7 days. */
const REPEAT_SHARE = 0.18;
/** How many days before a repeat its first contact was: mostly the same day or the next. */
const REPEAT_DAYS_BACK_WEIGHTS = [0.3, 0.22, 0.14, 0.11, 0.09, 0.08, 0.06];

// ---------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny, fast 32-bit PRNG; good enough for demo data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one well-spread 32-bit seed (murmur3's finalizer per step). */
function hash32(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Index drawn by weights (need not sum to 1). */
  weighted(weights: readonly number[]): number {
    let r = this.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
  /** Log-normal with the given median: right-skewed like real handle times. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

// ---------------------------------------------------------------------------
// The intraday curve: a mid-morning and an early-afternoon peak, quiet evening.

/** Relative arrival intensity at local hour-of-day t (8 ≤ t < 20). */
function arrivalIntensity(t: number): number {
  const bump = (center: number, width: number, height: number) => height * Math.exp(-0.5 * ((t - center) / width) ** 2);
  const evening = t < 17 ? 0.3 : 0.3 - 0.06 * (t - 17); // fades to ~0.12 at closing
  return evening + bump(10.5, 1.2, 1.0) + bump(14.3, 1.4, 0.8);
}
const OPEN_HOURS = DEMO_CLOSING_HOUR - DEMO_OPENING_HOUR;
const INTENSITY_MAX = 1.35; // above the curve's maximum (rejection sampling bound)
/** The intensity the average contact meets (weighted by arrivals): staffing is planned for it. */
const INTENSITY_PER_CONTACT = (() => {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < 1200; i++) {
    const f = arrivalIntensity(DEMO_OPENING_HOUR + ((i + 0.5) * OPEN_HOURS) / 1200);
    sum += f;
    sumSquares += f * f;
  }
  return sumSquares / sum;
})();

// ---------------------------------------------------------------------------
// Day plan

interface DayPlan {
  /** 'YYYYMMDD', used in external ids. */
  stamp: string;
  /** Epoch seconds of each local hour from opening to closing (DST-proof). */
  hourStarts: number[];
  volume: number;
  /** Staffing stress: 1 = as planned; above 1 waits grow. */
  pressure: number;
  /** Which agents work today. */
  roster: readonly { key: string; team: string }[];
  /** Their shifts and breaks (a stream of its own: volumes and waits do not depend on it). */
  shifts: readonly DemoShift[];
}

function planDay(seed: number, day: DateTime): DayPlan {
  const stamp = day.toFormat('yyyyMMdd');
  const rnd = new Random(hash32(seed, Number(stamp), 0xd1a9));
  const weekday = day.weekday - 1; // 0 = Monday
  const epochDay = Math.floor(Date.UTC(day.year, day.month - 1, day.day) / 86_400_000);
  // Deterministic cadence (not chance) so every 90-day window has a few bad days.
  const understaffed = weekday < 5 && (((epochDay + seed) % UNDERSTAFFED_EVERY_DAYS) + UNDERSTAFFED_EVERY_DAYS) % UNDERSTAFFED_EVERY_DAYS === 0;
  const volume = Math.round((MEAN_CONTACTS_PER_DAY * WEEKDAY_VOLUME[weekday] * (1 + 0.05 * rnd.normal())) / WEEKDAY_MEAN);
  const pressure = WEEKDAY_PRESSURE[weekday] * (1 + 0.03 * rnd.normal()) * (understaffed ? 1.16 + 0.08 * rnd.float() : 1);
  // Rostered to the day's volume, short by the day's pressure (Mondays and short-staffed days run hotter).
  const attendance = clamp((AGENTS_PER_CONTACT * volume) / pressure / DEMO_AGENTS.length, 0.1, 0.95);
  const present = DEMO_AGENTS.filter(() => rnd.chance(attendance));
  const roster = present.length ? present : DEMO_AGENTS;
  const hourStarts: number[] = [];
  for (let h = DEMO_OPENING_HOUR; h <= DEMO_CLOSING_HOUR; h++) hourStarts.push(day.set({ hour: h }).toSeconds());
  const shifts = planShifts(mulberry32(hash32(seed, Number(stamp), 0x5417f7)), day, roster);
  return { stamp, hourStarts, volume, pressure, roster, shifts };
}

// ---------------------------------------------------------------------------
// One day's contacts, before repeat customers are linked

interface Draft {
  contact: ContactFields;
  offeredSec: number;
  inbound: boolean;
  answered: boolean;
  /** Abandoned or unresolved: such customers are the likelier to come back. */
  open: boolean;
  /** This inbound contact is a repeat: of whom is settled when earlier days are known. */
  repeat: { daysBack: number; u: number; preferOpen: boolean } | null;
  /** An outbound callback to a caller who abandoned earlier today. */
  callbackU: number | null;
}

/** A first (non-repeat) inbound contact that later contacts can repeat. */
interface FirstContact {
  ref: string;
  offeredSec: number;
}

interface AgentProfile {
  /** Handle-time multiplier. */
  speed: number;
  /** Added to the queue's resolve rate. */
  resolveDelta: number;
}

function agentProfiles(seed: number): Map<string, AgentProfile> {
  const rnd = new Random(hash32(seed, 0xa6e17));
  return new Map(
    DEMO_AGENTS.map((a) => {
      const struggling = STRUGGLING_AGENTS.has(a.key);
      const speed = struggling ? 1.35 : clamp(Math.exp(0.1 * rnd.normal()), 0.8, 1.25);
      const resolveDelta = struggling ? -0.14 : clamp(0.03 * rnd.normal(), -0.06, 0.06);
      return [a.key, { speed, resolveDelta }];
    }),
  );
}

function generateDrafts(seed: number, day: DateTime, agents: Map<string, AgentProfile>): Draft[] {
  const plan = planDay(seed, day);
  const rnd = new Random(hash32(seed, Number(plan.stamp), 0xc0ffee));

  // Arrival times by rejection sampling under the intraday curve, then in order.
  const arrivals: Array<{ sec: number; intensity: number }> = [];
  while (arrivals.length < plan.volume) {
    const t = DEMO_OPENING_HOUR + rnd.float() * OPEN_HOURS;
    const intensity = arrivalIntensity(t);
    if (rnd.float() * INTENSITY_MAX > intensity) continue;
    const hour = Math.floor(t);
    const start = plan.hourStarts[hour - DEMO_OPENING_HOUR];
    arrivals.push({ sec: start + Math.floor((t - hour) * 3600), intensity });
  }
  arrivals.sort((a, b) => a.sec - b.sec);

  const dispatcher = new DemoDispatcher(plan.shifts, plan.roster);

  return arrivals.map(({ sec, intensity }, i): Draft => {
    const channel = CHANNELS[rnd.weighted(CHANNEL_WEIGHTS)];
    const outbound = channel === Channel.VOICE && rnd.chance(OUTBOUND_SHARE_OF_VOICE);
    const queue = DEMO_QUEUES[rnd.weighted(channel === Channel.EMAIL ? EMAIL_QUEUE_WEIGHTS : QUEUE_WEIGHTS)];
    // Staffing follows the forecast, but only partly keeps up with the peaks.
    const pressure = plan.pressure * (1 + 0.35 * (intensity / INTENSITY_PER_CONTACT - 1));
    const wait = outbound ? outboundRing(rnd) : inboundWait(rnd, channel, pressure);

    const externalId = `demo-${plan.stamp}-${String(i + 1).padStart(4, '0')}`;
    const freshRef = `cust-${hash32(seed, Number(plan.stamp), i, 1).toString(16).padStart(8, '0')}${hash32(seed, i, Number(plan.stamp), 2)
      .toString(16)
      .padStart(8, '0')}`;
    // Withheld numbers and anonymous web chats leave no customer reference.
    const anonymous = !outbound && rnd.chance(channel === Channel.VOICE ? 0.04 : channel === Channel.CHAT ? 0.08 : 0);
    const repeat =
      !outbound && !anonymous && rnd.chance(REPEAT_SHARE)
        ? { daysBack: rnd.weighted(REPEAT_DAYS_BACK_WEIGHTS), u: rnd.float(), preferOpen: rnd.chance(0.65) }
        : null;
    const callbackU = outbound ? rnd.float() : null;

    // Every contact has every field (null/0 when unanswered): one object shape
    // keeps generation fast, and validation treats null and 0 as absent.
    const contact: ContactFields = {
      externalId,
      channel,
      direction: outbound ? Direction.OUTBOUND : Direction.INBOUND,
      queue: queue.key,
      team: null,
      agent: null,
      customerRef: anonymous ? null : freshRef,
      offeredAt: new Date(sec * 1000),
      answeredAt: null,
      endedAt: new Date((sec + wait.seconds) * 1000),
      talkSeconds: 0,
      holdSeconds: 0,
      afterContactWorkSeconds: 0,
      transfers: 0,
      resolved: null,
      disposition: null,
    };
    const draft: Draft = { contact, offeredSec: sec, inbound: !outbound, answered: wait.answered, open: true, repeat, callbackU };
    if (!wait.answered) return draft;

    // Answered: by an agent on duty and free at the answer as far as there is one,
    // mostly of the queue's team, else overflow to any team (see DemoDispatcher).
    // Always two draws, whoever works today: rosters and shifts never shift the stream.
    const answeredSec = sec + wait.seconds;
    const preferOwn = rnd.chance(0.75);
    const agent = dispatcher.choose(queue.team, preferOwn, sec, answeredSec, rnd.float());
    const profile = agents.get(agent.key)!;
    const handling = handleTimes(rnd, channel, outbound, queue, profile.speed);
    const resolved = rnd.chance(clamp(queue.resolveRate + profile.resolveDelta - (handling.transfers ? 0.15 : 0), 0.3, 0.97));
    dispatcher.occupy(agent.key, answeredSec, answeredSec + handling.talk + handling.hold + handling.acw);
    contact.agent = agent.key;
    contact.team = agent.team;
    contact.answeredAt = new Date(answeredSec * 1000);
    contact.endedAt = new Date((answeredSec + handling.talk + handling.hold) * 1000);
    contact.talkSeconds = handling.talk;
    contact.holdSeconds = handling.hold;
    contact.afterContactWorkSeconds = handling.acw;
    contact.transfers = handling.transfers;
    contact.resolved = resolved;
    contact.disposition = rnd.pick(queue.reasons);
    draft.open = !resolved;
    return draft;
  });
}

interface Wait {
  answered: boolean;
  seconds: number;
}

/**
 * Queue wait and abandonment. Voice and chat: many contacts find an agent free
 * (a few seconds of ringing); the rest wait exponentially, longer under
 * pressure, and hang up when the wait outlasts their patience. A few callers
 * hang up at once (short abandons). Messaging and email are asynchronous:
 * minutes and hours, rarely left unanswered.
 */
function inboundWait(rnd: Random, channel: Channel, pressure: number): Wait {
  if (channel === Channel.MESSAGING) {
    if (rnd.chance(0.02)) return { answered: false, seconds: rnd.int(600, 1800) };
    return { answered: true, seconds: Math.round(clamp(rnd.logNormal(90 * pressure, 0.9), 5, 4 * 3600)) };
  }
  if (channel === Channel.EMAIL) {
    if (rnd.chance(0.01)) return { answered: false, seconds: rnd.int(3600, 8 * 3600) };
    return { answered: true, seconds: Math.round(clamp(rnd.logNormal(75 * 60 * pressure, 0.8), 120, 36 * 3600)) };
  }
  const voice = channel === Channel.VOICE;
  if (rnd.chance(voice ? 0.025 : 0.015)) return { answered: false, seconds: rnd.int(1, 4) };
  const free = clamp((voice ? 0.83 : 0.76) - 1.5 * (pressure - 1), 0.08, 0.93);
  if (rnd.chance(free)) return { answered: true, seconds: rnd.int(2, 9) };
  const wait = 5 + rnd.exponential((voice ? 28 : 40) * pressure ** 2);
  const patience = rnd.exponential(voice ? 180 : 240);
  if (patience < wait) return { answered: false, seconds: Math.max(1, Math.round(patience)) };
  return { answered: true, seconds: Math.round(wait) };
}

/** An outbound call rings at the customer; a quarter are not picked up. */
function outboundRing(rnd: Random): Wait {
  if (rnd.chance(0.25)) return { answered: false, seconds: rnd.int(25, 45) };
  return { answered: true, seconds: rnd.int(5, 25) };
}

interface Handling {
  talk: number;
  hold: number;
  acw: number;
  transfers: number;
}

/** Handle times: email handling is counted as talk (reading and writing the reply). */
function handleTimes(rnd: Random, channel: Channel, outbound: boolean, queue: DemoQueue, speed: number): Handling {
  const f = queue.talkFactor * speed;
  let talk: number;
  let hold = 0;
  let acw: number;
  switch (channel) {
    case Channel.VOICE:
      talk = rnd.logNormal((outbound ? 170 : 250) * f, 0.45);
      if (rnd.chance(outbound ? 0.08 : 0.22)) hold = rnd.int(15, 150);
      acw = rnd.int(20, 60) * speed;
      break;
    case Channel.CHAT:
      talk = rnd.logNormal(540 * f, 0.5);
      if (rnd.chance(0.05)) hold = rnd.int(30, 120);
      acw = rnd.int(30, 90) * speed;
      break;
    case Channel.MESSAGING:
      talk = rnd.logNormal(360 * f, 0.6);
      acw = rnd.int(20, 60) * speed;
      break;
    case Channel.EMAIL:
      talk = rnd.logNormal(300 * f, 0.6);
      acw = rnd.int(15, 60) * speed;
      break;
  }
  let transfers = 0;
  if (rnd.chance(channel === Channel.VOICE || channel === Channel.CHAT ? 0.09 : 0.05)) {
    transfers = rnd.chance(0.1) ? 2 : 1;
    talk += transfers * rnd.int(60, 180); // explaining the case again
  }
  return { talk: Math.round(clamp(talk, 20, 2 * 3600)), hold, acw: Math.round(acw), transfers };
}

// ---------------------------------------------------------------------------
// The range

/** The local dates of the range, oldest first ('YYYY-MM-DD'). */
export function demoDates(options: DemoOptions): string[] {
  const { first, days } = resolveRange(options);
  return Array.from({ length: days }, (_, i) => first.plus({ days: i }).toISODate()!);
}

function resolveRange(options: DemoOptions): { first: DateTime; days: number; zone: string } {
  const days = options.days ?? DEMO_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive whole number, got ${days}`);
  const end = resolveDay(options, 'endDate', options.endDate);
  return { first: end.minus({ days: days - 1 }), days, zone: options.timeZone ?? DEMO_DEFAULT_TIME_ZONE };
}

/** The start of a local day 'YYYY-MM-DD' in the options' zone, after checking the seed and the zone. */
function resolveDay(options: Pick<DemoOptions, 'seed' | 'timeZone'>, name: string, date: string): DateTime {
  const zone = options.timeZone ?? DEMO_DEFAULT_TIME_ZONE;
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be a whole number, got ${options.seed}`);
  if (!IANAZone.isValidZone(zone)) throw new RangeError(`unknown time zone "${zone}"`);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone }) : null;
  if (!day?.isValid) throw new RangeError(`${name} must be a date YYYY-MM-DD, got "${date}"`);
  return day.startOf('day');
}

/** How far back a repeat may reach (days before today), keeping it within 7 days. */
const MAX_DAYS_BACK = 6;

/**
 * Yields the contacts of each day of the range, oldest day first, each day's
 * contacts in offeredAt order with ids `demo-YYYYMMDD-NNNN`.
 */
export function* generateDemoContacts(options: DemoOptions): Generator<ContactFields[], void, undefined> {
  const { first, days } = resolveRange(options);
  const seed = options.seed;
  const agents = agentProfiles(seed);
  // The days a repeat may reach back to; older ones are dropped as we go.
  const recent: DayCustomers[] = [];
  for (let i = -MAX_DAYS_BACK; i < days; i++) {
    const drafts = generateDrafts(seed, first.plus({ days: i }), agents);
    const customers = linkCustomers(drafts, recent);
    if (i >= 0) yield drafts.map((d) => d.contact);
    recent.push(customers);
    if (recent.length > MAX_DAYS_BACK) recent.shift();
  }
}

/**
 * The shifts of one local day of the demo ('YYYY-MM-DD', in the options' time
 * zone): every rostered agent's start, end and breaks. Depends only on the seed,
 * the zone and the date, like the day's contacts.
 */
export function demoShifts(options: Pick<DemoOptions, 'seed' | 'timeZone'>, date: string): DemoShift[] {
  return [...planDay(options.seed, resolveDay(options, 'date', date)).shifts];
}

/**
 * The agents' 15-minute activity records of one local day: every rostered
 * agent logged in through a shift, handling its contacts of `contacts` (the
 * day's generated contacts; handling outside the shift is dropped), on breaks
 * not ready, available the rest. Pure; the records pass validateActivity.
 */
export function demoActivity(options: Pick<DemoOptions, 'seed' | 'timeZone'>, date: string, contacts: readonly ContactFields[]): ActivityFields[] {
  return deriveActivity(demoShifts(options, date), contacts);
}

/** A day's first (non-repeat) inbound contacts with a customer ref, in offeredAt order. */
interface DayCustomers {
  all: FirstContact[];
  /** Those abandoned or unresolved. */
  open: FirstContact[];
}

/**
 * Gives repeat contacts the reference of an earlier first contact (preferring
 * customers whose issue stayed open) and outbound callbacks the reference of a
 * caller who abandoned earlier the same day; fills the drafts in place and
 * returns the day's first contacts for the days after. A first contact's ref
 * is its own fresh one, so what later days see depends on this day alone.
 */
function linkCustomers(drafts: readonly Draft[], recent: readonly DayCustomers[]): DayCustomers {
  const today: DayCustomers = { all: [], open: [] };
  const abandoned: string[] = [];
  for (const d of drafts) {
    const contact = d.contact;
    if (d.repeat) {
      const { daysBack, u, preferOpen } = d.repeat;
      // Same day: only contacts strictly earlier; days back: any time that day (< 7 days ago).
      const day = daysBack === 0 ? today : recent[recent.length - daysBack];
      const ref = day ? pickEarlier(day, preferOpen, u, daysBack === 0 ? d.offeredSec : Infinity) : null;
      if (ref) contact.customerRef = ref; // else: nobody to repeat yet, it stays a new customer
    } else if (d.callbackU !== null && abandoned.length) {
      contact.customerRef = abandoned[Math.floor(d.callbackU * abandoned.length)];
    }
    if (d.inbound && !d.repeat && contact.customerRef) {
      const first = { ref: contact.customerRef, offeredSec: d.offeredSec };
      today.all.push(first);
      if (d.open) today.open.push(first);
    }
    if (d.inbound && !d.answered && contact.customerRef) abandoned.push(contact.customerRef);
  }
  return today;
}

/** The ref of a first contact offered before `before` (lists are in time order), open ones first if asked. */
function pickEarlier(day: DayCustomers, preferOpen: boolean, u: number, before: number): string | null {
  const countBefore = (list: readonly FirstContact[]) => {
    let n = list.length;
    while (n > 0 && list[n - 1].offeredSec >= before) n--;
    return n;
  };
  for (const list of preferOpen ? [day.open, day.all] : [day.all]) {
    const n = countBefore(list);
    if (n > 0) return list[Math.floor(u * n)].ref;
  }
  return null;
}
