import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server';

/**
 * The explorer's HTTP surface without a browser: which requests get the page
 * and which still reach GraphQL, its headers, the demo key only for local
 * callers, and the assets (cache headers, and no other host named anywhere a
 * browser would fetch from).
 */

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const DEMO_KEY = 'demo-key-for-the-page';
/** Hosts a page could load code, styles or fonts from when it is not self-contained. */
const CDN_HOSTS = ['esm.sh', 'unpkg.com', 'jsdelivr.net', 'cdnjs.cloudflare.com', 'fonts.googleapis.com', 'fonts.gstatic.com', 'apollographql.com', 'embeddable-sandbox'];

describe('the explorer over HTTP', () => {
  const server = useTestServer({ explorerDemoKey: DEMO_KEY });
  const origin = () => new URL(server.url).origin;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${origin()}${path}`, { headers });

  const assetUrls = (html: string) => [...html.matchAll(/(?:href|src|content)="(\/explorer\/assets\/[^"]+)"/g)].map((m) => m[1]!);

  it('serves the page at / with a self-only CSP, never cached', async () => {
    const response = await get('/', { accept: BROWSER_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/); // no other host, no wildcard
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('<title>CallPulse API explorer</title>');
    expect(html).not.toMatch(/https?:\/\//);
    expect(assetUrls(html)).toHaveLength(5); // three workers, the script and the style sheet
  });

  it('serves the page to a browser at /graphql, and GraphQL to everyone else', async () => {
    const page = await get('/graphql', { accept: BROWSER_ACCEPT });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>CallPulse API explorer</title>');

    // A GET query is GraphQL, whatever the Accept header says.
    for (const accept of ['application/json', 'application/graphql-response+json', BROWSER_ACCEPT]) {
      const answer = await get(`/graphql?query=${encodeURIComponent('{ __typename }')}`, { accept });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    }
    // Without a query, a JSON client gets GraphQL's own refusal, not a page.
    const empty = await get('/graphql', { accept: 'application/json' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toMatch(/^application\/json/);
    const withoutAccept = await get('/graphql');
    expect(withoutAccept.headers.get('content-type')).not.toMatch(/^text\/html/);
  });

  it('writes the demo key into the page only for a caller on this machine, without a proxy', async () => {
    expect(await (await get('/')).text()).toContain(`<meta name="callpulse-demo-key" content="${DEMO_KEY}">`);
    const proxied = await (await get('/', { 'x-forwarded-for': '203.0.113.9' })).text();
    expect(proxied).not.toContain('callpulse-demo-key');
    expect(proxied).not.toContain(DEMO_KEY);
    expect(await (await get('/', { forwarded: 'for=203.0.113.9' })).text()).not.toContain(DEMO_KEY);
  });

  it('serves every asset with a year of immutable caching and names no other host', async () => {
    const html = await (await get('/')).text();
    for (const url of assetUrls(html)) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('content-type'), url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/);
      const body = await response.text();
      for (const host of CDN_HOSTS) expect(body.includes(host), `${url} names ${host}`).toBe(false);
      // Nothing fetched from elsewhere: no remote url() in styles, no remote import or worker in scripts.
      expect(body, url).not.toMatch(/url\(\s*["']?https?:|import\(\s*["']https?:|new Worker\(\s*["']https?:|importScripts\(\s*["']https?:/);
    }
    expect((await get('/explorer/assets/no-such-file.js')).status).toBe(404);
    expect((await get('/explorer/assets/manifest.json')).status).toBe(200); // harmless: file names and sizes
  });
});
