/**
 * `npm run build:server [-- --outdir DIR]`: the production build of the server.
 *
 * - src/main.ts bundled by esbuild into DIR/main.js (ESM, Node platform, code split
 *   at the CLI's lazy imports); packages stay external and load from node_modules.
 * - Decorated files go through TypeScript's own transpiler first: esbuild does not
 *   emit decorator metadata (`design:type`), tsc does, and the build must run the
 *   code as tsc would (type-graphql and MikroORM read that metadata).
 * - migrations/*.ts compiled to DIR/migrations/*.js, where the built server's
 *   migrator finds them (src/platform/runtime-files.ts).
 * - every non-TypeScript file under src/ (widget script and styles, pages…) copied
 *   to the same path under DIR.
 * DIR defaults to dist/ and is emptied first; it must sit inside the repository so
 * that the built code finds node_modules.
 */
import { build, type Plugin } from 'esbuild';
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildServer(outdir: string): Promise<{ files: number; ms: number }> {
  const started = Date.now();
  await rm(outdir, { recursive: true, force: true });
  const migrations = (await readdir(path.join(ROOT, 'migrations'))).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'src/main.ts', out: 'main' },
      ...migrations.map((name) => ({ in: `migrations/${name}`, out: `migrations/${name.slice(0, -3)}` })),
    ],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    // names matter at run time: MikroORM and type-graphql key metadata by class name
    keepNames: true,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    plugins: [decoratorMetadata()],
    logLevel: 'warning',
    metafile: true,
  });
  const files = Object.keys(result.metafile.outputs).length + (await copyRuntimeFiles(path.join(ROOT, 'src'), outdir));
  return { files, ms: Date.now() - started };
}

/** Decorated TypeScript files compiled by TypeScript with emitDecoratorMetadata, the rest left to esbuild. */
function decoratorMetadata(): Plugin {
  const compilerOptions = readCompilerOptions();
  return {
    name: 'decorator-metadata',
    setup(plugin) {
      plugin.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!/^\s*@\w/m.test(source)) return undefined; // no decorator: esbuild alone
        const output = ts.transpileModule(source, { compilerOptions, fileName: args.path, reportDiagnostics: false });
        return { contents: output.outputText, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

function readCompilerOptions(): ts.CompilerOptions {
  const file = path.join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  // ESM out, imports kept as written for esbuild to resolve and bundle
  return { ...options, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, noEmit: false, sourceMap: false, inlineSourceMap: false, inlineSources: false, declaration: false };
}

/** Copies every file under src/ that is not TypeScript to the same path under outdir; returns how many. */
async function copyRuntimeFiles(srcDir: string, outdir: string): Promise<number> {
  let copied = 0;
  for (const entry of await readdir(srcDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /\.tsx?$/.test(entry.name)) continue;
    const from = path.join(entry.parentPath, entry.name);
    await cp(from, path.join(outdir, path.relative(srcDir, from)));
    copied++;
  }
  return copied;
}

function outdirArgument(argv: string[]): string {
  const index = argv.indexOf('--outdir');
  if (index === -1) return path.join(ROOT, 'dist');
  const value = argv[index + 1];
  if (!value) throw new Error('--outdir needs a directory');
  const outdir = path.resolve(value);
  if (path.relative(ROOT, outdir).startsWith('..')) throw new Error(`--outdir must be inside ${ROOT} (the built code loads node_modules from there)`);
  return outdir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const outdir = outdirArgument(process.argv.slice(2));
    const { files, ms } = await buildServer(outdir);
    process.stderr.write(`build: ${files} files in ${path.relative(process.cwd(), outdir) || '.'} (${ms} ms)\n`);
  } catch (error) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
