import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';

/**
 * Wall time per kind of SQL statement sent by this process (the in-process
 * server's too), for the ingest benchmark's breakdown: each statement is named by
 * its first write target (insert into / update / delete from) or its first words,
 * and timed from node-postgres's send to its answer (the round trip and
 * PostgreSQL's execution, not the ORM's inlining of values before it).
 */
export const statementClock = new Map<string, { n: number; ms: number }>();

const nameOf = (sql: string): string => {
  const flat = sql.replace(/\/\*.*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
  const target = /\b(insert into|update|delete from)\s+([a-z_]+)/i.exec(flat);
  return target ? `${target[1]!.toLowerCase()} ${target[2]}` : flat.slice(0, 40);
};

const count = (name: string, ms: number) => {
  const entry = statementClock.get(name) ?? { n: 0, ms: 0 };
  entry.n++;
  entry.ms += ms;
  statementClock.set(name, entry);
};

/** With a directory: each statement the ORM sends slower than 20 ms is written there too, values inlined (to EXPLAIN it by hand). */
export function startStatementClock(dumpTo?: string): void {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (!text) return query.apply(this, args);
    const started = performance.now();
    const done = () => count(nameOf(text), performance.now() - started);
    const callback = args.findIndex((a) => typeof a === 'function');
    if (callback >= 0) {
      const original = args[callback] as (...r: unknown[]) => void;
      args[callback] = (...r: unknown[]) => {
        done();
        original(...r);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args) as Promise<unknown> | undefined;
    return result && typeof result.then === 'function' ? result.finally(done) : result;
  } as typeof pg.Client.prototype.query;
  if (!dumpTo) return;
  let dumped = 0;
  const execute = PostgreSqlConnection.prototype.execute;
  PostgreSqlConnection.prototype.execute = async function (this: PostgreSqlConnection, ...args: Parameters<typeof execute>) {
    const started = performance.now();
    try {
      return await execute.apply(this, args);
    } finally {
      const ms = performance.now() - started;
      if (ms > 20 && typeof args[0] === 'string') {
        const sql = this.getPlatform().formatQuery(args[0], (args[1] as unknown[]) ?? []);
        writeFileSync(`${dumpTo}/${String(++dumped).padStart(4, '0')}-${Math.round(ms)}ms-${nameOf(args[0]).replace(/\W+/g, '_')}.sql`, `${sql};\n`);
      }
    }
  } as typeof execute;
}

/** The clock's entries, slowest first, as lines "ms total, count, name"; then reset. */
export function drainStatementClock(): string[] {
  const lines = [...statementClock].sort((a, b) => b[1].ms - a[1].ms)
    .map(([name, { n, ms }]) => `${Math.round(ms).toString().padStart(7)} ms  ${String(n).padStart(5)} ×  ${name}`);
  statementClock.clear();
  return lines;
}
