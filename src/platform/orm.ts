import { MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKey } from '../org/api-key.entity';
import { Agent, Queue, Team } from '../org/directory.entities';
import { Organization } from '../org/organization.entity';
import { Contact } from '../contacts/contact.entity';

export type { MikroORM };

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const ENTITIES = [Organization, ApiKey, Team, Queue, Agent, Contact];

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true },
    // Migrations are TypeScript under migrations/, loaded through the running tsx/vitest.
    dynamicImportProvider: (id: string) => import(id),
    migrations: {
      path: path.join(projectRoot, 'migrations'),
      pathTs: path.join(projectRoot, 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true, // applied migrations are logged as one structured line instead
    },
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  };
}

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
