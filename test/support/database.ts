import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openOrm, type MikroORM } from '../../src/app/orm';
import { adminQuery, databaseUrl } from './postgres-server';

export interface TestDatabase {
  url: string;
  orm: MikroORM;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own (a clone of the run's template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `callpulse_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject('pgTemplate')}`);
  const url = databaseUrl(adminUrl, name);
  const orm = await openOrm(url);
  return {
    url,
    orm,
    async drop() {
      await orm.close(true);
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
