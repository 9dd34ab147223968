import { totalBytes } from '../platform/bundle-cache';
import { DASHBOARD_SOURCE, ensureDashboardAssets } from './bundle-cache';

/**
 * `npm run build:dashboard` (part of `npm run build`): builds the dashboard page into
 * dist/dashboard-assets/ unless a build of the same inputs is there. The server does
 * the same on start, so this is only needed to build ahead (an image, a read-only disk).
 */
const assets = await ensureDashboardAssets();
const { manifest } = assets;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
process.stdout.write(
  `${assets.built ? `built in ${manifest.buildMs} ms` : 'already current'}: ${assets.dir}\n` +
    `  ${manifest.files.length} files, ${kb(totalBytes(manifest))} (from ${DASHBOARD_SOURCE.clientDir})\n`,
);
