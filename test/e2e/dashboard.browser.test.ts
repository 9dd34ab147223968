import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyboardProblems, staticProblems } from '../support/accessibility';
import { launchChromium } from '../support/chromium';
import { FIRST_DAY, LAST_DAY, seedDashboardCenter } from '../support/dashboard-seed';
import { useTestServer, type GraphQLResponse } from '../support/server';

/**
 * The dashboard page (src/dashboard/) in headless Chromium, offline (every
 * request to another host aborted), on a small seeded center: each view
 * loads, draws its charts, and the figures on the page (each cell's and
 * tile's data-value, and the text written from it) equal what the API
 * answers for the same question, asked here with the same key.
 *
 * `UPDATE_SCREENSHOTS=1` also writes each view at 1366×768 to
 * docs/screenshots/<view>.png (the README's screenshots).
 */

const PAGE_WAIT = { timeout: 20_000 };
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

function ok(result: GraphQLResponse): any {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** The page's number for a raw value, as format.js writes it. */
const numberOrNull = (text: string | null) => (text === null || text === '' ? null : Number(text));

describe('the dashboard page in headless Chromium, offline', () => {
  const server = useTestServer();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let policyId: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  /** A column's raw values (data-value) in a table, by its caption. */
  async function columnValues(caption: string, column: string): Promise<Array<number | null>> {
    const cells = page.getByRole('region', { name: caption, exact: true }).locator(`td[data-column="${column}"]`);
    return (await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')))).map(numberOrNull);
  }
  async function columnTexts(caption: string, column: string): Promise<string[]> {
    return page.getByRole('region', { name: caption, exact: true }).locator(`td[data-column="${column}"]`).allInnerTexts();
  }
  async function screenshot(name: string): Promise<void> {
    const png = await page.screenshot({ animations: 'disabled', caret: 'hide' });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    if (UPDATE_SCREENSHOTS) {
      await mkdir(SCREENSHOTS, { recursive: true });
      await writeFile(path.join(SCREENSHOTS, `${name}.png`), png);
    }
  }
  /** Waits until the view's charts are drawn (uPlot canvases with a size). */
  async function chartsDrawn(count: number): Promise<void> {
    await expect.poll(() => page.locator('figure.chart canvas').count(), PAGE_WAIT).toBe(count);
    const sizes = await page.locator('figure.chart canvas').evaluateAll((canvases) => canvases.map((c) => (c as any).width as number));
    for (const width of sizes) expect(width).toBeGreaterThan(200);
  }

  beforeAll(async () => {
    ({ policyId } = await seedDashboardCenter(server));
    browser = await launchChromium('the dashboard page');
    origin = new URL(server.url).origin;
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', colorScheme: 'light', acceptDownloads: true });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      foreignRequests.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      if (new URL(message.location().url || 'about:blank').pathname === '/favicon.ico') return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('loads at /dashboard with a CSP of its own origin and asks for the key, which the keyboard reaches first', async () => {
    const response = await page.goto(`${origin}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect.poll(() => page.title(), PAGE_WAIT).toBe('Wallboard · CallPulse dashboard');
    await page.getByRole('alert').filter({ hasText: 'Enter an API key' }).waitFor();
    // The bundle's files are named by their content: cached for a year, like the explorer's.
    const script = await page.locator('script[type="module"]').getAttribute('src');
    const asset = await fetch(`${origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    // Tab through the bar: the view links, then the key field, labelled "API key".
    const reached: string[] = [];
    for (let i = 0; i < 10 && reached.at(-1) !== 'callpulse-api-key'; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => (globalThis as any).document.activeElement?.id || (globalThis as any).document.activeElement?.textContent || ''));
    }
    expect(reached.at(-1)).toBe('callpulse-api-key');
    const key = page.getByLabel('API key', { exact: true });
    expect(await key.evaluate((element) => element === (globalThis as any).document.activeElement)).toBe(true);
    expect(await key.getAttribute('type')).toBe('password');
    await page.keyboard.type(server.org.keys.ANALYST);
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('callpulse.apiKey'))).toBe(server.org.keys.ANALYST);
  });

  it('Wallboard: the day by 15 minutes, its tiles and rows equal kpis and staffing for the same question', async () => {
    await page.goto(`${origin}/dashboard#/wallboard?date=${LAST_DAY}&scope=team:team-north&threshold=30&target=75`);
    await page.reload(); // the key comes back from the browser's storage
    await chartsDrawn(3);
    const variables = {
      query: { dates: { from: LAST_DAY, to: LAST_DAY }, timeZone: 'UTC', filter: { teamKeys: ['team-north'] }, granularity: 'FIFTEEN_MINUTES', serviceLevelThresholdSeconds: 30 },
      staffing: { dates: { from: LAST_DAY, to: LAST_DAY }, timeZone: 'UTC', filter: { teamKeys: ['team-north'] }, intervalMinutes: 15, thresholdSeconds: 30, targetServiceLevel: 0.75 },
    };
    const figures = 'periodStart offered answered serviceLevel averageSpeedOfAnswer abandonRate longestWait: waitTimePercentile(p: 1)';
    const expected = ok(
      await server.gql(
        `query($query: KpiQuery!, $staffing: StaffingQuery!) { kpis(query: $query) { rows { ${figures} } total { ${figures} } }
          staffing(query: $staffing) { periodStart requiredStaff staffedAgents } }`,
        variables,
        server.org.keys.ANALYST,
      ),
    );
    const total = expected.kpis.total;
    expect(total.offered).toBeGreaterThan(50);
    const tile = (name: string) => page.locator(`[data-tile="${name}"] .tile-value`);
    for (const name of ['offered', 'answered', 'serviceLevel', 'averageSpeedOfAnswer', 'abandonRate', 'longestWait']) {
      expect(numberOrNull(await tile(name).getAttribute('data-value')), name).toBe(total[name]);
    }
    expect(await tile('offered').innerText()).toBe(String(total.offered));
    expect(await tile('serviceLevel').innerText()).toBe(`${(total.serviceLevel * 100).toFixed(1)}%`);

    // Every interval with contacts, in order, with its figures; staffing joined by interval.
    const rows = expected.kpis.rows as Array<Record<string, any>>;
    const shownStarts = await columnTexts('Per 15 minutes', 'interval');
    expect(shownStarts.length).toBeGreaterThanOrEqual(rows.length);
    const offered = await columnValues('Per 15 minutes', 'offered');
    const serviceLevels = await columnValues('Per 15 minutes', 'serviceLevel');
    const longest = await columnValues('Per 15 minutes', 'longestWait');
    const staffed = await columnValues('Per 15 minutes', 'staffedAgents');
    const required = await columnValues('Per 15 minutes', 'requiredStaff');
    const byClock = new Map(shownStarts.map((clock, i) => [clock, i]));
    for (const row of rows) {
      const i = byClock.get(row.periodStart.slice(11, 16))!;
      expect(i, row.periodStart).toBeDefined();
      expect(offered[i]).toBe(row.offered);
      expect(serviceLevels[i]).toBe(row.serviceLevel);
      expect(longest[i]).toBe(row.longestWait);
    }
    for (const interval of expected.staffing as Array<Record<string, any>>) {
      const i = byClock.get(interval.periodStart.slice(11, 16));
      if (i === undefined) {
        expect(interval.requiredStaff === 0 && !interval.staffedAgents, interval.periodStart).toBe(true);
        continue;
      }
      expect(required[i]).toBe(interval.requiredStaff);
      expect(staffed[i]).toBe(interval.staffedAgents);
    }
    expect(staffed.filter((s) => s !== null).length).toBe(40); // 08:00–18:00 UTC
    await screenshot('wallboard');
  });

  it('Wallboard: a day without contacts links to the latest day with some', async () => {
    await page.goto(`${origin}/dashboard#/wallboard?date=2026-03-10&scope=team:team-north`);
    const link = page.getByRole('link', { name: LAST_DAY, exact: true });
    await link.click();
    await expect.poll(() => page.url(), PAGE_WAIT).toContain(`date=${LAST_DAY}`);
    expect(page.url()).toContain('scope=team%3Ateam-north');
    await chartsDrawn(3);
  });

  /** The wallboard's question for a day (whole center, T = 20 s), as the page asks it. */
  const TILE_FIGURES = ['offered', 'answered', 'serviceLevel', 'averageSpeedOfAnswer', 'abandonRate', 'longestWait'];
  async function wallboardTotal(day: string): Promise<Record<string, number | null>> {
    const query = { dates: { from: day, to: day }, timeZone: 'UTC', granularity: 'FIFTEEN_MINUTES', serviceLevelThresholdSeconds: 20 };
    return ok(
      await server.gql(
        `query($query: KpiQuery!) { kpis(query: $query) { total { offered answered serviceLevel averageSpeedOfAnswer abandonRate longestWait: waitTimePercentile(p: 1) } } }`,
        { query },
        server.org.keys.ANALYST,
      ),
    ).kpis.total;
  }
  async function tileValues(on: Page): Promise<Record<string, number | null>> {
    const values: Record<string, number | null> = {};
    for (const name of TILE_FIGURES) values[name] = numberOrNull(await on.locator(`[data-tile="${name}"] .tile-value`).getAttribute('data-value'));
    return values;
  }
  /** Records one voice contact of the queue "billing" offered `agoMs` before now: answered after `wait` s, or abandoned (answered false). */
  async function recordNow(externalId: string, agoMs: number, { wait, answered }: { wait: number; answered: boolean }): Promise<string> {
    const offered = Date.now() - agoMs;
    const contact = {
      externalId,
      channel: 'VOICE',
      queue: 'billing',
      team: 'team-north',
      agent: answered ? 'agent-ann' : null,
      offeredAt: new Date(offered).toISOString(),
      answeredAt: answered ? new Date(offered + wait * 1000).toISOString() : null,
      endedAt: new Date(offered + wait * 1000 + (answered ? 30_000 : 0) + 1000).toISOString(),
      talkSeconds: answered ? 30 : 0,
      afterContactWorkSeconds: 0,
      resolved: answered ? true : null,
    };
    ok(await server.gql(`mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`, { c: [contact] }, server.org.keys.INGEST));
    return contact.offeredAt.slice(0, 10);
  }
  /** Polls until the page's offered tile reads `count`; the milliseconds it took. */
  async function offeredReaches(on: Page, count: number, timeout = 10_000): Promise<number> {
    const started = performance.now();
    await expect.poll(() => on.locator('[data-tile="offered"] .tile-value').getAttribute('data-value'), { timeout, interval: 50 }).toBe(String(count));
    return Math.round(performance.now() - started);
  }
  /** The page's POST /graphql requests asking for kpis (a poll), from now on. */
  function kpisRequests(on: Page): string[] {
    const seen: string[] = [];
    on.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql' && request.method() === 'POST' && (request.postData() ?? '').includes('kpis(')) seen.push(request.postData()!);
    });
    return seen;
  }

  it('Wallboard live: a contact recorded through the API is on the page within seconds, without reload or poll, equal to kpis', async () => {
    // Today (the contacts are offered a minute ago: the day of that instant, even just after midnight).
    const day = new Date(Date.now() - 90_000).toISOString().slice(0, 10);
    await page.goto(`${origin}/dashboard#/wallboard?date=${day}`);
    // The day's figures first: until the new subscription starts, the indicator is the previous day's.
    await expect.poll(() => tileValues(page), PAGE_WAIT).toEqual(await wallboardTotal(day));
    await page.locator('[data-live-mode="live"]').waitFor(PAGE_WAIT);
    expect(await page.getByRole('status').filter({ hasText: 'Live' }).count()).toBe(1);
    const before = (await wallboardTotal(day)).offered!;
    const loaded = await page.evaluate(() => (globalThis as any).performance.timeOrigin);
    const polls = kpisRequests(page);

    expect(await recordNow('live-1', 80_000, { wait: 12, answered: true })).toBe(day);
    const first = await offeredReaches(page, before + 1);
    expect(await tileValues(page)).toEqual(await wallboardTotal(day));
    expect(await recordNow('live-2', 70_000, { wait: 45, answered: false })).toBe(day);
    const second = await offeredReaches(page, before + 2);
    const total = await wallboardTotal(day);
    expect(await tileValues(page)).toEqual(total);
    expect(total.abandonRate).toBeGreaterThan(0);
    // The interval's row too, and the chart drawn for it.
    expect((await columnValues('Per 15 minutes', 'offered')).reduce((sum, n) => sum! + (n ?? 0), 0)).toBe(total.offered);
    await chartsDrawn(3);

    // Pushed over the socket: the page neither reloaded nor asked for kpis over HTTP.
    expect(await page.evaluate(() => (globalThis as any).performance.timeOrigin)).toBe(loaded);
    expect(polls).toEqual([]);
    console.info(`wallboard live: recorded contact on the page after ${first} ms and ${second} ms`);
  });

  it('Wallboard live: when the socket cannot be opened it says so and refreshes every 15 s, equal to kpis', async () => {
    const fallback = await context.newPage();
    try {
      // Every WebSocket to /graphql is closed before the server sees it (as a proxy without WebSocket support would).
      await fallback.routeWebSocket(/\/graphql$/, (socket) => socket.close({ code: 1006 as number, reason: 'no WebSocket here' }));
      const day = new Date(Date.now() - 90_000).toISOString().slice(0, 10);
      await fallback.goto(`${origin}/dashboard#/wallboard?date=${day}`);
      await fallback.locator('[data-live-mode="polling"]').waitFor(PAGE_WAIT);
      expect(await fallback.getByRole('status').filter({ hasText: 'Refreshed every 15 s (live updates unavailable)' }).count()).toBe(1);
      await expect.poll(() => tileValues(fallback), PAGE_WAIT).toEqual(await wallboardTotal(day));
      const before = (await wallboardTotal(day)).offered!;
      await recordNow('poll-1', 60_000, { wait: 5, answered: true });
      const waited = await offeredReaches(fallback, before + 1, 25_000);
      expect(waited).toBeGreaterThan(1_000); // read at the next refresh, not pushed
      expect(await tileValues(fallback)).toEqual(await wallboardTotal(day));
      console.info(`wallboard polling: recorded contact on the page after ${waited} ms`);
    } finally {
      await fallback.close();
    }
  });

  it('Wallboard live: a dropped socket shows "Reconnecting", then live again with the figures of kpis', async () => {
    const dropping = await context.newPage();
    try {
      let sockets = 0;
      let first: { close(options?: { code?: number; reason?: string }): Promise<void> } | undefined;
      await dropping.routeWebSocket(/\/graphql$/, (socket) => {
        sockets += 1;
        socket.connectToServer();
        if (sockets === 1) first = socket;
      });
      const day = new Date(Date.now() - 90_000).toISOString().slice(0, 10);
      await dropping.goto(`${origin}/dashboard#/wallboard?date=${day}`);
      await dropping.locator('[data-live-mode="live"]').waitFor(PAGE_WAIT);
      await first!.close({ code: 1012, reason: 'service restart' });
      await dropping.locator('[data-live-mode="reconnecting"]').waitFor(PAGE_WAIT);
      expect(await dropping.getByRole('status').filter({ hasText: 'Reconnecting' }).count()).toBe(1);
      await dropping.locator('[data-live-mode="live"]').waitFor(PAGE_WAIT);
      expect(sockets).toBe(2);
      const before = (await wallboardTotal(day)).offered!;
      await recordNow('reconnected-1', 50_000, { wait: 3, answered: true });
      await offeredReaches(dropping, before + 1);
      expect(await tileValues(dropping)).toEqual(await wallboardTotal(day));
    } finally {
      await dropping.close();
    }
  });

  it('Wallboard left on overnight: without a chosen day it turns to the new day at midnight and shows its figures', async () => {
    // A context of its own: its clock is faked (it starts a minute before midnight after LAST_DAY and runs from there).
    const night = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', colorScheme: 'light' });
    try {
      await night.clock.install({ time: new Date(`${LAST_DAY}T23:59:00Z`) });
      const wall = await night.newPage();
      await wall.goto(`${origin}/dashboard#/wallboard`);
      await wall.getByLabel('API key', { exact: true }).fill(server.org.keys.ANALYST);
      await expect.poll(() => tileValues(wall), PAGE_WAIT).toEqual(await wallboardTotal(LAST_DAY));
      expect(await wall.getByLabel('Day', { exact: true }).inputValue()).toBe(LAST_DAY);
      expect((await wallboardTotal(LAST_DAY)).offered).toBeGreaterThan(100);

      // Timers due before midnight run first (the page renders with the old day), then the clock passes midnight quietly:
      // no write, no poll, only the day check can turn the page.
      await night.clock.fastForward('00:40');
      await wall.waitForTimeout(500);
      expect(await wall.getByLabel('Day', { exact: true }).inputValue()).toBe(LAST_DAY);
      await night.clock.fastForward('00:40');
      const next = new Date(Date.parse(`${LAST_DAY}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      await expect.poll(() => wall.getByLabel('Day', { exact: true }).inputValue(), PAGE_WAIT).toBe(next);
      await expect.poll(() => tileValues(wall), PAGE_WAIT).toEqual(await wallboardTotal(next));
      await wall.locator('[data-live-mode="live"]').waitFor(PAGE_WAIT);
      expect(wall.url()).not.toContain('date='); // still "today", not pinned to a day
    } finally {
      await night.close();
    }
  });

  it('Explore: a metric by queue and day with the previous period equals kpis, and its CSV is the export', async () => {
    const hash = `#/explore?metric=averageHandleTime&groupBy=QUEUE&granularity=DAY&from=2026-02-24&to=${LAST_DAY}&compare=1`;
    await page.goto(`${origin}/dashboard${hash}`);
    await chartsDrawn(1);
    const query = { dates: { from: '2026-02-24', to: LAST_DAY }, timeZone: 'UTC', groupBy: ['QUEUE'], granularity: 'DAY', compareWithPrevious: true };
    const expected = ok(
      await server.gql(
        `query($query: KpiQuery!) { kpis(query: $query) { rows { periodLabel queue { name } averageHandleTime previous { averageHandleTime } } total { averageHandleTime } } }`,
        { query },
        server.org.keys.ANALYST,
      ),
    ).kpis;
    const caption = 'Average handle time per period and queue';
    expect(await columnTexts(caption, 'period')).toEqual(expected.rows.map((r: any) => r.periodLabel));
    expect(await columnTexts(caption, 'group')).toEqual(expected.rows.map((r: any) => r.queue.name));
    expect(await columnValues(caption, 'value')).toEqual(expected.rows.map((r: any) => r.averageHandleTime));
    expect(await columnValues(caption, 'previous')).toEqual(expected.rows.map((r: any) => r.previous?.averageHandleTime ?? null));
    expect(numberOrNull(await page.getByTestId('explore-total').locator('strong').getAttribute('data-value'))).toBe(expected.total.averageHandleTime);
    expect(expected.rows.length).toBe(14); // 7 days × 2 queues
    await screenshot('explore');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('region', { name: caption, exact: true }).getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('kpis.csv');
    const saved = await readFile((await download.path())!, 'utf8');
    const direct = await fetch(`${origin}/export/kpis.csv?${new URLSearchParams({ query: JSON.stringify(query), fields: 'averageHandleTime' })}`, {
      headers: { authorization: `Bearer ${server.org.keys.ANALYST}` },
    });
    expect(saved).toBe(await direct.text());
    expect(saved.split('\r\n')[0]).toBe('periodStart,periodEnd,periodLabel,queue,averageHandleTime');
  });

  it('SLA review: the scorecard equals slaScorecard and kpis, trends are drawn, and a click shows the contacts behind the card', async () => {
    await page.goto(`${origin}/dashboard#/sla?policy=${policyId}&at=${LAST_DAY}&drill=AGENT`);
    await chartsDrawn(3);
    const expected = ok(
      await server.gql(
        `query($id: ID!, $at: DateTime!) { slaScorecard(policyId: $id, periodContaining: $at, drillDown: AGENT) { agent { name } unassigned compliance targets { metric actual status } } }`,
        { id: policyId, at: `${LAST_DAY}T12:00:00Z` },
        server.org.keys.ANALYST,
      ),
    ).slaScorecard;
    const [card, ...agents] = expected;
    expect(await columnValues('Scorecard', 'actual')).toEqual(card.targets.map((t: any) => t.actual));
    expect(await columnTexts('Scorecard', 'status')).toEqual(card.targets.map((t: any) => ({ MET: 'Met', AT_RISK: 'At risk', BREACHED: 'Breached', NO_DATA: 'No data' })[t.status as string]));
    expect(numberOrNull(await page.getByTestId('sla-compliance').getAttribute('data-value'))).toBe(card.compliance);
    expect(await columnTexts('Worst agents', 'name')).toEqual(agents.map((a: any) => (a.unassigned ? 'unassigned' : a.agent.name)));
    // Every dimension drills down: by queue, the cards slaScorecard gives, in its order.
    await page.goto(`${origin}/dashboard#/sla?policy=${policyId}&at=${LAST_DAY}&drill=QUEUE`);
    const queues = ok(
      await server.gql(
        `query($id: ID!, $at: DateTime!) { slaScorecard(policyId: $id, periodContaining: $at, drillDown: QUEUE) { queue { name } unassigned } }`,
        { id: policyId, at: `${LAST_DAY}T12:00:00Z` },
        server.org.keys.ANALYST,
      ),
    ).slaScorecard.slice(1);
    expect(queues.length).toBeGreaterThan(0);
    await expect.poll(() => columnTexts('Worst queues', 'name'), PAGE_WAIT).toEqual(queues.map((q: any) => (q.unassigned ? 'unassigned' : q.queue.name)));
    await page.goto(`${origin}/dashboard#/sla?policy=${policyId}&at=${LAST_DAY}&drill=AGENT`);
    await chartsDrawn(3);
    // The policy has all hours and the default T: its figures are the day's kpis.
    const day = ok(
      await server.gql(`query($q: KpiQuery!) { kpis(query: $q) { total { offered serviceLevel abandonRate averageSpeedOfAnswer } } }`, { q: { dates: { from: LAST_DAY, to: LAST_DAY } } }, server.org.keys.ANALYST),
    ).kpis.total;
    expect(await columnValues('Scorecard', 'actual')).toEqual([day.serviceLevel, day.abandonRate, day.averageSpeedOfAnswer]);
    await screenshot('sla-review');

    await page.getByRole('link', { name: 'Contacts behind this card' }).click();
    await expect.poll(() => page.getByTestId('contacts-total').getAttribute('data-value'), PAGE_WAIT).toBe(String(day.offered));
    expect((await columnTexts('Contacts', 'externalId')).length).toBe(100); // the first page
    expect(page.url()).toContain('#/contacts?');
  });

  it('Staffing: required against staffed per interval equals staffing, and its offered equals kpis by 30 minutes', async () => {
    await page.goto(`${origin}/dashboard#/staffing?date=${LAST_DAY}&interval=30&scope=team:team-north`);
    await chartsDrawn(1);
    const filter = { teamKeys: ['team-north'] };
    const expected = ok(
      await server.gql(
        `query($s: StaffingQuery!, $q: KpiQuery!) { staffing(query: $s) { periodStart offered requiredAgents requiredStaff staffedAgents gap }
          kpis(query: $q) { rows { periodStart offered } } }`,
        {
          s: { dates: { from: LAST_DAY, to: LAST_DAY }, timeZone: 'UTC', filter, intervalMinutes: 30, source: 'ACTUAL', targetServiceLevel: 0.8, thresholdSeconds: 20, shrinkage: 0.3 },
          q: { dates: { from: LAST_DAY, to: LAST_DAY }, filter, granularity: 'THIRTY_MINUTES' },
        },
        server.org.keys.ANALYST,
      ),
    );
    const intervals = expected.staffing as Array<Record<string, any>>;
    expect(intervals.length).toBe(48);
    expect(await columnValues('Per interval', 'requiredStaff')).toEqual(intervals.map((i) => i.requiredStaff));
    expect(await columnValues('Per interval', 'staffedAgents')).toEqual(intervals.map((i) => i.staffedAgents));
    expect(await columnValues('Per interval', 'gap')).toEqual(intervals.map((i) => i.gap));
    const offered = await columnValues('Per interval', 'offered');
    const kpiOffered = new Map((expected.kpis.rows as Array<Record<string, any>>).map((r) => [Date.parse(r.periodStart), r.offered]));
    expect(offered).toEqual(intervals.map((i) => kpiOffered.get(Date.parse(i.periodStart)) ?? 0));
    await screenshot('staffing');
  });

  it('Voice of the customer: CSAT, NPS, complaints and QA per week equal kpis and complaintBreakdown; the worst comments come first', async () => {
    await page.goto(`${origin}/dashboard#/voice?from=${FIRST_DAY}&to=${LAST_DAY}&granularity=WEEK`);
    await chartsDrawn(4);
    const query = { dates: { from: FIRST_DAY, to: LAST_DAY }, timeZone: 'UTC', granularity: 'WEEK' };
    const expected = ok(
      await server.gql(
        `query($q: KpiQuery!) { kpis(query: $q) { rows { periodLabel surveyResponses csatScore netPromoterScore complaints qaEvaluations qaScore fatalErrorRate } }
          complaintBreakdown(query: $q) { category count } }`,
        { q: query },
        server.org.keys.ANALYST,
      ),
    );
    const rows = expected.kpis.rows as Array<Record<string, any>>;
    expect(rows.reduce((sum, r) => sum + r.surveyResponses, 0)).toBeGreaterThan(100);
    expect(await columnTexts('Per period', 'period')).toEqual(rows.map((r) => r.periodLabel));
    for (const field of ['surveyResponses', 'csatScore', 'netPromoterScore', 'complaints', 'qaEvaluations', 'qaScore', 'fatalErrorRate']) {
      expect(await columnValues('Per period', field), field).toEqual(rows.map((r) => r[field]));
    }
    expect(rows.reduce((sum, r) => sum + r.qaEvaluations, 0)).toBeGreaterThan(100);
    expect(rows.some((r) => r.fatalErrorRate > 0)).toBe(true);
    expect(await columnValues('Complaints by category', 'count')).toEqual(expected.complaintBreakdown.map((c: any) => c.count));
    const csat = await columnValues('Worst comments', 'csat');
    expect(csat.length).toBe(20);
    expect(csat).toEqual([...csat].sort((a, b) => a! - b!));
    expect(csat[0]).toBe(1);
    await screenshot('voice-of-the-customer');

    // Quality by agent, then by team: every member with evaluations, lowest QA score first (ties in the report's order).
    for (const [by, caption] of [['AGENT', 'Quality by agent'], ['TEAM', 'Quality by team']] as const) {
      await page.goto(`${origin}/dashboard#/voice?from=${FIRST_DAY}&to=${LAST_DAY}&granularity=WEEK&qaBy=${by}`);
      const members = ok(
        await server.gql(
          `query($q: KpiQuery!) { kpis(query: $q) { rows { agent { name } team { name } qaEvaluations qaScore fatalErrors fatalErrorRate csatScore } } }`,
          { q: { dates: { from: FIRST_DAY, to: LAST_DAY }, timeZone: 'UTC', groupBy: [by] } },
          server.org.keys.ANALYST,
        ),
      ).kpis.rows as Array<Record<string, any>>;
      const expected = members.filter((m) => m.qaEvaluations > 0).sort((a, b) => a.qaScore - b.qaScore);
      expect(expected.length).toBe(by === 'AGENT' ? 4 : 2);
      const name = (m: Record<string, any>) => (by === 'AGENT' ? m.agent : m.team)?.name ?? 'unassigned';
      await expect.poll(() => columnTexts(caption, 'name'), PAGE_WAIT).toEqual(expected.map(name));
      for (const field of ['qaEvaluations', 'qaScore', 'fatalErrors', 'fatalErrorRate', 'csatScore']) {
        expect(await columnValues(caption, field), `${by} ${field}`).toEqual(expected.map((m) => m[field]));
      }
    }
  });

  it('fits 1,366 × 768 and 1,920 × 1,080 without sideways scrolling', async () => {
    for (const viewport of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(viewport);
      for (const hash of [`#/wallboard?date=${LAST_DAY}`, `#/explore?from=${FIRST_DAY}&to=${LAST_DAY}`, `#/sla?policy=${policyId}&at=${LAST_DAY}`, `#/staffing?date=${LAST_DAY}`, `#/voice?from=${FIRST_DAY}&to=${LAST_DAY}`]) {
        await page.goto(`${origin}/dashboard${hash}`);
        await expect.poll(() => page.locator('figure.chart canvas').count(), PAGE_WAIT).toBeGreaterThan(0);
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
        expect(overflow, `${hash} at ${viewport.width}`).toBeLessThanOrEqual(0);
      }
    }
  });

  it('every view: controls labelled, text contrast of WCAG AA, every control reached by Tab with a visible focus', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const views = [
      `#/wallboard?date=${LAST_DAY}`,
      `#/sla?policy=${policyId}&at=${LAST_DAY}`,
      `#/explore?from=${FIRST_DAY}&to=${LAST_DAY}`,
      `#/staffing?date=${LAST_DAY}`,
      `#/voice?from=${FIRST_DAY}&to=${LAST_DAY}`,
      `#/contacts?from=${LAST_DAY}T00:00:00Z&to=${LAST_DAY}T12:00:00Z`,
    ];
    for (const hash of views) {
      await page.goto(`${origin}/dashboard${hash}`);
      await page.reload(); // a fresh page: Tab starts at the top
      await expect.poll(() => page.locator('td[data-column]').count(), { ...PAGE_WAIT, message: `${hash} shows a table` }).toBeGreaterThan(0);
      expect(await staticProblems(page), hash).toEqual([]);
      expect(await keyboardProblems(page), hash).toEqual([]);
    }
    // The states before a view: the key missing, a key refused (in a context of its own: no key stored, its 401s not this page's errors).
    const fresh = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', colorScheme: 'light' });
    try {
      const bare = await fresh.newPage();
      await bare.goto(`${origin}/dashboard#/wallboard`);
      await bare.getByRole('alert').filter({ hasText: 'Enter an API key' }).waitFor();
      expect(await staticProblems(bare), 'no key').toEqual([]);
      await bare.getByLabel('API key', { exact: true }).fill('cp_not_a_key');
      await bare.getByRole('alert').filter({ hasNotText: 'Enter an API key' }).waitFor();
      expect(await staticProblems(bare), 'refused key').toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('made no request to another host and logged no error', () => {
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
