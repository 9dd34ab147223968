import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDatabaseError } from '../../../src/platform/db-errors';
import { serializeError } from '../../../src/platform/logger';
import { writeTransaction } from '../../../src/platform/write-transaction';
import { createTestDatabase, type TestDatabase } from '../../support/database';

/** Resolves once `parties` callers have arrived: both transactions have read before either writes. */
function barrier(parties: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++arrived === parties) open();
    return opened;
  };
}

describe(writeTransaction.name, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.orm.em.getConnection().execute('create table retry_probe (writer text primary key, seen int not null)');
  });
  afterAll(async () => db?.drop());

  it('runs a transaction again after a real serialization failure (40001); each writer writes once', async () => {
    const bothRead = barrier(2);
    const attempts = { a: 0, b: 0 };
    // Write skew under SERIALIZABLE: each reads the table, then inserts what it saw.
    const writer = (name: 'a' | 'b') =>
      writeTransaction(db.orm.em.fork(), async (tx) => {
        attempts[name]++;
        await tx.execute('set transaction isolation level serializable');
        const [{ n }] = await tx.execute<Array<{ n: number }>>('select count(*)::int as n from retry_probe');
        if (attempts[name] === 1) await bothRead();
        await tx.execute('insert into retry_probe (writer, seen) values (?, ?)', [name, n]);
      });
    await Promise.all([writer('a'), writer('b')]);
    // One of them failed once and ran again, seeing the other's row.
    expect(attempts.a + attempts.b).toBe(3);
    const rows = await db.orm.em.getConnection().execute<Array<{ seen: number }>>('select writer, seen from retry_probe order by seen');
    expect(rows.map((r) => r.seen)).toEqual([0, 1]);
  });

  it('gives up after 3 attempts with the conflict, having written nothing', async () => {
    let attempts = 0;
    const failure = await writeTransaction(
      db.orm.em.fork(),
      async (tx) => {
        attempts++;
        await tx.execute(`insert into retry_probe (writer, seen) values ('never', 9)`);
        await tx.execute(`do $$ begin raise exception 'forced conflict' using errcode = '40001'; end $$`);
      },
      { pauseMs: () => 1 },
    ).catch((error: unknown) => error);
    expect(attempts).toBe(3);
    expect(classifyDatabaseError(failure)).toEqual({ kind: 'conflict', cause: '40001' });
    expect(await db.orm.em.getConnection().execute(`select * from retry_probe where writer = 'never'`)).toEqual([]);
  });

  it('does not retry other errors', async () => {
    let attempts = 0;
    await expect(
      writeTransaction(db.orm.em.fork(), async (tx) => {
        attempts++;
        await tx.execute(`insert into retry_probe (writer, seen) values ('x', null)`);
      }),
    ).rejects.toThrow();
    expect(attempts).toBe(1);
  });
});

describe('database errors in logs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('logs a failed statement as its tag, code and table, without SQL, values or detail', async () => {
    const secret = 'CUSTOMER-REF-7f3a';
    const em = db.orm.em.fork();
    // A unique violation: PostgreSQL's detail repeats the key's value.
    await em.execute('create table log_probe (id int primary key, customer_ref text constraint log_probe_ref unique)');
    await em.execute('insert into log_probe (id, customer_ref) values (?, ?)', [1, secret]);
    const error = await em.execute('insert into log_probe (id, customer_ref) values (?, ?)', [2, secret]).catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain(secret); // what would have been logged

    const lines: string[] = [];
    const logger = pino({ serializers: { err: serializeError } }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    logger.error({ err: error }, 'internal error');
    const line = lines.join('');
    expect(line).not.toContain(secret);
    expect(line).not.toMatch(/insert into|values \(/i);
    const logged = JSON.parse(line).err;
    expect(logged).toMatchObject({ code: '23505', table: 'log_probe', constraint: 'log_probe_ref', statement: '/* insert log_probe; 2 params */' });
    expect(logged.message).toBe('duplicate key value violates unique constraint "log_probe_ref"');
    expect(logged.detail).toBeUndefined();
  });
});
