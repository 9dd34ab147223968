import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The planner's statistics of the fact tables, kept current off the request path.
 *
 * The upkeep's plans depend on them and autovacuum lags behind a bulk load (a
 * contact table analyzed empty made the FCR statement of the next batch of 10,000
 * scan the whole organization for every customer: 160 s). So after a batch
 * commits, a table that changed by more than a tenth (at least 1,000 rows) since
 * it was last analyzed is analyzed again — in the background, so the writer's
 * answer does not wait 120–200 ms for it; and the next write of that table on
 * this server waits for an analyze still running before it plans (by then it
 * usually has finished: the next request's parse, coercion and validation take
 * longer).
 */

/** Per database (the driver every fork of one ORM shares): the analyze running for each table. */
const running = new WeakMap<object, Map<string, Promise<void>>>();

const runningOf = (em: EntityManager) => {
  const driver = em.getDriver();
  let tables = running.get(driver);
  if (!tables) running.set(driver, (tables = new Map()));
  return tables;
};

/**
 * After a write of `table` commits: when it is stale, starts analyzing it in the
 * background (a failure, the server stopping say, only costs fresher plans). The
 * check itself is one cheap statement the writer waits for.
 */
export async function refreshStatistics(em: EntityManager, table: string): Promise<void> {
  const tables = runningOf(em);
  if (tables.has(table)) return; // the one running sees this batch's rows too, or the next batch's check will
  const [stale] = await em.execute<Array<{ relname: string }>>(
    `select c.relname from pg_class c join pg_stat_user_tables s on s.relid = c.oid
     where c.relname = ? and s.n_mod_since_analyze > greatest(1000, 0.1 * greatest(c.reltuples, 0))`,
    [table],
  );
  if (!stale || tables.has(table)) return;
  const done = em
    .fork()
    .execute(`analyze ${stale.relname}`)
    .then(() => undefined, () => undefined)
    .finally(() => tables.delete(table));
  tables.set(table, done);
}

/** Resolves once no analyze of `table` is running on this server (before a write of it plans). */
export async function statisticsReady(em: EntityManager, table: string): Promise<void> {
  await runningOf(em).get(table);
}
