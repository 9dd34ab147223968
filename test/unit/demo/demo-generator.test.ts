import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { validateContacts, type ContactFields } from '../../../src/contacts/contact.validation';
import {
  DEMO_AGENTS,
  DEMO_TEAMS,
  demoDates,
  generateDemoContacts,
  type DemoOptions,
} from '../../../src/demo/demo-generator';

const ZONE = 'Europe/Berlin';
// 90 days ending 2026-03-31: includes the spring DST change (2026-03-29).
const OPTIONS: DemoOptions = { endDate: '2026-03-31', days: 90, seed: 1999, timeZone: ZONE };
const DATES = demoDates(OPTIONS);
const DAYS = [...generateDemoContacts(OPTIONS)];
const ALL = DAYS.flat();

const waitOf = (c: ContactFields) => ((c.answeredAt ?? c.endedAt).getTime() - c.offeredAt.getTime()) / 1000;
const isInbound = (c: ContactFields) => c.direction !== 'OUTBOUND';
const weekdayOf = (date: string) => DateTime.fromISO(date, { zone: ZONE }).weekday; // 1 = Monday
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Service level as the brief defines it: answered within 20 s / (answered + every unanswered). */
function serviceLevel(contacts: ContactFields[]): number {
  const voice = contacts.filter((c) => c.channel === 'VOICE' && isInbound(c));
  const answered = voice.filter((c) => c.answeredAt);
  return answered.filter((c) => waitOf(c) <= 20).length / voice.length;
}

describe('generateDemoContacts', () => {
  it('is deterministic: the same seed gives identical contacts, another seed different ones', () => {
    const options = { endDate: '2026-02-10', days: 5, seed: 1999 };
    const a = [...generateDemoContacts(options)];
    expect([...generateDemoContacts(options)]).toEqual(a);
    expect([...generateDemoContacts({ ...options, seed: 2000 })]).not.toEqual(a);
  });

  it('gives a day the same contacts whatever range it is generated in', () => {
    const short = [...generateDemoContacts({ ...OPTIONS, days: 3 })];
    expect(short).toEqual(DAYS.slice(-3));
  });

  it('yields one batch per day, oldest first', () => {
    expect(DAYS).toHaveLength(90);
    expect(DATES[0]).toBe('2026-01-01');
    expect(DATES[89]).toBe('2026-03-31');
    DAYS.forEach((day, i) => {
      const stamp = DATES[i].replaceAll('-', '');
      expect(day.every((c) => c.externalId.startsWith(`demo-${stamp}-`))).toBe(true);
    });
  });

  it('generates only contacts that pass validation, with unique external ids', () => {
    for (const day of DAYS) expect(validateContacts(day).problems).toEqual([]);
    expect(new Set(ALL.map((c) => c.externalId)).size).toBe(ALL.length);
  });

  it('keeps timestamps at whole seconds and in order', () => {
    const broken = ALL.filter(
      (c) =>
        [c.offeredAt, c.answeredAt, c.endedAt].some((t) => t && t.getTime() % 1000 !== 0) ||
        (c.answeredAt && (c.answeredAt < c.offeredAt || c.endedAt < c.answeredAt)) ||
        c.endedAt < c.offeredAt,
    );
    expect(broken).toEqual([]);
  });

  it('offers contacts between 08:00 and 20:00 local time, with mid-morning and early-afternoon peaks', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const c of ALL) byHour[DateTime.fromJSDate(c.offeredAt, { zone: ZONE }).hour]++;
    expect(byHour.slice(0, 8).every((n) => n === 0)).toBe(true);
    expect(byHour.slice(20).every((n) => n === 0)).toBe(true);
    expect(byHour[10]).toBeGreaterThan(byHour[12]);
    expect(byHour[14]).toBeGreaterThan(byHour[12]);
    expect(byHour[12]).toBeGreaterThan(byHour[18]);
    expect(byHour[18]).toBeGreaterThan(byHour[19]);
  });

  it('has ~1,500 contacts a day, Mondays heaviest and weekends much lighter', () => {
    const volume = (pick: (weekday: number) => boolean) => DAYS.filter((_, i) => pick(weekdayOf(DATES[i]))).map((d) => d.length);
    const weekdays = volume((w) => w <= 5);
    const weekends = volume((w) => w >= 6);
    expect(mean(DAYS.map((d) => d.length))).toBeGreaterThan(1350);
    expect(mean(DAYS.map((d) => d.length))).toBeLessThan(1650);
    expect(Math.min(...weekdays)).toBeGreaterThanOrEqual(1300);
    expect(Math.max(...weekdays)).toBeLessThanOrEqual(2600);
    expect(Math.min(...weekends)).toBeGreaterThanOrEqual(350);
    expect(Math.max(...weekends)).toBeLessThanOrEqual(1000);
    expect(mean(volume((w) => w === 1))).toBeGreaterThan(mean(volume((w) => w >= 2 && w <= 5)));
  });

  it('mixes the channels ~65/18/10/7 with ~5% outbound voice callbacks', () => {
    const share = (pick: (c: ContactFields) => boolean) => ALL.filter(pick).length / ALL.length;
    expect(share((c) => c.channel === 'VOICE')).toBeCloseTo(0.65, 1);
    expect(share((c) => c.channel === 'CHAT')).toBeCloseTo(0.18, 1);
    expect(share((c) => c.channel === 'EMAIL')).toBeCloseTo(0.1, 1);
    expect(share((c) => c.channel === 'MESSAGING')).toBeCloseTo(0.07, 1);
    const outbound = share((c) => c.direction === 'OUTBOUND');
    expect(outbound).toBeGreaterThan(0.04);
    expect(outbound).toBeLessThan(0.06);
    expect(ALL.filter((c) => c.direction === 'OUTBOUND').every((c) => c.channel === 'VOICE')).toBe(true);
    expect(new Set(ALL.map((c) => c.queue)).size).toBeGreaterThanOrEqual(5);
  });

  it('credits answered contacts to ~60 agents, each in one team; unanswered ones to nobody', () => {
    const unanswered = ALL.filter((c) => !c.answeredAt);
    expect(unanswered.filter((c) => c.agent != null || c.team != null)).toEqual([]);
    const teamOf = new Map<string, Set<string>>();
    for (const c of ALL) if (c.answeredAt) teamOf.set(c.agent!, (teamOf.get(c.agent!) ?? new Set()).add(c.team!));
    expect([...teamOf.keys()].every((key) => /^agent-\d{3}$/.test(key))).toBe(true);
    expect(teamOf.size).toBe(60);
    expect([...teamOf.values()].every((teams) => teams.size === 1)).toBe(true);
    const teams = new Set([...teamOf.values()].flatMap((t) => [...t]));
    expect([...teams].sort()).toEqual(DEMO_TEAMS.map((t) => t.key).sort());
    for (const a of DEMO_AGENTS) expect([...teamOf.get(a.key)!]).toEqual([a.team]);
  });

  it('misses the 80/20 voice service level on some days but meets it on average', () => {
    const daily = DAYS.map(serviceLevel);
    expect(daily.filter((sl) => sl < 0.8).length).toBeGreaterThanOrEqual(1);
    expect(daily.filter((sl) => sl < 0.8).length).toBeLessThan(30);
    expect(serviceLevel(ALL)).toBeGreaterThan(0.8);
    expect(Math.min(...daily)).toBeGreaterThan(0.4); // bad days, not a collapse
  });

  it('has realistic abandonment, including short abandons', () => {
    const voice = ALL.filter((c) => c.channel === 'VOICE' && isInbound(c));
    const unanswered = voice.filter((c) => !c.answeredAt);
    const rate = unanswered.length / voice.length;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.1);
    expect(unanswered.some((c) => waitOf(c) < 5)).toBe(true);
    expect(unanswered.some((c) => waitOf(c) >= 60)).toBe(true);
  });

  it('has per-channel handle times, ~8% transfers, dispositions and a resolved flag', () => {
    const answered = ALL.filter((c) => c.answeredAt);
    const avg = (cs: ContactFields[], f: (c: ContactFields) => number) => mean(cs.map(f));
    const voice = answered.filter((c) => c.channel === 'VOICE' && isInbound(c));
    const chat = answered.filter((c) => c.channel === 'CHAT');
    expect(avg(voice, (c) => c.talkSeconds!)).toBeGreaterThan(180);
    expect(avg(voice, (c) => c.talkSeconds!)).toBeLessThan(360);
    expect(avg(voice, (c) => c.afterContactWorkSeconds!)).toBeGreaterThanOrEqual(20);
    expect(avg(voice, (c) => c.afterContactWorkSeconds!)).toBeLessThanOrEqual(60);
    expect(voice.some((c) => c.holdSeconds! > 0)).toBe(true);
    expect(avg(chat, (c) => c.talkSeconds!)).toBeGreaterThan(avg(voice, (c) => c.talkSeconds!));
    const transferRate = answered.filter((c) => c.transfers! > 0).length / answered.length;
    expect(transferRate).toBeGreaterThan(0.06);
    expect(transferRate).toBeLessThan(0.1);
    expect(answered.every((c) => typeof c.resolved === 'boolean' && c.disposition)).toBe(true);
    const resolvedRate = answered.filter((c) => c.resolved).length / answered.length;
    expect(resolvedRate).toBeGreaterThan(0.7);
    expect(resolvedRate).toBeLessThan(0.9);
  });

  it('makes 15-20% of inbound contacts repeats of the same customer within 7 days', () => {
    const seen = new Map<string, number>(); // customerRef -> last inbound offeredAt
    let counted = 0;
    let repeats = 0;
    const warmUp = DateTime.fromISO(DATES[7], { zone: ZONE }).toMillis(); // earlier repeats may point before the range
    for (const c of ALL) {
      if (!isInbound(c) || !c.customerRef) continue;
      const t = c.offeredAt.getTime();
      const last = seen.get(c.customerRef);
      if (t >= warmUp) {
        counted++;
        if (last !== undefined && last < t && t - last <= 7 * 86_400_000) repeats++;
      }
      seen.set(c.customerRef, t);
    }
    expect(repeats / counted).toBeGreaterThan(0.15);
    expect(repeats / counted).toBeLessThan(0.2);
  });

  it('rejects options it cannot honour', () => {
    expect(() => [...generateDemoContacts({ endDate: '2026-02-30', seed: 1 })]).toThrow(RangeError);
    expect(() => [...generateDemoContacts({ endDate: '2026-02-01', days: 0, seed: 1 })]).toThrow(RangeError);
    expect(() => [...generateDemoContacts({ endDate: '2026-02-01', seed: 1, timeZone: 'Mars/Olympus' })]).toThrow(RangeError);
  });
});
