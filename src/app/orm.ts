import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ApiKey } from '../org/api-key.entity';
import { Agent, Queue, Team } from '../org/directory.entities';
import { Organization } from '../org/organization.entity';
import { leadingTag, statementTag } from '../platform/db-errors';
import type { Logger } from '../platform/logger';
import { guardConnection } from '../platform/db-guard';
import { MIGRATIONS_DIR } from '../platform/runtime-files';

export type { MikroORM };

/**
 * Settings of the server's own database sessions (see the pool's afterCreate):
 * - work_mem: KPI statements hash-aggregate up to ~100,000 rollup rows (a month by day
 *   × agent in a zone off UTC reads hour rows). At PostgreSQL's default 4 MB the
 *   planner sorts them on disk instead: 195 ms against 120 ms with 32 MB. Memory is
 *   used as needed, not reserved.
 * - no parallel workers: a KPI statement reads a few thousand to a hundred thousand
 *   rollup rows in milliseconds, and starting workers for it cost more than they
 *   saved (a month by day × queue with ten thresholds, 2 M contacts: 58-72 ms with
 *   two workers, 20-24 ms without, on 2 cores); the requests of other clients are the
 *   server's parallelism.
 */
const SESSION_SETTINGS = `set work_mem = '32MB'; set max_parallel_workers_per_gather = 0`;

export const ENTITIES = [Organization, ApiKey, Team, Queue, Agent];

/** How the request pool's sessions are bounded. */
export interface SessionLimits {
  /** PostgreSQL statement_timeout of every session (0 or unset: none; maintenance work runs without). */
  statementTimeoutMs?: number;
  /** Where knex's own warnings go (a lost connection's "Connection Error"), instead of console lines amid the JSON logs. */
  logger?: Logger;
}

/** A new connection that gets no answer within this is a database that is down (503 fast, not a 60 s hang). */
export const CONNECT_TIMEOUT_MS = 2_000;
/** A request waits this long for a pooled connection before SERVER_BUSY (knex's default is 60 s). */
export const ACQUIRE_TIMEOUT_MS = 10_000;

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}, limits: SessionLimits = {}): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true },
    // Migrations are TypeScript under migrations/, loaded through the running tsx/vitest,
    // or compiled JavaScript under dist/migrations in a build (runtime-files.ts).
    dynamicImportProvider: (id: string) => import(id),
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true, // applied migrations are logged as one structured line instead
    },
    driverOptions: {
      ...(limits.logger ? { log: knexLog(limits.logger) } : {}),
      connection: {
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        // A startup parameter of each session, so it costs no statement; PostgreSQL cancels
        // a statement past it with 57014 "canceling statement due to statement timeout".
        ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
      },
    },
    // Statements carry a name and their parameters' count, never values, into errors and
    // pg_stat_activity: a failed statement is logged as this tag (see db-errors.ts).
    onQuery: (sql: string, params: unknown[]) => (leadingTag(sql) ? sql : `${statementTag(sql, params.length)} ${sql}`),
    pool: {
      min: 0,
      max: 10,
      acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS,
      afterCreate: (connection: { query(sql: string, done: (error: Error | null) => void): void }, done: (error: Error | null, c: unknown) => void) => {
        guardConnection(connection); // cancel on disconnect, statement tags on errors (db-guard.ts)
        connection.query(SESSION_SETTINGS, (error) => done(error, connection));
      },
    },
    debug: false,
    ...overrides,
  };
}

/**
 * Opens MikroORM on `databaseUrl`. Request work passes `limits.statementTimeoutMs`;
 * migrations, the demo seed and rollup rebuilds at start-up open one without.
 */
export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}, limits: SessionLimits = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides, limits));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** knex's logger on ours: its warnings repeat failures that are answered and logged (without SQL) elsewhere. */
function knexLog(logger: Logger) {
  const child = logger.child({ component: 'knex' });
  const line = (level: 'debug' | 'warn') => (message: unknown) => child[level](typeof message === 'string' ? message.slice(0, 200) : 'knex message');
  return { warn: line('debug'), error: line('warn'), deprecate: line('debug'), debug: line('debug') };
}
