import { Lexer, Source, TokenKind, getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS, STOP_FACTOR, documentShape, exceededLimit } from '../../../../src/platform/limits/document-shape';
import { queryPrefix } from '../../../../src/platform/limits/preflight';

describe(documentShape.name, () => {
  it('counts tokens, depth, aliases, directives and root fields of a document', () => {
    const source = `query Q($r: TimeRange!) {
      # a comment is not a token
      month: kpis(query: { range: $r, groupBy: [AGENT] }) { rows { a: offered agent { name } ...F @include(if: true) } total { offered } }
      __typename
    }
    fragment F on KpiRow { handled }`;
    const shape = documentShape(source);
    expect(shape).toMatchObject({ depth: 4, introspectionDepth: 0, aliases: 2, directives: 1, rootFields: 2, duplicateFields: 0, complete: true });
    expect(shape.tokens).toBe(graphqlTokens(source));
  });

  it('does not count braces of input objects or colons of arguments as selections or aliases', () => {
    const shape = documentShape('{ kpis(query: {range: {from: "a{b", to: "c:d"}, filter: {agentIds: ["1"]}}) { total { offered } } }');
    expect(shape).toMatchObject({ depth: 3, aliases: 0, rootFields: 1 });
  });

  it('skips strings, block strings and escaped quotes', () => {
    const shape = documentShape('{ a(x: "say \\"hi\\" { b: c }", y: """ { d: e } \\""" """) }');
    expect(shape).toMatchObject({ depth: 1, aliases: 0, rootFields: 1, tokens: 11 }); // { a ( x : "…" y : """…""" ) }
  });

  it('counts inline fragments as no level, and repeated names and spreads in one selection set', () => {
    const shape = documentShape('{ a { ... on T { b { c } } } a x: b x: c ...F ...F }');
    expect(shape).toMatchObject({ depth: 3, duplicateFields: 3, aliases: 2 });
  });

  it('counts introspection apart, so the introspection query of GraphiQL passes', () => {
    const source = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true });
    const shape = documentShape(source);
    expect(shape.depth).toBe(1);
    expect(shape.introspectionDepth).toBe(10); // TypeRef nests ofType: counted apart from depth
    expect(exceededLimit(shape)).toBeNull();
  });

  it('still bounds nesting under __schema', () => {
    const source = `{ __schema { types { ${'fields { type { '.repeat(20)}name${' } }'.repeat(20)} } } }`;
    expect(exceededLimit(documentShape(source))).toMatchObject({ limit: 'introspectionDepth', max: 30, actual: 42 });
  });
});

describe(exceededLimit.name, () => {
  it('names the limit, the maximum and the count', () => {
    const source = `{ ${Array.from({ length: 201 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const exceeded = exceededLimit(documentShape(source));
    expect(exceeded).toMatchObject({ limit: 'aliases', max: 200, actual: 201 });
    expect(exceeded!.message).toBe('Query refused before execution: 201 aliases, more than the limit of 200 (aliases)');
  });

  it('refuses depth 13 and accepts depth 12', () => {
    const nest = (n: number) => `${'{ a '.repeat(n - 1)}{ b }${' }'.repeat(n - 1)}`;
    expect(exceededLimit(documentShape(nest(12)))).toBeNull();
    expect(exceededLimit(documentShape(nest(13)))).toMatchObject({ limit: 'depth', max: 12, actual: 13 });
  });

  it('refuses more than 50 directives and more than 100 repeated fields', () => {
    expect(exceededLimit(documentShape(`{ a ${'@skip(if: false) '.repeat(51)} }`))).toMatchObject({ limit: 'directives', actual: 51 });
    expect(exceededLimit(documentShape(`{ ${'a '.repeat(102)} }`))).toMatchObject({ limit: 'duplicateFields', actual: 101 });
  });

  it('stops counting a 10 MB document early and says "at least"', () => {
    const source = `{ ${Array.from({ length: 550_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(source.length).toBeGreaterThan(10_000_000);
    const shape = documentShape(source);
    expect(shape.complete).toBe(false);
    const exceeded = exceededLimit(shape)!;
    expect(exceeded.limit).toBe('aliases');
    expect(exceeded.actual).toBeGreaterThanOrEqual(200 * STOP_FACTOR);
    expect(exceeded.actual).toBeLessThan(550_000);
    expect(exceeded.message).toMatch(/^Query refused before execution: at least \d+ aliases/);
  });

  it('refuses a 10 MB document of tokens and one of nesting', () => {
    const tokens = `{ a(x: [${'1 '.repeat(5_000_000)}]) }`;
    expect(exceededLimit(documentShape(tokens))).toMatchObject({ limit: 'tokens', max: 20_000 });
    const deep = `${'{ a '.repeat(2_500_000)}${'}'.repeat(2_500_000)}`;
    expect(exceededLimit(documentShape(deep))).toMatchObject({ limit: 'depth', max: 12 });
  });
});

/** Tokens as graphql's own lexer counts them (its parser's maxTokens). */
function graphqlTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

describe(queryPrefix.name, () => {
  it('decodes the start of the top-level query string, an escape cut at the end dropped', () => {
    expect(queryPrefix('{"query":"{ a: b(x: \\"1\\")\\n c }","variables":{}}')).toBe('{ a: b(x: "1")\n c }');
    expect(queryPrefix('{"variables":{"query":"no"},"operationName":null,"query" : "{ a b')).toBe('{ a b');
    expect(queryPrefix('{"query":"{ a \\u00e9 \\u00')).toBe('{ a é ');
    expect(queryPrefix('{"query":"{ a \\')).toBe('{ a ');
    expect(queryPrefix('{"query":"{ a \\\\')).toBe('{ a \\');
  });

  it('is null without a top-level query in the prefix', () => {
    expect(queryPrefix('[{"query":"{ a }"}]')).toBeNull();
    expect(queryPrefix('{"variables":{"pad":"xxxxxxxx')).toBeNull();
  });
});

describe('nesting of every kind of bracket', () => {
  it('counts inline fragments, input objects and lists, which the depth limit leaves out', () => {
    const fragments = `{ kpis { ${'... on KpiRow { '.repeat(2_000)}offered${' }'.repeat(2_000)} } }`;
    expect(exceededLimit(documentShape(fragments))?.limit).toBe('nesting');
    const input = `{ kpis(query: ${'{ a: '.repeat(500)}1${' }'.repeat(500)}) { total { offered } } }`;
    expect(exceededLimit(documentShape(input))?.limit).toBe('nesting');
    const lists = `{ kpis(query: ${'['.repeat(500)}1${']'.repeat(500)}) { total { offered } } }`;
    expect(exceededLimit(documentShape(lists))?.limit).toBe('nesting');
  });

  it('ignores brackets inside strings and passes an ordinary query', () => {
    expect(documentShape(`{ a(s: "${'{[('.repeat(1_000)}") { b } }`).nesting).toBe(2);
    expect(exceededLimit(documentShape('{ kpis(query: { range: { from: "x", to: "y" } }) { rows { offered } } }'))).toBeNull();
  });
});
