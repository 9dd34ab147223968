import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numbered } from '../../../src/exports/cursor-stream';
import { parseKpiFields } from '../../../src/exports/kpis.export';
import { csvField, headerLine, rowLine } from '../../../src/exports/table-format';

describe('CSV and NDJSON lines', () => {
  it('quotes only fields with a comma, quote, CR or LF, doubling quotes; null is empty; records end with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(new Date('2026-03-02T09:00:00Z'))).toBe('2026-03-02T09:00:00.000Z');
    expect(headerLine('csv', ['a', 'b'])).toBe('a,b\r\n');
    expect(headerLine('ndjson', ['a', 'b'])).toBe('');
    expect(rowLine('ndjson', ['a', 'b', 'c'], ['x', null, new Date(0)])).toBe('{"a":"x","b":null,"c":"1970-01-01T00:00:00.000Z"}\n');
  });

  it('any strings round-trip through a CSV parser', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = headerLine('csv', ['a', 'b']) + rows.map((r) => rowLine('csv', ['a', 'b'], r)).join('');
        expect(parseCsv(text, { record_delimiter: '\r\n' }).slice(1)).toEqual(rows);
      }),
    );
  });
});

describe('export parameters', () => {
  const metrics = ['offered', 'answered', 'serviceLevel'];
  it('fields: absent or empty means every metric; duplicates once; unknown names refused by name', () => {
    expect(parseKpiFields(undefined, metrics)).toEqual(metrics);
    expect(parseKpiFields('', metrics)).toEqual(metrics);
    expect(parseKpiFields('serviceLevel, offered,offered', metrics)).toEqual(['serviceLevel', 'offered']);
    expect(() => parseKpiFields('offered,queue { id }', metrics)).toThrow(/^fields: "queue \{ id \}" not KpiRow metrics; choose among offered, answered, serviceLevel$/);
    expect(() => parseKpiFields(['offered', 'answered'], metrics)).toThrow(/^fields: give it once/);
  });
  it('numbers placeholders for PostgreSQL', () => {
    expect(numbered('a = ? and b in (?, ?)')).toBe('a = $1 and b in ($2, $3)');
  });
});
