import { describe, expect, it } from 'vitest';
import { buildSchema, parse, type GraphQLScalarType } from 'graphql';
import { DateTimeScalar } from '../../../src/platform/date-time.scalar';
import { argumentPathOf, unstorableInputs } from '../../../src/platform/input-refusals';
import { instantProblem, numberProblem, RefusedValueError, stringProblem } from '../../../src/platform/storable-values';

describe('storable values', () => {
  it('refuses NUL and lone surrogates, and accepts every other string, pairs included', () => {
    expect(stringProblem('a\u0000b')?.rule).toBe('NUL_CHARACTER');
    expect(stringProblem('\ud800')?.rule).toBe('LONE_SURROGATE');
    expect(stringProblem('x\udfff')?.rule).toBe('LONE_SURROGATE');
    expect(stringProblem('\ud83d')?.rule).toBe('LONE_SURROGATE'); // the first half of an emoji
    expect(stringProblem('\udc00\ud800')?.rule).toBe('LONE_SURROGATE'); // a pair in the wrong order
    for (const fine of ['', 'plain', 'Grüße 😀', '\ud83d\ude00', '\u0001\u007f', '中文']) expect(stringProblem(fine)).toBeNull();
  });

  it('accepts instants in the UTC years 1970 to 2100 only', () => {
    expect(instantProblem(new Date('1970-01-01T00:00:00Z'))).toBeNull();
    expect(instantProblem(new Date('2100-12-31T23:59:59Z'))).toBeNull();
    expect(instantProblem(new Date('1969-12-31T23:59:59Z'))).toMatchObject({ rule: 'YEAR_OUT_OF_RANGE', message: expect.stringContaining('1969') });
    expect(instantProblem(new Date('2101-01-01T00:00:00Z'))?.rule).toBe('YEAR_OUT_OF_RANGE');
    expect(instantProblem(new Date('0001-01-01T00:00:00Z'))?.message).toContain('got year 1');
    // The UTC year counts: 1970-01-01T01:00+02:00 is 1969 in UTC.
    expect(instantProblem(new Date('1970-01-01T01:00:00+02:00'))?.rule).toBe('YEAR_OUT_OF_RANGE');
  });

  it('refuses non-finite numbers', () => {
    expect(numberProblem(Number('1e999'))?.rule).toBe('NOT_FINITE');
    expect(numberProblem(Number.NaN)?.rule).toBe('NOT_FINITE');
    expect(numberProblem(1e308)).toBeNull();
  });

  it('the DateTime scalar refuses years outside the range from variables and literals, naming the rule', () => {
    expect(() => DateTimeScalar.parseValue('9999-01-01T00:00:00Z')).toThrow(RefusedValueError);
    expect(() => DateTimeScalar.parseValue('0001-01-01T00:00:00Z')).toThrow(/YEAR_OUT_OF_RANGE/);
    const literal = parse('{ f(at: "2101-01-01T00:00:00Z") }').definitions[0] as any;
    const node = literal.selectionSet.selections[0].arguments[0].value;
    expect(() => DateTimeScalar.parseLiteral(node, undefined)).toThrow(/1970 to 2100/);
    expect(DateTimeScalar.parseValue('2026-03-02T09:00:00+01:00')).toEqual(new Date('2026-03-02T08:00:00Z'));
  });
});

const schema = buildSchema(`
  scalar DateTime
  input Item { key: String!, at: DateTime, tags: [String!], cost: Float, nested: Item }
  type Query {
    one(name: String, id: ID, n: Int, x: Float): Boolean
    many(items: [Item!]!): Boolean
    sub: Sub
  }
  type Sub { field(name: String): Boolean }
`);
// buildSchema's DateTime is a plain scalar: give it the real one's parsing and check.
const { parseValue, parseLiteral, extensions } = DateTimeScalar;
Object.assign(schema.getType('DateTime') as GraphQLScalarType, { parseValue, parseLiteral, extensions });

const check = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  unstorableInputs(schema, parse(query), operationName, variables);

describe('unstorableInputs', () => {
  it('finds every bad string in variables with its path and batch index, and nothing in good ones', () => {
    const items = [
      { key: 'ok', tags: ['a', 'b'] },
      { key: 'k\u0000', tags: ['fine', 'x\ud800'], nested: { key: 'deep\u0000' } },
      { key: 'ok', at: '9999-01-01T00:00:00Z', cost: 3 },
    ];
    expect(check('query($i: [Item!]!) { many(items: $i) }', { i: items })).toEqual([
      { field: 'items[1].key', rule: 'NUL_CHARACTER', message: expect.any(String), index: 1 },
      { field: 'items[1].tags[1]', rule: 'LONE_SURROGATE', message: expect.any(String), index: 1 },
      { field: 'items[1].nested.key', rule: 'NUL_CHARACTER', message: expect.any(String), index: 1 },
      { field: 'items[2].at', rule: 'YEAR_OUT_OF_RANGE', message: expect.stringContaining('9999'), index: 2 },
    ]);
    expect(check('query($i: [Item!]!) { many(items: $i) }', { i: [{ key: 'fine', at: '2026-01-01T00:00:00Z', tags: ['😀'] }] })).toEqual([]);
  });

  it('judges a DateTime by its UTC year, offsets included, and leaves malformed ones to coercion', () => {
    const at = (value: string) => check('query($i: [Item!]!) { many(items: $i) }', { i: [{ key: 'k', at: value }] }).map((p) => p.rule);
    expect(at('2101-01-01T00:30:00+01:00')).toEqual([]); // 2100-12-31T23:30Z
    expect(at('2100-12-31T23:30:00-01:00')).toEqual(['YEAR_OUT_OF_RANGE']); // 2101 in UTC
    expect(at('1970-01-01T00:30:00+01:00')).toEqual(['YEAR_OUT_OF_RANGE']); // 1969 in UTC
    expect(at('1970-01-01T00:00:00Z')).toEqual([]);
    expect(at('2050-06-01T12:00:00+14:00')).toEqual([]);
    expect(at('not a date')).toEqual([]);
  });

  it('checks literals, variables nested in literals, defaults, aliases and fragments', () => {
    expect(check('{ one(name: "a\\u0000b") }').map((p) => p.field)).toEqual(['name']);
    expect(check('{ a: one(id: "1\\u0000") b: one(x: 1e999) }').map((p) => [p.field, p.rule])).toEqual([
      ['id', 'NUL_CHARACTER'],
      ['x', 'NOT_FINITE'],
    ]);
    expect(check('query($k: String!) { many(items: [{ key: "ok" }, { key: $k }]) }', { k: '\u0000' })).toEqual([
      expect.objectContaining({ field: 'items[1].key', index: 1 }),
    ]);
    expect(check('query($n: String = "d\\u0000") { one(name: $n) }', {}).map((p) => p.field)).toEqual(['name']);
    expect(check('query { ...F } fragment F on Query { sub { field(name: "\\u0000") } }').map((p) => p.field)).toEqual(['name']);
  });

  it('checks only the operation asked for, and leaves mistyped values to GraphQL coercion', () => {
    const doc = 'query A { one(name: "\\u0000") } query B { one(name: "fine") }';
    expect(check(doc, {}, 'B')).toEqual([]);
    expect(check(doc, {}, 'A')).toHaveLength(1);
    expect(check('query($i: [Item!]!) { many(items: $i) }', { i: [{ key: 5, at: 'not a date', unknown: '\u0000' }] })).toEqual([]);
  });

  it('names the argument path of a literal node, for refusals found during validation', () => {
    const document = parse('{ many(items: [{ key: "a" }, { key: "b", nested: { key: "c", at: "9999-01-01T00:00:00Z" } }]) }');
    const item = (document.definitions[0] as any).selectionSet.selections[0].arguments[0].value.values[1];
    const at = item.fields[1].value.fields[1].value;
    expect(argumentPathOf(document, at)).toBe('items[1].nested.at');
  });
});
