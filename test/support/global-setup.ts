import 'reflect-metadata';
import type { TestProject } from 'vitest/node';
import { adminQuery, databaseUrl, startTestPostgres } from './postgres-server';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * Once per run: find a PostgreSQL server, migrate a template database, and hand
 * both to the test files; each file clones the template into its own database.
 */
export default async function setup(project: TestProject) {
  const server = await startTestPostgres();
  const template = `callpulse_template_${process.pid}`;
  await adminQuery(server.adminUrl, `drop database if exists ${template}`);
  await adminQuery(server.adminUrl, `create database ${template}`);
  const { openOrm, migrate } = await import('../../src/app/orm');
  const orm = await openOrm(databaseUrl(server.adminUrl, template));
  await migrate(orm);
  await orm.close(true);
  console.log(`tests use PostgreSQL from ${server.source}`);
  // Every test server serves the API explorer and the dashboard: build their bundles once, now, if missing or stale.
  const { ensureExplorerAssets } = await import('../../src/explorer/bundle-cache');
  const { ensureDashboardAssets } = await import('../../src/dashboard/bundle-cache');
  const [explorer, dashboard] = await Promise.all([ensureExplorerAssets(), ensureDashboardAssets()]);
  if (explorer.built) console.log(`explorer bundle built in ${explorer.manifest.buildMs} ms`);
  if (dashboard.built) console.log(`dashboard bundle built in ${dashboard.manifest.buildMs} ms`);
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await adminQuery(server.adminUrl, `drop database if exists ${template} with (force)`);
    await server.stop();
  };
}
