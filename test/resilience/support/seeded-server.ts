import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT, freePort } from '../../support/child-server';
import { adminQuery, databaseUrl } from '../../support/postgres-server';

/** The demo data's last day: fixed, so a cached seed stays the same data set. */
export const DEMO_END_DATE = '2026-11-30';
const SEED_PREFIX = 'callpulse_resilience_seed_';

/** Only these variables of the test process reach the server; CallPulse's own are set explicitly. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ'];

/**
 * The Node that runs the server: the npm `node` package's (Node 24, what npm
 * scripts run) when installed, else this process's.
 */
function serverNode(): string {
  const packaged = path.join(REPO_ROOT, 'node_modules/.bin/node');
  return existsSync(packaged) ? packaged : process.execPath;
}

/**
 * How the server starts: `RESILIENCE_SERVER=dist` runs the compiled build
 * (`node dist/main.js serve`, after `npm run build`), otherwise the sources through tsx.
 */
function serverArgs(command: string[]): string[] {
  const flags = ['--max-semi-space-size=64']; // as `npm start` runs it (README)
  if (process.env.RESILIENCE_SERVER === 'dist') {
    const built = path.join(REPO_ROOT, 'dist/main.js');
    if (!existsSync(built)) throw new Error('RESILIENCE_SERVER=dist but dist/main.js is missing: run `npm run build` first');
    return [...flags, built, ...command];
  }
  return [...flags, '--import', 'tsx', 'src/main.ts', ...command];
}

function childEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) out[name] = process.env[name]!;
  return { ...out, ...env };
}

/**
 * The seed's name changes with the demo generator's code, the migrations and the
 * warehouse (which writes the rollups the seed keeps), so a seed is never older
 * than the code that serves it.
 */
function seedName(): string {
  const hash = createHash('sha256').update(DEMO_END_DATE);
  for (const dir of ['src/demo', 'src/warehouse', 'migrations']) {
    const full = path.join(REPO_ROOT, dir);
    for (const file of readdirSync(full).sort()) hash.update(`${dir}/${file}`).update(readFileSync(path.join(full, file)));
  }
  return SEED_PREFIX + hash.digest('hex').slice(0, 12);
}

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/**
 * A database with 90 days of demo data (about 134,000 contacts), seeded once
 * by `seed-demo` (about 2 minutes) and kept between runs as a template that
 * each run clones in a second. Seeds of older generator code are dropped.
 */
export async function seededTemplate(adminUrl: string, log: (line: string) => void): Promise<string> {
  const name = seedName();
  if (await databaseExists(adminUrl, name)) return name;
  const building = `${SEED_PREFIX}building_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${building}`);
  log(`seeding ${name}: demo data up to ${DEMO_END_DATE} (about 2 minutes, once)`);
  try {
    const child = spawn(serverNode(), serverArgs(['seed-demo', '--end-date', DEMO_END_DATE]), {
      cwd: REPO_ROOT,
      env: childEnv({ DATABASE_URL: databaseUrl(adminUrl, building), LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`seed-demo exited with ${code}:\n${stderr}`);
    // the rename makes the seed appear whole or not at all, even if another run raced this one
    if (await databaseExists(adminUrl, name)) await adminQuery(adminUrl, `drop database ${building}`);
    else await adminQuery(adminUrl, `alter database ${building} rename to ${name}`);
  } catch (error) {
    await adminQuery(adminUrl, `drop database if exists ${building} with (force)`);
    throw error;
  }
  await dropOlderSeeds(adminUrl, name);
  return name;
}

async function dropOlderSeeds(adminUrl: string, keep: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let names: string[];
  try {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and datname <> $2 and datname not like $3`,
      [`${SEED_PREFIX}%`, keep, `${SEED_PREFIX}building_%`],
    );
    names = rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
  for (const old of names) await adminQuery(adminUrl, `drop database if exists ${old} with (force)`);
}

export interface ServerUnderTest {
  url: string;
  healthzUrl: string;
  port: number;
  pid: number;
  /** The clone it serves, for counting rows and watching pg_stat_activity. */
  databaseUrl: string;
  databaseName: string;
  adminKey: string;
  stdout(): string;
  stop(): Promise<void>;
}

const READY = /CallPulse is ready: (http:\/\/\S+)\n/;

/**
 * The real server as an operator runs it, in a child process with the
 * default limits (nothing relaxed for the tests), on its own clone of the seed.
 */
export async function startServerUnderTest(adminUrl: string, template: string, env: Record<string, string> = {}): Promise<ServerUnderTest> {
  const databaseName = `callpulse_resilience_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${databaseName} template ${template}`);
  const dbUrl = databaseUrl(adminUrl, databaseName);
  const adminKey = `resilience-admin-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const child: ChildProcess = spawn(serverNode(), serverArgs(['serve']), {
    cwd: REPO_ROOT,
    env: childEnv({ DATABASE_URL: dbUrl, PORT: String(port), BOOTSTRAP_API_KEY: adminKey, DEMO_DATA: '0', LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const dropDatabase = () => adminQuery(adminUrl, `drop database if exists ${databaseName} with (force)`);

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server not ready within 120 s:\n${err}`)), 120_000);
      const check = () => {
        if (READY.test(err)) (clearTimeout(timer), resolve());
      };
      child.stderr!.on('data', check);
      void exited.then(() => (clearTimeout(timer), reject(new Error(`server exited before it was ready:\n${err}\n${out.slice(-4000)}`))));
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await dropDatabase();
    throw error;
  }
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    healthzUrl: `http://127.0.0.1:${port}/healthz`,
    port,
    pid: child.pid!,
    databaseUrl: dbUrl,
    databaseName,
    adminKey,
    stdout: () => out,
    async stop() {
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
      await dropDatabase();
    },
  };
}
