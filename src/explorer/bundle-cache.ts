import path from 'node:path';
import { bundleInputsHash, ensureBundle, type BuiltBundle } from '../platform/bundle-cache';
import type { Logger } from '../platform/logger';
import { CODE_ROOT, runtimeFile } from '../platform/runtime-files';
import { buildExplorerBundle, type ExplorerManifest } from './bundle';

/**
 * The explorer's built files, kept in dist/explorer-assets/<inputs hash>/ and
 * rebuilt only when their inputs change (platform/bundle-cache.ts): the client
 * sources, BUILD_FORMAT and package-lock.json (the exact versions of GraphiQL,
 * React, Monaco and esbuild).
 */

export { totalBytes } from '../platform/bundle-cache';
export type ExplorerAssets = BuiltBundle<ExplorerManifest>;

/** Bump when bundle.ts changes what it writes. */
const BUILD_FORMAT = 2;

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
export function ensureExplorerAssets(logger?: Logger, paths: ExplorerPaths = DEFAULT_PATHS): Promise<ExplorerAssets> {
  return ensureBundle(
    {
      name: 'explorer',
      ...paths,
      format: BUILD_FORMAT,
      build: (outDir, inputs) => buildExplorerBundle(outDir, { clientDir: paths.clientDir, inputs, absWorkingDir: paths.root }),
    },
    logger,
  );
}

/** A hash of everything the bundle is made from, or null when the sources are not there. */
export function inputsHash(paths: ExplorerPaths): Promise<string | null> {
  return bundleInputsHash({ ...paths, format: BUILD_FORMAT });
}
