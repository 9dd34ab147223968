import type { FieldProblem } from '../platform/errors';
import { Channel, Direction } from '../warehouse/channels';

/**
 * Whole-batch validation of contacts, pure: every broken rule of every contact is
 * reported (index, field, rule) so a client fixes a batch in one round trip.
 * The same rules serve the GraphQL mutation and the CSV import.
 */

/** A contact as received, before validation (GraphQL input or a parsed CSV row). */
export interface ContactFields {
  externalId: string;
  channel: string;
  direction?: string | null;
  queue: string;
  team?: string | null;
  agent?: string | null;
  customerRef?: string | null;
  offeredAt: Date;
  answeredAt?: Date | null;
  endedAt: Date;
  talkSeconds?: number | null;
  holdSeconds?: number | null;
  afterContactWorkSeconds?: number | null;
  transfers?: number | null;
  resolved?: boolean | null;
  disposition?: string | null;
}

/** A valid contact: keys trimmed, defaults applied, timestamps at whole seconds, wait derived. */
export interface ValidContact {
  externalId: string;
  channel: Channel;
  direction: Direction;
  queue: string;
  team: string | null;
  agent: string | null;
  customerRef: string | null;
  offeredAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  waitSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  afterContactWorkSeconds: number;
  transfers: number;
  resolved: boolean | null;
  disposition: string | null;
}

export const MAX_CONTACTS_PER_BATCH = 10_000;
const MAX_INT = 2_147_483_647;
const TEXT_LIMITS = { externalId: 200, queue: 100, team: 100, agent: 100, customerRef: 200, disposition: 100 } as const;

export interface ContactValidation {
  contacts: ValidContact[];
  problems: FieldProblem[];
}

/** Drops sub-second precision: every stored timestamp and duration is whole seconds. */
export function toWholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function validateContacts(inputs: readonly ContactFields[], field = 'contacts'): ContactValidation {
  const problems: FieldProblem[] = [];
  const contacts: ValidContact[] = [];
  const firstIndexOf = new Map<string, number>();
  const check = new ContactCheck(problems, field);
  inputs.forEach((input, index) => {
    const contact = check.validate(input, index);
    if (contact) {
      const first = firstIndexOf.get(contact.externalId);
      if (first !== undefined) {
        check.fail('externalId', 'DUPLICATE_EXTERNAL_ID', `"${contact.externalId}" appears twice in the batch (first at index ${first})`);
      } else {
        firstIndexOf.set(contact.externalId, index);
        contacts.push(contact);
      }
    }
  });
  return { contacts: problems.length ? [] : contacts, problems };
}

const CHANNELS: ReadonlySet<string> = new Set(Object.values(Channel));
const DIRECTIONS: ReadonlySet<string> = new Set(Object.values(Direction));

/**
 * The rules of one contact. A class rather than closures per contact: a
 * 10,000-contact batch is checked on the event loop, and five closures per
 * contact made that several times slower.
 */
class ContactCheck {
  private index = 0;
  private ok = true;

  constructor(
    private readonly problems: FieldProblem[],
    private readonly field: string,
  ) {}

  fail(name: string, rule: string, message: string): void {
    this.ok = false;
    this.problems.push({ index: this.index, field: `${this.field}[${this.index}].${name}`, rule, message });
  }

  validate(input: ContactFields, index: number): ValidContact | null {
    this.index = index;
    this.ok = true;
    const externalId = this.text('externalId', input.externalId, true);
    const queue = this.text('queue', input.queue, true);
    const team = this.text('team', input.team, false);
    const agent = this.text('agent', input.agent, false);
    const customerRef = this.text('customerRef', input.customerRef, false);
    const disposition = this.text('disposition', input.disposition, false);

    const channel = input.channel as Channel;
    if (!CHANNELS.has(channel)) this.fail('channel', 'UNKNOWN_CHANNEL', `must be one of ${[...CHANNELS].join(', ')}`);
    const direction = (input.direction ?? Direction.INBOUND) as Direction;
    if (!DIRECTIONS.has(direction)) this.fail('direction', 'UNKNOWN_DIRECTION', `must be one of ${[...DIRECTIONS].join(', ')}`);

    const offeredAt = this.time('offeredAt', input.offeredAt, true);
    const answeredAt = this.time('answeredAt', input.answeredAt, false);
    const endedAt = this.time('endedAt', input.endedAt, true);
    if (offeredAt && endedAt && endedAt < offeredAt) this.fail('endedAt', 'ENDED_BEFORE_OFFERED', 'must not be before offeredAt');
    if (offeredAt && answeredAt && answeredAt < offeredAt) {
      this.fail('answeredAt', 'ANSWERED_BEFORE_OFFERED', 'must not be before offeredAt');
    }
    if (answeredAt && endedAt && answeredAt > endedAt) this.fail('answeredAt', 'ANSWERED_AFTER_ENDED', 'must not be after endedAt');

    const talkSeconds = this.count('talkSeconds', input.talkSeconds);
    const holdSeconds = this.count('holdSeconds', input.holdSeconds);
    const afterContactWorkSeconds = this.count('afterContactWorkSeconds', input.afterContactWorkSeconds);
    const transfers = this.count('transfers', input.transfers);

    let waitSeconds = 0;
    if (offeredAt && endedAt) {
      waitSeconds = ((answeredAt ?? endedAt).getTime() - offeredAt.getTime()) / 1000;
      if (waitSeconds > MAX_INT) this.fail('endedAt', 'TOO_LATE', 'the contact may not last longer than 68 years');
    }

    if (!this.ok || !externalId || !queue || !offeredAt || !endedAt) return null;
    return {
      externalId,
      channel,
      direction,
      queue,
      team,
      agent,
      customerRef,
      offeredAt,
      answeredAt,
      endedAt,
      waitSeconds,
      talkSeconds,
      holdSeconds,
      afterContactWorkSeconds,
      transfers,
      resolved: input.resolved ?? null,
      disposition,
    };
  }

  private text(name: keyof typeof TEXT_LIMITS, value: string | null | undefined, required: boolean): string | null {
    const trimmed = value?.trim() ?? '';
    if (!trimmed) {
      if (required) this.fail(name, 'REQUIRED', 'must not be empty');
      return null;
    }
    if (trimmed.length > TEXT_LIMITS[name]) this.fail(name, 'TOO_LONG', `must be at most ${TEXT_LIMITS[name]} characters`);
    return trimmed;
  }

  private time(name: string, value: Date | null | undefined, required: boolean): Date | null {
    if (value == null) {
      if (required) this.fail(name, 'REQUIRED', 'must be a date-time with an offset');
      return null;
    }
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      this.fail(name, 'INVALID_DATE', 'must be an ISO-8601 date-time with an offset');
      return null;
    }
    return toWholeSecond(value);
  }

  private count(name: string, value: number | null | undefined): number {
    const n = value ?? 0;
    if (!Number.isInteger(n)) this.fail(name, 'NOT_AN_INTEGER', 'must be a whole number');
    else if (n < 0) this.fail(name, 'NEGATIVE', 'must not be negative');
    else if (n > MAX_INT) this.fail(name, 'TOO_LARGE', `must be at most ${MAX_INT}`);
    return n;
  }
}
