import type { DateTime } from 'luxon';
import { ACTIVITY_INTERVAL_SECONDS, type ActivityFields } from '../activity/activity.validation';
import type { ContactFields } from '../contacts/contact.validation';

/**
 * The demo center's working time, pure: each rostered agent's shift of the day
 * (with two 15-minute breaks and a 30-minute lunch), who is on duty and free
 * when a contact is answered, and the agents' 15-minute activity records
 * derived from the shifts and the contacts they handled.
 */

/** A span of epoch seconds, [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface DemoShift extends Span {
  agent: string;
  team: string;
  /** The template's key: EARLY, DAY, MID or LATE. */
  kind: string;
  /** Two 15-minute breaks and a 30-minute lunch, in time order, inside the shift. */
  breaks: readonly Span[];
}

interface BreakRule {
  /** Minutes after the shift start of the earliest slot. */
  after: number;
  minutes: number;
  /** Alternative start times, 15 minutes apart: the team staggers over them. */
  slots: number;
}

interface ShiftTemplate {
  kind: string;
  /** Local start, minutes after midnight. */
  start: number;
  minutes: number;
  /** Share of the day's roster; EARLY and LATE always get someone (opening and closing). */
  weight: number;
}

/** 8.5 hours each: 8 worked plus an unpaid lunch; start times follow the intraday curve. */
export const DEMO_SHIFTS: readonly ShiftTemplate[] = [
  { kind: 'EARLY', start: 8 * 60, minutes: 510, weight: 0.45 }, // 08:00–16:30
  { kind: 'DAY', start: 9 * 60, minutes: 510, weight: 0.25 }, // 09:00–17:30
  { kind: 'MID', start: 10 * 60 + 30, minutes: 510, weight: 0.1 }, // 10:30–19:00
  { kind: 'LATE', start: 11 * 60 + 30, minutes: 510, weight: 0.2 }, // 11:30–20:00
];

/** Breaks staggered in 15-minute slots: the first 1:45–2:45 into the shift, lunch 3:45–5:30, the second 6:15–7:15. */
const BREAKS: readonly BreakRule[] = [
  { after: 105, minutes: 15, slots: 4 },
  { after: 225, minutes: 30, slots: 6 },
  { after: 375, minutes: 15, slots: 4 },
];
const SLOT_MINUTES = 15;

/**
 * Gives each rostered agent a shift: the roster shuffled, then split over the
 * templates by weight (largest remainder; the first and last template at least
 * one agent each when the roster has two), breaks staggered over their slots
 * within each template's group. `next` is the day's own random stream.
 */
export function planShifts(
  next: () => number,
  day: DateTime,
  roster: readonly { key: string; team: string }[],
): DemoShift[] {
  const order = [...roster];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const counts = apportion(order.length, DEMO_SHIFTS.map((t) => t.weight));
  const midnight = day.startOf('day');
  const at = (minutes: number) => midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toSeconds();

  const shifts: DemoShift[] = [];
  let k = 0;
  DEMO_SHIFTS.forEach((template, t) => {
    const offsets = BREAKS.map((b) => Math.floor(next() * b.slots));
    for (let i = 0; i < counts[t]; i++) {
      const agent = order[k++];
      const breaks = BREAKS.map((b, j) => {
        const start = template.start + b.after + ((i + offsets[j]) % b.slots) * SLOT_MINUTES;
        return { start: at(start), end: at(start + b.minutes) };
      });
      shifts.push({
        agent: agent.key,
        team: agent.team,
        kind: template.kind,
        start: at(template.start),
        end: at(template.start + template.minutes),
        breaks,
      });
    }
  });
  return shifts.sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

/** n split by weights, largest remainder; the first and the last share get at least one when n ≥ 2. */
function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let left = n - counts.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) counts[byRemainder[j].i]++;
  const edges = [0, weights.length - 1];
  for (const edge of n >= 2 ? edges : []) {
    if (counts[edge] > 0) continue;
    // The largest share that can spare one: an edge keeps at least one.
    const spare = counts.map((c, i) => (edges.includes(i) ? c - 1 : c));
    const donor = spare.indexOf(Math.max(...spare));
    counts[donor]--;
    counts[edge]++;
  }
  return counts;
}

const within = (span: Span, t: number) => span.start <= t && t < span.end;

/** An agent whose next contact starts this soon is not offered another. */
const RESERVED_SECONDS = 300;

/** In the shift and not on a break at t. */
export function onDuty(shift: DemoShift, t: number): boolean {
  return within(shift, t) && !shift.breaks.some((b) => within(b, t));
}

/**
 * Who answers a contact: an agent on duty and not handling another contact,
 * of the queue's team when asked to prefer it; else any such agent; else one
 * on duty though busy (own team first); else one called back from a break;
 * else, outside everyone's shift (an email answered at night), any agent of
 * the roster. `u` in [0, 1) picks within the first non-empty group.
 *
 * Contacts must be assigned in offeredAt order: a window that ended before
 * the current contact was offered can no longer overlap a later answer, so it
 * is forgotten.
 */
export class DemoDispatcher {
  private readonly busy = new Map<string, Span[]>();

  constructor(
    private readonly shifts: readonly DemoShift[],
    private readonly roster: readonly { key: string; team: string }[],
  ) {}

  choose(team: string, preferOwn: boolean, offeredAt: number, answeredAt: number, u: number): { key: string; team: string } {
    const free: DemoShift[] = [];
    const freeOwn: DemoShift[] = [];
    const duty: DemoShift[] = [];
    const dutyOwn: DemoShift[] = [];
    const working: DemoShift[] = [];
    for (const shift of this.shifts) {
      if (!within(shift, answeredAt)) continue;
      working.push(shift);
      if (shift.breaks.some((b) => within(b, answeredAt))) continue;
      const own = shift.team === team;
      duty.push(shift);
      if (own) dutyOwn.push(shift);
      if (!this.isBusy(shift.agent, offeredAt, answeredAt)) {
        free.push(shift);
        if (own) freeOwn.push(shift);
      }
    }
    for (const group of preferOwn ? [freeOwn, free, dutyOwn, duty, working] : [free, duty, working]) {
      if (group.length) {
        const shift = group[Math.floor(u * group.length)];
        return { key: shift.agent, team: shift.team };
      }
    }
    return this.roster[Math.floor(u * this.roster.length)];
  }

  /** The agent handles a contact over [start, end). */
  occupy(agent: string, start: number, end: number): void {
    const spans = this.busy.get(agent);
    if (spans) spans.push({ start, end });
    else this.busy.set(agent, [{ start, end }]);
  }

  /** Handling a contact at t, or one assigned to start within RESERVED_SECONDS (an email the agent already took). */
  private isBusy(agent: string, offeredAt: number, t: number): boolean {
    const spans = this.busy.get(agent);
    if (!spans) return false;
    let busy = false;
    let kept = 0;
    for (const span of spans) {
      if (span.end <= offeredAt) continue; // over for good
      spans[kept++] = span;
      if (span.start < t + RESERVED_SECONDS && t < span.end) busy = true;
    }
    spans.length = kept;
    return busy;
  }
}

/** The time a contact occupies its agent: from the answer to the end of its after-contact work. */
export function handlingWindow(contact: ContactFields): Span | null {
  if (!contact.answeredAt || !contact.agent) return null;
  return {
    start: contact.answeredAt.getTime() / 1000,
    end: contact.endedAt.getTime() / 1000 + (contact.afterContactWorkSeconds ?? 0),
  };
}

/**
 * Each shift's 15-minute activity records (UTC-aligned intervals): logged in
 * for the part of the interval inside the shift; handling the overlap of the
 * agent's handling windows with it (capped at the logged-in time; handling
 * outside the shift is dropped); not ready the break overlap, capped at what
 * handling leaves; available the rest.
 */
export function deriveActivity(shifts: readonly DemoShift[], contacts: readonly ContactFields[]): ActivityFields[] {
  const windows = new Map<string, Span[]>();
  for (const contact of contacts) {
    const window = handlingWindow(contact);
    if (!window) continue;
    const list = windows.get(contact.agent!);
    if (list) list.push(window);
    else windows.set(contact.agent!, [window]);
  }
  const step = ACTIVITY_INTERVAL_SECONDS;
  const records: ActivityFields[] = [];
  for (const shift of shifts) {
    const first = Math.floor(shift.start / step) * step;
    const n = Math.ceil((shift.end - first) / step);
    const handling = new Array<number>(n).fill(0);
    const notReady = new Array<number>(n).fill(0);
    const spread = (span: Span, into: number[]) => {
      const start = Math.max(span.start, shift.start);
      const end = Math.min(span.end, shift.end);
      for (let i = Math.floor((start - first) / step); i < n && first + i * step < end; i++) {
        into[i] += overlap(start, end, first + i * step, first + (i + 1) * step);
      }
    };
    for (const window of windows.get(shift.agent) ?? []) spread(window, handling);
    for (const brk of shift.breaks) spread(brk, notReady);
    for (let i = 0; i < n; i++) {
      const from = first + i * step;
      const loggedIn = overlap(shift.start, shift.end, from, from + step);
      const handlingSeconds = Math.min(handling[i], loggedIn);
      const notReadySeconds = Math.min(notReady[i], loggedIn - handlingSeconds);
      records.push({
        agent: shift.agent,
        team: shift.team,
        intervalStart: new Date(from * 1000),
        loggedInSeconds: loggedIn,
        availableSeconds: loggedIn - handlingSeconds - notReadySeconds,
        handlingSeconds,
        notReadySeconds,
      });
    }
  }
  return records;
}

const overlap = (aStart: number, aEnd: number, bStart: number, bEnd: number) =>
  Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
