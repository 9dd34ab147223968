import path from 'node:path';
import { ensureBundle, type BuiltBundle } from '../platform/bundle-cache';
import type { Logger } from '../platform/logger';
import { CODE_ROOT, runtimeFile } from '../platform/runtime-files';
import { buildDashboardBundle, type DashboardManifest } from './bundle';

/** The dashboard's built files in dist/dashboard-assets/<inputs hash>/, rebuilt when its inputs change. */

export type DashboardAssets = BuiltBundle<DashboardManifest>;

/** Bump when bundle.ts changes what it writes. */
const BUILD_FORMAT = 1;

const PROJECT_ROOT = path.resolve(CODE_ROOT, '..');

export const DASHBOARD_SOURCE = {
  name: 'dashboard',
  root: PROJECT_ROOT,
  // The build copies src's non-TypeScript files under dist/: a built server finds them there.
  clientDir: runtimeFile('dashboard/client'),
  assetsRoot: path.join(PROJECT_ROOT, 'dist/dashboard-assets'),
  format: BUILD_FORMAT,
  build: (outDir: string, inputs: string) =>
    buildDashboardBundle(outDir, { clientDir: DASHBOARD_SOURCE.clientDir, inputs, absWorkingDir: PROJECT_ROOT }),
};

export function ensureDashboardAssets(logger?: Logger): Promise<DashboardAssets> {
  return ensureBundle(DASHBOARD_SOURCE, logger);
}
