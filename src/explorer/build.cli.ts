import { DEFAULT_PATHS, ensureExplorerAssets, totalBytes } from './bundle-cache';

/**
 * `npm run build:explorer`: builds the API explorer into dist/explorer-assets/
 * unless a build of the same inputs is there. The server does the same on
 * start, so this is only needed to build ahead (an image, a read-only disk).
 */
const assets = await ensureExplorerAssets();
const { manifest } = assets;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
process.stdout.write(
  `${assets.built ? `built in ${manifest.buildMs} ms` : 'already current'}: ${assets.dir}\n` +
    `  ${manifest.files.length} files, ${kb(totalBytes(manifest))} (page script ${kb(size(manifest.script))}, ` +
    `style sheet ${kb(size(manifest.stylesheet))}, from ${DEFAULT_PATHS.clientDir})\n`,
);

function size(name: string): number {
  return manifest.files.find((file) => file.name === name)?.bytes ?? 0;
}
