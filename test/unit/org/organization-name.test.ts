import { describe, expect, it } from 'vitest';
import { nameKey, OrganizationNameError, parseOrganizationName, slugFor, uniqueSlug } from '../../../src/org/organization-name';

describe(parseOrganizationName.name, () => {
  it('trims the name', () => {
    expect(parseOrganizationName('  Acme Support  ')).toBe('Acme Support');
  });

  it.each([
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['x'.repeat(101), 'TOO_LONG'],
    ['Acme\nSupport', 'CONTROL_CHARACTER'],
    ['Acme\tSupport', 'CONTROL_CHARACTER'],
    ['Acme\u0000', 'CONTROL_CHARACTER'],
  ])('refuses %j (%s)', (raw, rule) => {
    expect(() => parseOrganizationName(raw)).toThrow(OrganizationNameError);
    try {
      parseOrganizationName(raw);
    } catch (error) {
      expect((error as OrganizationNameError).rule).toBe(rule);
    }
  });

  it('counts characters, not UTF-16 units: 100 emoji are allowed', () => {
    expect(parseOrganizationName('😀'.repeat(100))).toBe('😀'.repeat(100));
  });

  it('names the control character and its position', () => {
    expect(() => parseOrganizationName('Ac\u0007me')).toThrow('U+0007 at 3');
  });
});

describe(slugFor.name, () => {
  it('keeps lower-case ASCII letters and digits, joined by single dashes', () => {
    expect(slugFor('Acme Support — 2nd Line!')).toBe('acme-support-2nd-line');
  });

  it('drops accents', () => {
    expect(slugFor('Zürich Süd Café')).toBe('zurich-sud-cafe');
  });

  it('is "org" when no letter or digit is left', () => {
    expect(slugFor('東京')).toBe('org');
  });

  it('is at most 50 characters without a trailing dash', () => {
    const slug = slugFor(`${'a'.repeat(49)} b`);
    expect(slug).toBe('a'.repeat(49));
  });
});

describe(uniqueSlug.name, () => {
  it('takes the base when free, else the first free numbered one', () => {
    expect(uniqueSlug('acme', new Set(['default']))).toBe('acme');
    expect(uniqueSlug('acme', new Set(['acme', 'acme-2']))).toBe('acme-3');
  });
});

describe(nameKey.name, () => {
  it('ignores case and runs of spaces', () => {
    expect(nameKey('Acme  Support')).toBe(nameKey('acme support'));
    expect(nameKey('Acme Support')).not.toBe(nameKey('Acme Sales'));
  });
});
