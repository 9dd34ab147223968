import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MANIFEST, type BundleManifest } from '../platform/bundle-cache';

/**
 * Builds the API explorer (client/explorer.jsx: GraphiQL 5, React 19, Monaco)
 * into one directory of static files with esbuild, and describes them in
 * manifest.json. Nothing in the output refers to another host: Monaco's
 * workers are bundled beside the page's code (Monaco would otherwise fetch
 * them from a CDN or run them on the main thread) and GraphiQL's fonts are
 * data: URLs inside its style sheet.
 */

/** What the page needs to load the explorer, by file name inside the build directory. */
export interface ExplorerManifest extends BundleManifest {
  /** The page's module script; its dynamic imports (Monaco, Prettier) are chunks beside it. */
  script: string;
  stylesheet: string;
  /** Monaco's language workers, classic scripts, by Monaco's worker label. */
  workers: { editor: string; json: string; graphql: string };
}

// Monaco's ESM files import their own CSS; GraphiQL's style.css already holds all of it
// (with the codicon font inlined), and CSS imported from lazily loaded chunks would be
// written as extra files that no page loads.
const dropMonacoCss: Plugin = {
  name: 'drop-monaco-css',
  setup(build) {
    build.onLoad({ filter: /[\\/]monaco-editor[\\/]esm[\\/].*\.css$/ }, () => ({ contents: '', loader: 'css' }));
  },
};

const WORKER_ENTRIES = {
  'worker-editor': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'worker-json': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'worker-graphql': 'monaco-graphql/esm/graphql.worker.js',
};

/** Writes the bundle and its manifest into outDir (created); packages resolve from absWorkingDir's node_modules. */
export async function buildExplorerBundle(
  outDir: string,
  { clientDir, inputs, absWorkingDir }: { clientDir: string; inputs: string; absWorkingDir: string },
): Promise<ExplorerManifest> {
  const { build } = await import('esbuild'); // loaded only when a build is needed
  const started = performance.now();
  await mkdir(outDir, { recursive: true });
  const common: BuildOptions = {
    absWorkingDir,
    bundle: true,
    minify: true,
    metafile: true,
    write: true,
    outdir: outDir,
    platform: 'browser',
    target: ['chrome111', 'firefox114', 'safari16.4'], // what GraphiQL 5 and Monaco 0.52 run on
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none', // the packages' licenses stay in node_modules; the bundle is served, not redistributed
    logLevel: 'silent',
  };
  const [page, workers] = await Promise.all([
    build({
      ...common,
      entryPoints: { explorer: path.join(clientDir, 'explorer.jsx') },
      format: 'esm',
      splitting: true, // Monaco and Prettier are imported lazily by GraphiQL: separate chunks
      jsx: 'automatic',
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      assetNames: '[name]-[hash]',
      plugins: [dropMonacoCss],
      // GraphiQL's Prettify imports Prettier 3's legacy CommonJS paths for its parsers, whose
      // named exports are lost in the bundle ("Couldn't resolve parser"): use the ES modules.
      alias: { 'prettier/parser-graphql': 'prettier/plugins/graphql', 'prettier/parser-babel': 'prettier/plugins/babel' },
    }),
    build({ ...common, entryPoints: WORKER_ENTRIES, format: 'iife', entryNames: '[name]-[hash]', plugins: [dropMonacoCss] }),
  ]);

  const outputs: Metafile['outputs'] = { ...page.metafile!.outputs, ...workers.metafile!.outputs };
  const fileOf = (prefix: string, extension: string) => {
    const found = Object.keys(outputs).map((file) => path.basename(file)).find((name) => name.startsWith(`${prefix}-`) && name.endsWith(extension));
    if (!found) throw new Error(`explorer bundle: esbuild wrote no ${prefix}-*${extension}`);
    return found;
  };
  const manifest: ExplorerManifest = {
    script: fileOf('explorer', '.js'),
    stylesheet: fileOf('explorer', '.css'),
    workers: { editor: fileOf('worker-editor', '.js'), json: fileOf('worker-json', '.js'), graphql: fileOf('worker-graphql', '.js') },
    files: Object.entries(outputs)
      .map(([file, output]) => ({ name: path.basename(file), bytes: output.bytes }))
      .sort((a, b) => b.bytes - a.bytes),
    buildMs: Math.round(performance.now() - started),
    inputs,
  };
  await writeFile(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
