import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../platform/config';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres';
import { startHttpServer } from './http';
import type { Logger } from '../platform/logger';
import { migrate, openOrm, type MikroORM } from './orm';
import { buildAppSchema } from './schema';
import { countActiveKeys, ensureBootstrapKey, ensureDefaultOrganization } from '../org/api-keys.service';
import { newSecret } from '../org/api-keys.crypto';
import { seedDemo } from '../demo/seed-demo';

export interface RunningApp {
  url: string;
  port: number;
  /** The admin key to print: known only when configured or generated now. */
  apiKey: string | undefined;
  orm: MikroORM;
  stop(): Promise<void>;
}

/** Opens the database (embedded unless DATABASE_URL), migrates it, and returns it. */
export async function openDatabase(config: Config, logger: Logger): Promise<{ orm: MikroORM; embedded: RunningPostgres | null }> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, logger);
  try {
    const orm = await openOrm(config.databaseUrl ?? embedded!.url);
    const applied = await migrate(orm);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
    return { orm, embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/**
 * Everything `npm start` does: database, migrations, keys, demo data, HTTP.
 * Start-up work (migrations, the demo seed and its rollups) runs on a maintenance
 * ORM without a statement timeout; requests get their own pool with
 * STATEMENT_TIMEOUT_MS on every session.
 */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const { orm: maintenance, embedded } = await openDatabase(config, logger);
  let orm: MikroORM | undefined;
  try {
    const em = maintenance.em.fork();
    const org = await ensureDefaultOrganization(em);

    let apiKey = config.bootstrapApiKey ?? (embedded ? await localAdminKey(config.dataDir) : undefined);
    if (!apiKey && (await countActiveKeys(em, org.id)) === 0) apiKey = newSecret(); // first start: a way in
    if (apiKey) await ensureBootstrapKey(em, org.id, apiKey);

    const loadDemo = config.demoData ?? embedded !== null;
    if (loadDemo) {
      const existing = await em.getConnection().execute<{ n: number }[]>(
        'select count(*)::int as n from contact where organization_id = ?',
        [org.id],
      );
      if (existing[0].n === 0) {
        logger.info('loading demo data (90 days, a mid-size center)');
        const summary = await seedDemo(maintenance.em.fork(), org.id, { logger });
        logger.info(summary, 'demo data loaded');
      } else logger.info('demo data skipped: the database already has contacts');
    }

    await maintenance.close(true);
    orm = await openOrm(maintenance.config.get('clientUrl')!, {}, { statementTimeoutMs: config.limits.statementTimeoutMs, logger });
    const server = await startHttpServer({
      orm,
      schema: await buildAppSchema(),
      logger,
      port: config.port,
      limits: config.limits,
      // Only the embedded database's own key (a local demo), never a configured BOOTSTRAP_API_KEY.
      explorerDemoKey: embedded && !config.bootstrapApiKey ? apiKey : undefined,
    });
    return {
      url: server.url,
      port: server.port,
      apiKey: config.bootstrapApiKey ? undefined : apiKey,
      orm,
      async stop() {
        await server.close();
        await orm!.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await maintenance.close(true);
    await orm?.close(true);
    await embedded?.stop();
    throw error;
  }
}

/** The embedded database's own admin key, kept beside its data so every start can print it. */
async function localAdminKey(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), 'admin-api-key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true });
  const secret = newSecret();
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
