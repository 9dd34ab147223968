import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger';

/**
 * A browser bundle built by the server from client sources (the API explorer,
 * the dashboard page), kept in <assetsRoot>/<inputs hash>/ and rebuilt only
 * when its inputs change: the client sources, the bundler's format and
 * package-lock.json (the exact versions of what is bundled). A build is
 * written into a temporary directory and renamed into place, so servers
 * starting together (tests, two instances) never read a half-written bundle;
 * the first rename wins.
 */

export const MANIFEST = 'manifest.json';

/** What every bundle's manifest.json holds besides its own entries. */
export interface BundleManifest {
  /** Every file with its size, for the logs and the README's figures. */
  files: Array<{ name: string; bytes: number }>;
  buildMs: number;
  /** The hash of the build's inputs it was made from. */
  inputs: string;
}

export interface BundleSource<M extends BundleManifest> {
  /** Named in logs and errors: "explorer", "dashboard". */
  name: string;
  /** The project (package-lock.json, node_modules). */
  root: string;
  /** The client sources; absent when deployed without them. */
  clientDir: string;
  /** Where builds are kept, one directory per inputs hash. */
  assetsRoot: string;
  /**
   * Bump when the bundler's code changes what it writes: the hash covers the client
   * files and package-lock.json, not the bundler (it is inside dist/main.js when built,
   * so hashing it would make the built server and the build command disagree).
   */
  format: number;
  /** Writes the bundle and its manifest into outDir. */
  build(outDir: string, inputs: string): Promise<M>;
}

export interface BuiltBundle<M extends BundleManifest> {
  dir: string;
  manifest: M;
  /** True when this call ran the bundler, false when a current build was found. */
  built: boolean;
}

/** Builds kept besides the current one, for servers still running an older version. */
const KEEP_OLDER = 2;

/** The current build, made now when missing or stale. */
export async function ensureBundle<M extends BundleManifest>(source: BundleSource<M>, logger?: Logger): Promise<BuiltBundle<M>> {
  const inputs = await bundleInputsHash(source);
  if (inputs === null) {
    // Deployed without the client sources: serve the newest build there is.
    const newest = (await builds<M>(source.assetsRoot))[0];
    if (!newest) throw new Error(`${source.name}: no sources in ${source.clientDir} and no build in ${source.assetsRoot}`);
    return { dir: newest.dir, manifest: newest.manifest, built: false };
  }
  const dir = path.join(source.assetsRoot, inputs);
  const existing = await readManifest<M>(dir);
  if (existing) return { dir, manifest: existing, built: false };

  const temporary = path.join(source.assetsRoot, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const manifest = await source.build(temporary, inputs);
    try {
      await rename(temporary, dir);
    } catch (error) {
      // Another process renamed the same inputs' build first: theirs is identical.
      if (!(await readManifest(dir))) throw error;
    }
    logger?.info({ dir, buildMs: manifest.buildMs, bytes: totalBytes(manifest) }, `${source.name} bundle built`);
    await pruneOlderBuilds(source.assetsRoot, inputs);
    return { dir, manifest: (await readManifest<M>(dir)) ?? manifest, built: true };
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

export function totalBytes(manifest: BundleManifest): number {
  return manifest.files.reduce((sum, file) => sum + file.bytes, 0);
}

/** A hash of everything the bundle is made from, or null when the sources are not there. */
export async function bundleInputsHash(source: Pick<BundleSource<BundleManifest>, 'clientDir' | 'root' | 'format'>): Promise<string | null> {
  if (!existsSync(source.clientDir)) return null;
  const hash = createHash('sha256').update(`format ${source.format}\n`);
  // Named by what they are, not where: the same inputs hash the same in any checkout.
  const files: Array<[label: string, file: string]> = [
    ...(await clientFiles(source.clientDir)).map((name): [string, string] => [`client/${name}`, path.join(source.clientDir, name)]),
    ['package-lock.json', path.join(source.root, 'package-lock.json')],
  ];
  for (const [label, file] of files) {
    if (!existsSync(file)) continue;
    hash.update(`${label}\n`).update(await readFile(file)).update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The client's files, subfolders included, as sorted relative paths with '/'. */
async function clientFiles(clientDir: string): Promise<string[]> {
  const entries = await readdir(clientDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(clientDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function readManifest<M extends BundleManifest>(dir: string): Promise<M | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as M;
  } catch {
    return null;
  }
}

/** Complete builds, newest first. */
async function builds<M extends BundleManifest>(assetsRoot: string): Promise<Array<{ dir: string; manifest: M; mtimeMs: number }>> {
  if (!existsSync(assetsRoot)) return [];
  const found = [];
  for (const name of await readdir(assetsRoot)) {
    if (name.startsWith('.')) continue;
    const dir = path.join(assetsRoot, name);
    const manifest = await readManifest<M>(dir);
    if (manifest) found.push({ dir, manifest, mtimeMs: (await stat(path.join(dir, MANIFEST))).mtimeMs });
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

async function pruneOlderBuilds(assetsRoot: string, current: string): Promise<void> {
  const older = (await builds(assetsRoot)).filter((build) => path.basename(build.dir) !== current);
  for (const build of older.slice(KEEP_OLDER)) await rm(build.dir, { recursive: true, force: true });
}
