import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, Role } from '../../src/org/api-key.entity';
import { hashSecret, newSecret } from '../../src/org/api-keys.crypto';
import { launchChromium } from '../support/chromium';
import { useTestServer, type GraphQLResponse } from '../support/server';

/** expect.poll's 1 s is too short for a first page load in Chromium on a busy machine (seen at load 7). */
const PAGE_WAIT = { timeout: 15_000 };

/**
 * The API explorer (src/explorer/: GraphiQL 5 bundled by the server) in real
 * headless Chromium with every request to another host aborted: it must load,
 * run a `kpis` query typed into its editor with the key from its key field,
 * and show the rows, offline. The server is started as an embedded start
 * would (with a demo key for the page), on a fresh database.
 *
 * `UPDATE_SCREENSHOTS=1` also writes the page with its answer to
 * docs/explorer.png (the README's screenshot).
 */

const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const SCREENSHOT = fileURLToPath(new URL('../../docs/explorer.png', import.meta.url));

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
/** Typed key by key into the editor: one line, so that Enter never accepts a completion. */
const TYPED_QUERY =
  'query ExplorerTest { kpis(query: { range: { from: "2026-03-02T00:00:00Z", to: "2026-03-04T00:00:00Z" }, granularity: DAY }) { rows { periodStart offered answered } } }';

/** Three contacts on 2 March (two answered), one on 3 March (abandoned). */
function contact(n: number, offeredAt: string, answered: boolean) {
  const offered = new Date(offeredAt).getTime();
  return {
    externalId: `explorer-${n}`,
    channel: 'VOICE',
    queue: 'billing',
    team: 'team-north',
    agent: answered ? 'agent-007' : null,
    offeredAt,
    answeredAt: answered ? new Date(offered + 10_000).toISOString() : null,
    endedAt: new Date(offered + (answered ? 300_000 : 60_000)).toISOString(),
    talkSeconds: answered ? 280 : 0,
  };
}
const CONTACTS = [
  contact(1, '2026-03-02T09:00:00Z', true),
  contact(2, '2026-03-02T10:00:00Z', true),
  contact(3, '2026-03-02T11:00:00Z', false),
  contact(4, '2026-03-03T09:00:00Z', false),
];
const EXPECTED_ROWS = [
  { periodStart: '2026-03-02T00:00:00.000Z', offered: 3, answered: 2 },
  { periodStart: '2026-03-03T00:00:00.000Z', offered: 1, answered: 0 },
];

function ok(result: GraphQLResponse): any {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}

describe('the API explorer in headless Chromium, offline', () => {
  // The key an embedded start hands to the page; made a real ANALYST key of the test organization below.
  const demoKey = newSecret();
  const server = useTestServer({ explorerDemoKey: demoKey });
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  /** Paths of the bundle's files the page fetched (workers included). */
  const assetsLoaded = new Set<string>();
  /** Monaco and GraphiQL report a missing worker or Prettier plugin as warnings, and go on without them. */
  const consoleWarnings: string[] = [];

  /** Types the query into the operation editor, runs it, and returns the JSON the server answered. */
  async function runTypedQuery(): Promise<any> {
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(TYPED_QUERY);
    await page.keyboard.press('Escape'); // close a completion list, if one is open
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('ExplorerTest'));
    await page.getByRole('button', { name: /^Execute query/ }).click();
    return (await answer).json();
  }

  // Monaco draws spaces as no-break spaces.
  const resultText = async () => (await page.locator('.result-window').innerText()).replace(/\u00a0/g, ' ');

  beforeAll(async () => {
    const em = server.db.orm.em.fork();
    await em.persistAndFlush(new ApiKey(server.org.id, 'demo key', Role.ANALYST, hashSecret(demoKey)));
    expect(ok(await server.gql(RECORD, { c: CONTACTS }, server.org.keys.INGEST)).recordContacts.created).toBe(4);

    browser = await launchChromium('the API explorer');
    origin = new URL(server.url).origin;
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', colorScheme: 'light' });
    // Offline: anything not served by this server is aborted (and recorded, to fail the tests).
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin && url.pathname.startsWith('/explorer/assets/')) assetsLoaded.add(url.pathname.replace(/-[A-Z0-9]{8}\./, '.'));
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      foreignRequests.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (message.type() === 'warning') consoleWarnings.push(message.text());
      if (message.type() !== 'error') return;
      if (new URL(message.location().url || 'about:blank').pathname === '/favicon.ico') return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('loads at / with the key field prefilled with the demo key', async () => {
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect.poll(() => page.title(), PAGE_WAIT).toBe('CallPulse API explorer');
    const key = page.getByLabel('API key', { exact: true });
    expect(await key.inputValue()).toBe(demoKey);
    expect(await key.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: /^Execute query/ }).waitFor();
  });

  it('runs a kpis query typed into the editor and shows its rows', async () => {
    const answer = await runTypedQuery();
    expect(answer).toEqual({ data: { kpis: { rows: EXPECTED_ROWS } } });
    await expect.poll(resultText, PAGE_WAIT).toContain('"periodStart": "2026-03-03T00:00:00.000Z"');
    const shown = await resultText();
    expect(shown).toContain('"offered": 3');
    expect(shown).toContain('"answered": 2');

    // Prettify (Prettier, lazily loaded chunks of the bundle) spreads the one-line query over lines.
    await page.getByRole('button', { name: /^Prettify query/ }).click();
    await expect.poll(() => page.locator('.graphiql-query-editor .view-line').count(), PAGE_WAIT).toBeGreaterThan(5);

    const screenshot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
    if (UPDATE_SCREENSHOTS) {
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await writeFile(SCREENSHOT, screenshot);
    }
    expect(consoleErrors).toEqual([]);
    expect(consoleWarnings).toEqual([]);
    expect(foreignRequests).toEqual([]);
    // Monaco's language services ran in the bundled workers, not on the main thread.
    for (const worker of ['worker-editor.js', 'worker-graphql.js', 'worker-json.js']) expect(assetsLoaded).toContain(`/explorer/assets/${worker}`);
  });

  it('sends the key of the field: none gives UNAUTHENTICATED, another key is used at once', async () => {
    const key = page.getByLabel('API key', { exact: true });
    await key.fill('');
    const anonymous = await runTypedQuery();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Chromium logs every HTTP error status of a fetch on the console: this one was asked for.
    expect(consoleErrors.splice(0)).toEqual([expect.stringMatching(/status of 401 \(Unauthorized\) \(http:\/\/127\.0\.0\.1:\d+\/graphql\)$/)]);

    await key.fill(server.org.keys.ADMIN);
    expect(await runTypedQuery()).toEqual({ data: { kpis: { rows: EXPECTED_ROWS } } });
  });

  it('keeps the key in the browser across a reload, instead of the demo key', async () => {
    await page.reload();
    const key = page.getByLabel('API key', { exact: true });
    await key.waitFor();
    expect(await key.inputValue()).toBe(server.org.keys.ADMIN);
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('callpulse.apiKey'))).toBe(server.org.keys.ADMIN);
    expect(await runTypedQuery()).toEqual({ data: { kpis: { rows: EXPECTED_ROWS } } });
  });

  it('is what a browser gets at /graphql too, offline', async () => {
    const response = await page.goto(`${origin}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await expect.poll(() => page.title(), PAGE_WAIT).toBe('CallPulse API explorer');
    expect(await page.getByLabel('API key', { exact: true }).inputValue()).toBe(server.org.keys.ADMIN);
    expect(await runTypedQuery()).toEqual({ data: { kpis: { rows: EXPECTED_ROWS } } });
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
