import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildExplorerBundle } from '../src/explorer/bundle';
import { DEFAULT_PATHS, inputsHash } from '../src/explorer/bundle-cache';

/**
 * `npx tsx bench/explorer-build.bench.ts [RUNS]`: times a full build of the API
 * explorer (esbuild, into a scratch directory; the server's own cache is left
 * alone) RUNS times (default 5) and prints min/median/max and the bundle's size.
 */
const runs = Number(process.argv[2] ?? 5);
const times: number[] = [];
let bytes = 0;
let files = 0;
let script = 0;
for (let i = 0; i < runs; i += 1) {
  const dir = await mkdtemp(path.join(tmpdir(), 'explorer-bench-'));
  try {
    const manifest = await buildExplorerBundle(dir, { clientDir: DEFAULT_PATHS.clientDir, inputs: (await inputsHash(DEFAULT_PATHS))!, absWorkingDir: DEFAULT_PATHS.root });
    times.push(manifest.buildMs);
    bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
    files = manifest.files.length;
    script = manifest.files.find((file) => file.name === manifest.script)!.bytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
times.sort((a, b) => a - b);
const inputsMs = performance.now();
await inputsHash(DEFAULT_PATHS);
process.stdout.write(
  `explorer build, ${runs} runs: min ${times[0]} ms, median ${times[Math.floor(runs / 2)]} ms, max ${times[runs - 1]} ms\n` +
    `bundle: ${files} files, ${(bytes / 1024).toFixed(0)} KB in all, page script ${(script / 1024).toFixed(0)} KB\n` +
    `staleness check (hash of the inputs): ${(performance.now() - inputsMs).toFixed(1)} ms\n`,
);
