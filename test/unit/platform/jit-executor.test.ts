import { ApolloServer, type GraphQLResponse } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, buildSchema, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { badUserInput, forbidden, unauthenticated } from '../../../src/platform/errors';
import { asGraphQLJsError, jitGateway } from '../../../src/platform/jit-executor';
import type { Logger } from '../../../src/platform/logger';

vi.mock('graphql-jit', async (importOriginal) => {
  const original = await importOriginal<typeof import('graphql-jit')>();
  return { ...original, compileQuery: vi.fn(original.compileQuery) };
});
const compile = vi.mocked(compileQuery);

function testSchema(): GraphQLSchema {
  const schema = buildSchema(`
    type Query {
      rows(n: Int!): [Row!]!
      fail(kind: String!): Int
      greeting(name: String = "world"): String!
    }
    type Mutation { add(a: Int!, b: Int!): Int! }
    type Row { id: Int!, label: String, parity: String! }
  `);
  const field = (type: string, name: string) => (schema.getType(type) as GraphQLObjectType).getFields()[name]!;
  field('Query', 'rows').resolve = (_, { n }) => Array.from({ length: n }, (_, id) => ({ id, label: id % 3 ? `row ${id}` : null }));
  field('Row', 'parity').resolve = async (row) => (row.id % 2 ? 'odd' : 'even');
  field('Query', 'greeting').resolve = (_, { name }) => `hello ${name}`;
  field('Mutation', 'add').resolve = (_, { a, b }) => a + b;
  field('Query', 'fail').resolve = (_, { kind }) => {
    if (kind === 'input') throw badUserInput('n: must be positive', [{ field: 'n', rule: 'POSITIVE', message: 'must be positive' }]);
    if (kind === 'auth') throw unauthenticated();
    if (kind === 'role') throw forbidden('The ANALYST role may not do this');
    throw new Error('connection refused at 10.0.0.7');
  };
  return schema;
}

const silent = () => ({ warn: vi.fn(), error: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> };

/** The same schema behind graphql-js (reference) and behind the jit gateway, with the server's kind of formatError. */
async function servers(maxCompiled?: number) {
  const schema = testSchema();
  const logger = silent();
  const seen: unknown[] = [];
  const formatError = (formatted: any, error: unknown) => {
    seen.push(unwrapResolverError(error));
    return formatted;
  };
  const reference = new ApolloServer({ schema, formatError });
  const jit = new ApolloServer({ gateway: jitGateway(schema, { logger, maxCompiled }), formatError });
  await Promise.all([reference.start(), jit.start()]);
  const run = async (server: ApolloServer, query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const response: GraphQLResponse = await server.executeOperation({ query, variables, operationName });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, body: response.body.singleResult };
  };
  return {
    logger,
    seen,
    jit: (query: string, variables?: Record<string, unknown>, operationName?: string) => run(jit, query, variables, operationName),
    reference: (query: string, variables?: Record<string, unknown>, operationName?: string) => run(reference, query, variables, operationName),
  };
}

describe('jitGateway', () => {
  beforeEach(() => {
    compile.mockClear();
  });

  it('answers exactly as graphql-js: data, errors with their extensions, locations and paths, and HTTP status', async () => {
    const s = await servers();
    const cases: Array<[string, Record<string, unknown>?, string?]> = [
      ['query($n: Int!) { rows(n: $n) { id label parity } }', { n: 500 }],
      ['{ a: greeting b: greeting(name: "jit") __typename }'],
      ['{ fail(kind: "input") greeting }'],
      ['{ ok: greeting, fail(kind: "auth") }'],
      ['{ fail(kind: "role") }'],
      ['{ fail(kind: "crash") }'],
      ['query($n: Int!) { rows(n: $n) { id } }', { n: 'many' }],
      ['query($n: Int!) { rows(n: $n) { id } }', {}],
      ['query A { greeting } query B { rows(n: 2) { id } }', undefined, 'B'],
      ['query A { greeting } query B { rows(n: 2) { id } }'],
      ['query A { greeting }', undefined, 'C'],
      ['mutation($a: Int!) { x: add(a: $a, b: 2) y: add(a: 3, b: $a) }', { a: 40 }],
    ];
    for (const [query, variables, operationName] of cases) {
      expect(await s.jit(query, variables, operationName), query).toEqual(await s.reference(query, variables, operationName));
    }
    expect(compile).toHaveBeenCalled();
  });

  it('keeps what clients and the error masking rely on', async () => {
    const s = await servers();
    const input = await s.jit('{ fail(kind: "input") }');
    expect(input.body.errors).toEqual([
      {
        message: 'n: must be positive',
        locations: [{ line: 1, column: 3 }],
        path: ['fail'],
        extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'n', rule: 'POSITIVE', message: 'must be positive' }] },
      },
    ]);
    const auth = await s.jit('{ fail(kind: "auth") }');
    expect(auth.status).toBe(401);
    expect(auth.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });

    s.seen.length = 0;
    const crash = await s.jit('{ fail(kind: "crash") }');
    expect(crash.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // formatError gets the resolver's own error back (the server logs it, then masks the message).
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toBeInstanceOf(Error);
    expect(s.seen[0]).not.toBeInstanceOf(GraphQLError);
    expect((s.seen[0] as Error).message).toBe('connection refused at 10.0.0.7');

    const coercion = await s.jit('query($n: Int!) { rows(n: $n) { id } }', { n: 'many' });
    expect(coercion.status).toBe(400);
    expect(coercion.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('compiles each operation of a document once, and drops the least recently used past the bound', async () => {
    const s = await servers(2);
    const q = (n: number) => `{ rows(n: ${n}) { id } }`;
    for (let i = 0; i < 3; i++) await s.jit(q(1));
    expect(compile).toHaveBeenCalledTimes(1);
    await s.jit('query A { greeting } query B { greeting(name: "b") }', undefined, 'A');
    await s.jit('query A { greeting } query B { greeting(name: "b") }', undefined, 'B');
    expect(compile).toHaveBeenCalledTimes(3); // one per operation name; q(1) is now the oldest and dropped
    await s.jit('query A { greeting } query B { greeting(name: "b") }', undefined, 'A');
    expect(compile).toHaveBeenCalledTimes(3);
    expect((await s.jit(q(1))).body.data).toEqual({ rows: [{ id: 0 }] });
    expect(compile).toHaveBeenCalledTimes(4);
  });

  it('falls back to graphql-js, once and for all, when graphql-jit cannot compile an operation', async () => {
    const s = await servers();
    compile.mockImplementationOnce(() => {
      throw new Error('not supported');
    });
    const query = 'query($n: Int!) { rows(n: $n) { id parity } }';
    for (let i = 0; i < 2; i++) expect(await s.jit(query, { n: 3 })).toEqual(await s.reference(query, { n: 3 }));
    expect(compile).toHaveBeenCalledTimes(1);
    expect(s.logger.warn).toHaveBeenCalledTimes(1);

    compile.mockImplementationOnce(() => ({ errors: [new GraphQLError('cannot compile')] }));
    expect(await s.jit('{ a: greeting }')).toEqual(await s.reference('{ a: greeting }'));
    expect(s.logger.warn).toHaveBeenCalledTimes(2);
  });
});

describe('asGraphQLJsError', () => {
  it('turns graphql-jit errors into graphql-js ones with the same message, locations, path, cause and extensions', () => {
    const original = forbidden('no');
    const jitError = Object.assign(Object.create(GraphQLError.prototype), {
      message: 'no',
      locations: [{ line: 2, column: 5 }],
      path: ['kpis', 'rows', 3],
      originalError: original,
      extensions: original.extensions,
    }) as GraphQLError;
    const converted = asGraphQLJsError(jitError);
    expect(Object.getPrototypeOf(converted)).toBe(GraphQLError.prototype);
    expect(converted.toJSON()).toEqual({ message: 'no', locations: [{ line: 2, column: 5 }], path: ['kpis', 'rows', 3], extensions: { code: 'FORBIDDEN' } });
    expect(converted.originalError).toBe(original);

    const bare = asGraphQLJsError(Object.assign(Object.create(GraphQLError.prototype), { message: 'oops', originalError: new Error('oops') }));
    expect(bare.extensions).toEqual({});
  });
});
