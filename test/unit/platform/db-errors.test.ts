import { describe, expect, it } from 'vitest';
import { DeadlockException, DriverException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import {
  classifyDatabaseError,
  databaseErrorForLog,
  pgMessage,
  RequestCancelledError,
  statementTag,
} from '../../../src/platform/db-errors';
import { failureAnswer } from '../../../src/platform/db-failures';

/** An error as knex and MikroORM hand it on: the statement with its values, " - ", PostgreSQL's message. */
function driverError(fields: Record<string, unknown>, message: string): DriverException {
  return new DriverException(Object.assign(new Error(`insert into "contact" values ('SECRET') - ${message}`), fields));
}

describe(classifyDatabaseError.name, () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'unavailable'],
    [new Error('Connection terminated unexpectedly'), 'unavailable'],
    [new Error('Connection terminated due to connection timeout'), 'unavailable'],
    [driverError({ code: '57P01' }, 'terminating connection due to administrator command'), 'unavailable'],
    [driverError({ code: '57P03' }, 'the database system is shutting down'), 'unavailable'],
    [driverError({ code: '08006' }, 'connection failure'), 'unavailable'],
    [Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'busy'],
    [new DriverException(Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })), 'busy'],
    [driverError({ code: '57014' }, 'canceling statement due to statement timeout'), 'timeout'],
    [driverError({ code: '57014' }, 'canceling statement due to user request'), 'cancelled'],
    [new RequestCancelledError(), 'cancelled'],
    [new DeadlockException(Object.assign(new Error('x - could not serialize access'), { code: '40001' })), 'conflict'],
    [driverError({ code: '40P01' }, 'deadlock detected'), 'conflict'],
  ])('classifies %s as %s', (error, kind) => {
    expect(classifyDatabaseError(error)?.kind).toBe(kind);
  });

  it('finds the failure wrapped in a GraphQLError (a resolver error)', () => {
    const wrapped = new GraphQLError('x', { originalError: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    expect(classifyDatabaseError(wrapped)).toEqual({ kind: 'unavailable', cause: 'ECONNREFUSED' });
  });

  it('finds a refused connection inside an AggregateError (every address of localhost refused)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    expect(classifyDatabaseError(new AggregateError([refused], ''))?.kind).toBe('unavailable');
  });

  it('leaves other errors alone: constraint violations, bugs, client errors', () => {
    expect(classifyDatabaseError(driverError({ code: '23505' }, 'duplicate key'))).toBeNull();
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBeNull();
    expect(classifyDatabaseError(new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT' } }))).toBeNull();
  });
});

describe(statementTag.name, () => {
  it('names the verb and the table, and counts the parameters', () => {
    expect(statementTag('insert into "contact" ("a") values (?)', 1)).toBe('/* insert contact; 1 params */');
    expect(statementTag('select * from contact_rollup_day where x = ?', 2)).toBe('/* select contact_rollup_day; 2 params */');
    expect(statementTag('update "organization" set a = 1', 0)).toBe('/* update organization; 0 params */');
    expect(statementTag('with x as (select 1) select * from x', 0)).toBe('/* with x; 0 params */');
  });

  it('never takes a word from a literal value', () => {
    expect(statementTag(`select 'from alice' as v`, 0)).toBe('/* select; 0 params */');
  });
});

describe(databaseErrorForLog.name, () => {
  it('keeps code, table and constraint, drops the statement, detail and values', () => {
    const error = driverError(
      { code: '23505', table: 'contact', constraint: 'contact_ref', detail: 'Key (customer_ref)=(SECRET) already exists.', severity: 'ERROR' },
      'duplicate key value violates unique constraint "contact_ref"',
    );
    const record = databaseErrorForLog(error)!;
    expect(JSON.stringify(record)).not.toContain('SECRET');
    expect(record).toMatchObject({ code: '23505', table: 'contact', constraint: 'contact_ref', message: 'duplicate key value violates unique constraint "contact_ref"' });
  });

  it('removes quoted values from the message', () => {
    const error = driverError({ code: '22P02' }, 'invalid input syntax for type integer: "SECRET"');
    expect(databaseErrorForLog(error)!.message).toBe('invalid input syntax for type integer: "…"');
  });

  it('is null for errors that are not from the database', () => {
    expect(databaseErrorForLog(new TypeError('x'))).toBeNull();
  });
});

describe(pgMessage.name, () => {
  it('is the part after the statement knex puts in front', () => {
    expect(pgMessage(`select 1 - a - deadlock detected\n - detail: Process 1 waits`)).toBe('deadlock detected');
  });
});

describe(failureAnswer.name, () => {
  it('maps each kind to its code and HTTP status', () => {
    const answer = (kind: Parameters<typeof failureAnswer>[0]['kind']) => failureAnswer({ kind, cause: '' }, 30_000);
    expect([answer('unavailable').code, answer('unavailable').status]).toEqual(['DATABASE_UNAVAILABLE', 503]);
    expect([answer('busy').code, answer('busy').status]).toEqual(['SERVER_BUSY', 503]);
    expect([answer('conflict').code, answer('conflict').status]).toEqual(['WRITE_CONFLICT', 409]);
    expect(answer('timeout').code).toBe('TIMEOUT');
    expect(answer('timeout').message).toContain('STATEMENT_TIMEOUT_MS (30000 ms)');
    expect(answer('cancelled').code).toBe('REQUEST_CANCELLED');
  });
});
