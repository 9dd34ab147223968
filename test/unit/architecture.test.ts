import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house's layers, lowest first: a module imports only modules of lower
 * layers (README "Architecture"). Features never call upwards; what must
 * happen in a higher module after a write travels as an event.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['platform'],
  ['org'],
  ['warehouse'],
  ['analytics'],
  ['contacts', 'activity'],
  ['webhooks'],
  ['surveys', 'sla', 'staffing', 'exports', 'sql-access', 'quality', 'live'],
  ['import', 'explorer', 'dashboard', 'coaching'],
  ['demo'],
  ['app'],
];

const SRC = path.resolve(import.meta.dirname, '../../src');
const layerOf = new Map(LAYERS.flatMap((modules, layer) => modules.map((m) => [m, layer] as const)));

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.tsx?$/.test(name)) yield full;
  }
}

/** Every import from one top-level module of src/ into another, as "from -> to (file)". */
function crossModuleImports(): { from: string; to: string; file: string }[] {
  const found: { from: string; to: string; file: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const relative = path.relative(SRC, file);
    const from = relative.includes(path.sep) ? relative.split(path.sep)[0]! : null;
    if (!from) continue; // main.ts: the entry point sits above everything
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), match[1]!));
      const to = target.split(path.sep)[0]!;
      if (to !== from && !to.startsWith('..')) found.push({ from, to, file: relative });
    }
  }
  return found;
}

describe('the layers of src/', () => {
  it('puts every module of src/ in a layer', () => {
    const modules = readdirSync(SRC).filter((name) => statSync(path.join(SRC, name)).isDirectory());
    expect(modules.filter((m) => !layerOf.has(m))).toEqual([]);
  });

  it('has no import into the same or a higher layer', () => {
    const wrong = crossModuleImports()
      .filter(({ from, to }) => layerOf.get(to)! >= layerOf.get(from)!)
      .map(({ from, to, file }) => `${from} -> ${to} (${file})`);
    expect([...new Set(wrong)].sort()).toEqual([]);
  });
});
