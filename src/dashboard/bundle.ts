import type { BuildOptions } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST, type BundleManifest } from '../platform/bundle-cache';

/**
 * Builds the dashboard page (client/dashboard.jsx: React 19 and uPlot) into
 * one script and one style sheet with esbuild. Nothing in the output refers
 * to another host: the page's CSP allows only this origin.
 */

export interface DashboardManifest extends BundleManifest {
  script: string;
  stylesheet: string;
}

/** Writes the bundle and its manifest into outDir (created); packages resolve from absWorkingDir's node_modules. */
export async function buildDashboardBundle(
  outDir: string,
  { clientDir, inputs, absWorkingDir }: { clientDir: string; inputs: string; absWorkingDir: string },
): Promise<DashboardManifest> {
  const { build } = await import('esbuild'); // loaded only when a build is needed
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  const options: BuildOptions = {
    absWorkingDir,
    entryPoints: { dashboard: path.join(clientDir, 'dashboard.jsx') },
    bundle: true,
    minify: true,
    metafile: true,
    write: true,
    outdir: outDir,
    platform: 'browser',
    format: 'esm',
    target: ['chrome111', 'firefox114', 'safari16.4'],
    jsx: 'automatic',
    entryNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none', // the packages' licenses stay in node_modules; the bundle is served, not redistributed
    logLevel: 'silent',
  };
  const result = await build(options);
  const outputs = Object.entries(result.metafile!.outputs).map(([file, output]) => ({ name: path.basename(file), bytes: output.bytes }));
  const fileOf = (extension: string) => {
    const found = outputs.find((file) => file.name.startsWith('dashboard-') && file.name.endsWith(extension));
    if (!found) throw new Error(`dashboard bundle: esbuild wrote no dashboard-*${extension}`);
    return found.name;
  };
  const manifest: DashboardManifest = {
    script: fileOf('.js'),
    stylesheet: fileOf('.css'),
    files: outputs.sort((a, b) => b.bytes - a.bytes),
    buildMs: Math.round(performance.now() - started),
    inputs,
  };
  await writeFile(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
