import { writeFileSync } from 'node:fs';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';

/**
 * Wall time per kind of SQL statement run through the ORM in this process (the
 * in-process server's too), for the ingest benchmark's breakdown: each statement
 * is named by its first write target (insert into / update / delete from) or its
 * first words, and its time counts from the ORM's call to its answer (inlining
 * the parameters, the round trip and PostgreSQL's execution).
 */
export const statementClock = new Map<string, { n: number; ms: number }>();

const nameOf = (sql: string): string => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  const target = /\b(insert into|update|delete from)\s+([a-z_]+)/i.exec(flat);
  return target ? `${target[1]!.toLowerCase()} ${target[2]}` : flat.slice(0, 40);
};

/** With a directory: each statement slower than 20 ms is written there too, parameters inlined (to EXPLAIN it by hand). */
export function startStatementClock(dumpTo?: string): void {
  let dumped = 0;
  const execute = PostgreSqlConnection.prototype.execute;
  PostgreSqlConnection.prototype.execute = async function (this: PostgreSqlConnection, ...args: Parameters<typeof execute>) {
    const started = performance.now();
    try {
      return await execute.apply(this, args);
    } finally {
      const name = typeof args[0] === 'string' ? nameOf(args[0]) : 'query builder';
      const entry = statementClock.get(name) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += performance.now() - started;
      statementClock.set(name, entry);
      const ms = performance.now() - started;
      if (dumpTo && ms > 20 && typeof args[0] === 'string') {
        const sql = this.getPlatform().formatQuery(args[0], (args[1] as unknown[]) ?? []);
        writeFileSync(`${dumpTo}/${String(++dumped).padStart(4, '0')}-${Math.round(ms)}ms-${name.replace(/\W+/g, '_')}.sql`, `${sql};\n`);
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
