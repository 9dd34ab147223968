import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../platform/logger';
import { CODE_ROOT, runtimeFile } from '../platform/runtime-files';
import { buildExplorerBundle, MANIFEST, type ExplorerManifest } from './bundle';

/**
 * The explorer's built files, kept in dist/explorer-assets/<inputs hash>/ and
 * rebuilt only when their inputs change: the client sources, the bundler's
 * format (BUILD_FORMAT) and package-lock.json (the exact versions of GraphiQL,
 * React, Monaco and esbuild). A build is written into a temporary directory and
 * renamed into place, so servers starting together (tests, two instances)
 * never read a half-written bundle; the first rename wins.
 */

export interface ExplorerAssets {
  dir: string;
  manifest: ExplorerManifest;
  /** True when this call ran esbuild, false when a current build was found. */
  built: boolean;
}

/**
 * Bump when bundle.ts changes what it writes: the hash covers the client files and
 * package-lock.json, not bundle.ts itself (it is inside dist/main.js when built, so
 * hashing it would make the built server and `npm run build:explorer` disagree).
 */
const BUILD_FORMAT = 2;
/** Builds kept besides the current one, for servers still running an older version. */
const KEEP_OLDER = 2;

// src/ from source, dist/ when built (runtime-files.ts); the project (package-lock.json,
// node_modules) is its parent either way.
const PROJECT_ROOT = path.resolve(CODE_ROOT, '..');

export interface ExplorerPaths {
  root: string;
  clientDir: string;
  assetsRoot: string;
}

export const DEFAULT_PATHS: ExplorerPaths = {
  root: PROJECT_ROOT,
  // The build copies src's non-TypeScript files under dist/: a built server finds them there.
  clientDir: runtimeFile('explorer/client'),
  assetsRoot: path.join(PROJECT_ROOT, 'dist/explorer-assets'),
};

/** The current build, made now when missing or stale. */
export async function ensureExplorerAssets(logger?: Logger, paths: ExplorerPaths = DEFAULT_PATHS): Promise<ExplorerAssets> {
  const inputs = await inputsHash(paths);
  if (inputs === null) {
    // Deployed without the client sources: serve the newest build there is.
    const newest = (await builds(paths.assetsRoot))[0];
    if (!newest) throw new Error(`explorer: no sources in ${paths.clientDir} and no build in ${paths.assetsRoot}`);
    return { dir: newest.dir, manifest: newest.manifest, built: false };
  }
  const dir = path.join(paths.assetsRoot, inputs);
  const existing = await readManifest(dir);
  if (existing) return { dir, manifest: existing, built: false };

  const temporary = path.join(paths.assetsRoot, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const manifest = await buildExplorerBundle(temporary, { clientDir: paths.clientDir, inputs, absWorkingDir: paths.root });
    try {
      await rename(temporary, dir);
    } catch (error) {
      // Another process renamed the same inputs' build first: theirs is identical.
      if (!(await readManifest(dir))) throw error;
    }
    logger?.info({ dir, buildMs: manifest.buildMs, bytes: totalBytes(manifest) }, 'explorer bundle built');
    await pruneOlderBuilds(paths.assetsRoot, inputs);
    return { dir, manifest: (await readManifest(dir)) ?? manifest, built: true };
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

export function totalBytes(manifest: ExplorerManifest): number {
  return manifest.files.reduce((sum, file) => sum + file.bytes, 0);
}

/** A hash of everything the bundle is made from, or null when the sources are not there. */
export async function inputsHash(paths: ExplorerPaths): Promise<string | null> {
  if (!existsSync(paths.clientDir)) return null;
  const hash = createHash('sha256').update(`format ${BUILD_FORMAT}\n`);
  // Named by what they are, not where: the same inputs hash the same in any checkout.
  const files: Array<[label: string, file: string]> = [
    ...(await readdir(paths.clientDir)).sort().map((name): [string, string] => [`client/${name}`, path.join(paths.clientDir, name)]),
    ['package-lock.json', path.join(paths.root, 'package-lock.json')],
  ];
  for (const [label, file] of files) {
    if (!existsSync(file)) continue;
    hash.update(`${label}\n`).update(await readFile(file)).update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

async function readManifest(dir: string): Promise<ExplorerManifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as ExplorerManifest;
  } catch {
    return null;
  }
}

/** Complete builds, newest first. */
async function builds(assetsRoot: string): Promise<Array<{ dir: string; manifest: ExplorerManifest; mtimeMs: number }>> {
  if (!existsSync(assetsRoot)) return [];
  const found = [];
  for (const name of await readdir(assetsRoot)) {
    if (name.startsWith('.')) continue;
    const dir = path.join(assetsRoot, name);
    const manifest = await readManifest(dir);
    if (manifest) found.push({ dir, manifest, mtimeMs: (await stat(path.join(dir, MANIFEST))).mtimeMs });
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

async function pruneOlderBuilds(assetsRoot: string, current: string): Promise<void> {
  const older = (await builds(assetsRoot)).filter((build) => path.basename(build.dir) !== current);
  for (const build of older.slice(KEEP_OLDER)) await rm(build.dir, { recursive: true, force: true });
}
