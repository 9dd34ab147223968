import { describe, expect, it } from 'vitest';
import { toWholeSecond, validateContacts, type ContactFields } from '../../../src/contacts/contact.validation';

const base = (overrides: Partial<ContactFields> = {}): ContactFields => ({
  externalId: 'x-1',
  channel: 'VOICE',
  queue: 'billing',
  offeredAt: new Date('2026-01-01T10:00:00Z'),
  answeredAt: new Date('2026-01-01T10:00:30Z'),
  endedAt: new Date('2026-01-01T10:05:00Z'),
  ...overrides,
});

const rules = (inputs: ContactFields[]) => validateContacts(inputs).problems.map((p) => `${p.index}:${p.field}:${p.rule}`);

describe(validateContacts.name, () => {
  describe('defaults and derivations', () => {
    it('applies INBOUND and zero durations, and derives the wait from answeredAt', () => {
      const [c] = validateContacts([base()]).contacts;
      expect(c).toMatchObject({ direction: 'INBOUND', talkSeconds: 0, holdSeconds: 0, afterContactWorkSeconds: 0, transfers: 0 });
      expect(c.waitSeconds).toBe(30);
      expect(c.team).toBeNull();
      expect(c.resolved).toBeNull();
    });

    it('derives the wait of an unanswered contact from endedAt', () => {
      const [c] = validateContacts([base({ answeredAt: null, endedAt: new Date('2026-01-01T10:00:07Z') })]).contacts;
      expect(c.waitSeconds).toBe(7);
    });

    it('drops fractions of seconds before deriving the wait', () => {
      const [c] = validateContacts([
        base({ offeredAt: new Date('2026-01-01T10:00:00.999Z'), answeredAt: new Date('2026-01-01T10:00:20.001Z') }),
      ]).contacts;
      expect(c.offeredAt.toISOString()).toBe('2026-01-01T10:00:00.000Z');
      expect(c.waitSeconds).toBe(20);
    });

    it('keeps a contact answered in the second it was offered after truncation', () => {
      const r = validateContacts([
        base({ offeredAt: new Date('2026-01-01T10:00:00.800Z'), answeredAt: new Date('2026-01-01T10:00:00.200Z') }),
      ]);
      expect(r.problems).toEqual([]);
      expect(r.contacts[0].waitSeconds).toBe(0);
    });

    it('trims keys and treats blank optional keys as absent', () => {
      const [c] = validateContacts([base({ externalId: '  x-9 ', queue: ' sales ', team: '  ', agent: '' })]).contacts;
      expect(c).toMatchObject({ externalId: 'x-9', queue: 'sales', team: null, agent: null });
    });
  });

  describe('rules', () => {
    it('reports ended before offered, answered before offered and answered after ended', () => {
      expect(rules([base({ endedAt: new Date('2026-01-01T09:59:59Z'), answeredAt: null })])).toEqual(['0:contacts[0].endedAt:ENDED_BEFORE_OFFERED']);
      expect(rules([base({ answeredAt: new Date('2026-01-01T09:00:00Z') })])).toEqual(['0:contacts[0].answeredAt:ANSWERED_BEFORE_OFFERED']);
      expect(rules([base({ answeredAt: new Date('2026-01-01T11:00:00Z') })])).toEqual(['0:contacts[0].answeredAt:ANSWERED_AFTER_ENDED']);
    });

    it('reports negative and fractional durations and counts', () => {
      expect(rules([base({ talkSeconds: -1, holdSeconds: 1.5, afterContactWorkSeconds: -3, transfers: -1 })])).toEqual([
        '0:contacts[0].talkSeconds:NEGATIVE',
        '0:contacts[0].holdSeconds:NOT_AN_INTEGER',
        '0:contacts[0].afterContactWorkSeconds:NEGATIVE',
        '0:contacts[0].transfers:NEGATIVE',
      ]);
    });

    it('reports unknown channels and directions, missing and invalid dates', () => {
      expect(
        rules([base({ channel: 'FAX', direction: 'SIDEWAYS', offeredAt: new Date('nope'), endedAt: undefined as unknown as Date })]),
      ).toEqual([
        '0:contacts[0].channel:UNKNOWN_CHANNEL',
        '0:contacts[0].direction:UNKNOWN_DIRECTION',
        '0:contacts[0].offeredAt:INVALID_DATE',
        '0:contacts[0].endedAt:REQUIRED',
      ]);
    });

    it('reports over-long keys', () => {
      expect(rules([base({ externalId: 'e'.repeat(201), agent: 'a'.repeat(101) })])).toEqual([
        '0:contacts[0].externalId:TOO_LONG',
        '0:contacts[0].agent:TOO_LONG',
      ]);
    });

    it('reports a duplicate external id at its second occurrence, naming the first', () => {
      const r = validateContacts([base(), base({ externalId: 'x-2' }), base()]);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ index: 2, rule: 'DUPLICATE_EXTERNAL_ID' });
      expect(r.problems[0].message).toContain('index 0');
    });

    it('returns no contacts at all when any contact is invalid', () => {
      const r = validateContacts([base(), base({ externalId: 'x-2', talkSeconds: -1 })]);
      expect(r.contacts).toEqual([]);
    });
  });
});

describe(toWholeSecond.name, () => {
  it('floors to the second', () => {
    expect(toWholeSecond(new Date('2026-01-01T00:00:59.999Z')).toISOString()).toBe('2026-01-01T00:00:59.000Z');
  });
});
