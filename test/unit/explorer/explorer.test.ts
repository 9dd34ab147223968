import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExplorerManifest } from '../../../src/explorer/bundle';
import { DEFAULT_PATHS, inputsHash } from '../../../src/explorer/bundle-cache';
import { explorerPage } from '../../../src/explorer/page';
import { fromThisMachine, wantsExplorer } from '../../../src/explorer/routes';

const MANIFEST: ExplorerManifest = {
  script: 'explorer-A.js',
  stylesheet: 'explorer-B.css',
  workers: { editor: 'worker-editor-C.js', json: 'worker-json-D.js', graphql: 'worker-graphql-E.js' },
  files: [],
  buildMs: 0,
  inputs: 'x',
};

/** The parts of an Express request the rules read. */
function request(accept: string | undefined, query: Record<string, string> = {}) {
  const accepts = (types: string[]) => {
    // Express's own negotiation, through a real request object, is exercised by the HTTP test;
    // here: the first listed type the header accepts at its highest quality.
    if (!accept) return types[0];
    const ranges = accept.split(',').map((part) => {
      const [type, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type!, q: q ? Number(q.slice(2)) : 1 };
    });
    const quality = (type: string) =>
      Math.max(0, ...ranges.filter((r) => r.type === type || r.type === '*/*' || r.type === `${type.split('/')[0]}/*`).map((r) => r.q));
    const best = Math.max(...types.map(quality));
    return best > 0 ? types.find((t) => quality(t) === best) : false;
  };
  return { accepts, query } as unknown as Parameters<typeof wantsExplorer>[0];
}

describe('wantsExplorer', () => {
  it('is true for a browser navigation without a query', () => {
    expect(wantsExplorer(request('text/html,application/xhtml+xml,*/*;q=0.8'))).toBe(true);
  });
  it('is false for GraphQL clients, curl and any request with a query', () => {
    expect(wantsExplorer(request('application/json'))).toBe(false);
    expect(wantsExplorer(request('*/*'))).toBe(false);
    expect(wantsExplorer(request(undefined))).toBe(false);
    expect(wantsExplorer(request('text/html', { query: '{ __typename }' }))).toBe(false);
  });
});

describe('fromThisMachine', () => {
  const peer = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as any;
  it('accepts loopback peers in IPv4, IPv6 and mapped form', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(fromThisMachine(peer(address)), address).toBe(true);
  });
  it('refuses other peers and any request that came through a proxy', () => {
    for (const address of ['10.0.0.5', '::ffff:192.168.1.2', '2001:db8::1', '']) expect(fromThisMachine(peer(address)), address).toBe(false);
    expect(fromThisMachine(peer('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }))).toBe(false);
    expect(fromThisMachine(peer('::1', { forwarded: 'for=203.0.113.9' }))).toBe(false);
  });
});

describe('explorerPage', () => {
  it('links the manifest files under /explorer/assets and writes no demo key unless given', () => {
    const html = explorerPage({ manifest: MANIFEST });
    expect(html).toContain('<script type="module" src="/explorer/assets/explorer-A.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/explorer/assets/explorer-B.css">');
    expect(html).toContain('<meta name="callpulse-worker-graphql" content="/explorer/assets/worker-graphql-E.js">');
    expect(html).not.toContain('callpulse-demo-key');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script: the CSP would refuse it
  });
  it('writes the demo key HTML-escaped', () => {
    const html = explorerPage({ manifest: MANIFEST, demoKey: 'k"><script>alert(1)</script>' });
    expect(html).toContain('<meta name="callpulse-demo-key" content="k&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
  });
});

describe('inputsHash', () => {
  it('changes when a client file changes and is stable otherwise; null without the sources', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'explorer-inputs-'));
    try {
      const clientDir = path.join(scratch, 'client');
      await cp(DEFAULT_PATHS.clientDir, clientDir, { recursive: true });
      const paths = { ...DEFAULT_PATHS, clientDir };
      const first = await inputsHash(paths);
      expect(first).toMatch(/^[0-9a-f]{16}$/);
      expect(await inputsHash(paths)).toBe(first);
      expect(first).toBe(await inputsHash(DEFAULT_PATHS)); // the copy has the same contents

      await writeFile(path.join(clientDir, 'explorer.css'), '/* changed */\n', { flag: 'a' });
      expect(await inputsHash(paths)).not.toBe(first);
      expect(await inputsHash({ ...paths, clientDir: path.join(scratch, 'absent') })).toBeNull();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
