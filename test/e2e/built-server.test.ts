import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  REPO_ROOT,
  freePort,
  killAllCliProcesses,
  processesMentioning,
  runCommand,
  stopStrayPostgres,
  waitUntil,
  type CliProcess,
} from '../support/child-server';
import { adminQuery, databaseUrl } from '../support/postgres-server';
import { buildServerInto, embeddedDataDir, portAnswers } from '../support/process-tree';

/**
 * The production way (README "Production build and supervisors"): `npm run build`,
 * then `node dist/main.js serve`. Built once into a directory of its own inside
 * the repository (the bundle loads node_modules from there).
 */

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;
const outdir = path.join(REPO_ROOT, '.test-data', `dist-${randomBytes(6).toString('hex')}`);
const built = (args: string[], env: Record<string, string>) => runCommand(process.execPath, [path.join(outdir, 'main.js'), ...args], env);

beforeAll(() => buildServerInto(outdir), 60_000);

afterAll(async () => {
  await killAllCliProcesses();
  await rm(outdir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('writes dist/main.js, the compiled migrations and the runtime files beside the code', () => {
    expect(existsSync(path.join(outdir, 'main.js'))).toBe(true);
    const migrations = readFileSync(path.join(REPO_ROOT, 'migrations', 'Migration20261123105306.ts'), 'utf8');
    expect(migrations).toContain('class Migration20261123105306');
    expect(existsSync(path.join(outdir, 'migrations', 'Migration20261123105306.js'))).toBe(true);
    expect(readFileSync(path.join(outdir, 'surveys/widget/survey.css'), 'utf8')).toBe(
      readFileSync(path.join(REPO_ROOT, 'src/surveys/widget/survey.css'), 'utf8'),
    );
  });

  it('prints the same schema as the source (decorator metadata and names survive bundling)', async () => {
    const cli = built(['print-schema'], {});
    expect((await cli.exitWithin(20_000)).code).toBe(0);
    expect(cli.stdout()).toBe(readFileSync(path.join(REPO_ROOT, 'schema.graphql'), 'utf8'));
  });
});

describe('node dist/main.js serve on DATABASE_URL', () => {
  const KEY = 'built-server-key-123';
  const dbName = `callpulse_built_${randomBytes(6).toString('hex')}`;
  let cli: CliProcess;
  let url: string;

  beforeAll(async () => {
    await adminQuery(inject('pgAdminUrl'), `create database ${dbName}`); // empty: the compiled migrations run
    cli = built(['serve'], {
      DATABASE_URL: databaseUrl(inject('pgAdminUrl'), dbName),
      PORT: String(await freePort()),
      BOOTSTRAP_API_KEY: KEY,
      DEMO_DATA: '0',
      LOG_LEVEL: 'info',
    });
    url = (await cli.waitForStderr(READY, 60_000))[1];
  }, 90_000);

  afterAll(async () => {
    await killAllCliProcesses();
    await adminQuery(inject('pgAdminUrl'), `drop database if exists ${dbName} with (force)`);
  });

  it('applies the compiled migrations and answers /healthz', async () => {
    expect(cli.logLines().find((line) => line.msg === 'migrations applied')?.migrations.length).toBeGreaterThan(10);
    const response = await fetch(new URL('/healthz', url));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', webhooks: { running: true } });
  });

  it('answers a kpis query with the bootstrap key', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        query: '{ kpis(query: { range: { from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" } }) { rows { offered answered } } }',
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { kpis: { rows: [] } } });
  });

  it('serves the survey widget files it copied', async () => {
    const response = await fetch(new URL('/widget/survey.js', url));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(path.join(REPO_ROOT, 'src/surveys/widget/survey.js'), 'utf8'));
  });

  it('runs the org command built too, and the server accepts the key it prints', async () => {
    const create = built(['org', 'create', 'Built Org'], { DATABASE_URL: databaseUrl(inject('pgAdminUrl'), dbName) });
    expect((await create.exitWithin(20_000)).code).toBe(0);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${create.stdout().trim()}` },
      body: JSON.stringify({ query: '{ organization { name } }' }),
    });
    expect(await response.json()).toEqual({ data: { organization: { name: 'Built Org' } } });
  });

  it('stops on SIGTERM with exit code 0 and frees its port', async () => {
    const port = Number(new URL(url).port);
    cli.child.kill('SIGTERM');
    const exit = await cli.exitWithin(10_000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(await portAnswers(port)).toBe(false);
    expect(cli.logLines().map((line) => line.msg)).toContain('stopped');
  });
});

describe('node dist/main.js serve with its embedded PostgreSQL', () => {
  let dataDir: string;
  let clusterDir: string;

  beforeAll(async () => {
    dataDir = await embeddedDataDir(`built-embedded-${randomBytes(6).toString('hex')}`);
    clusterDir = path.join(dataDir, 'pg');
  });

  afterAll(async () => {
    await killAllCliProcesses();
    await stopStrayPostgres(clusterDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the whole tree on SIGTERM to its pid within 10 s: no server, no postgres, port free', async () => {
    const port = await freePort();
    const cli = built(['serve'], { CALLPULSE_DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: '0', LOG_LEVEL: 'warn' });
    await cli.waitForStderr(READY, 90_000);
    expect(processesMentioning(clusterDir).length).toBe(1);

    cli.child.kill('SIGTERM');
    const exit = await cli.exitWithin(10_000);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    await waitUntil(() => processesMentioning(clusterDir).length === 0, 1_000, 'postgres gone');
    expect(existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
    expect(await portAnswers(port)).toBe(false);
  }, 120_000);
});
