import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { useTestServer, type GraphQLResponse } from '../support/server';

/** expect.poll's 1 s is too short for a first page load in Chromium on a busy machine (seen at load 7). */
const PAGE_WAIT = { timeout: 15_000 };

/**
 * The hosted survey page (`GET /survey/<token>`, src/surveys/widget/) driven in
 * real headless Chromium (Debian's `chromium` package through playwright-core),
 * against the real HTTP server on a fresh database: a customer answers a real
 * invitation with the keyboard and the form's labels, and the CSAT figures of
 * `kpis` move.
 *
 * The browser is `CHROMIUM_PATH` or `/usr/bin/chromium`; `.ci/run` installs
 * Debian's package when it is missing. Without it this file fails (never skips).
 *
 * `UPDATE_SCREENSHOTS=1` also writes the filled form to docs/survey-page.png
 * (the README's screenshot); otherwise nothing in the repository is touched.
 */

const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const SCREENSHOT = fileURLToPath(new URL('../../docs/survey-page.png', import.meta.url));

const RECORD = `mutation($c: [ContactInput!]!) { recordContacts(contacts: $c) { created } }`;
const INVITE = `mutation($id: String!) { createSurveyInvitation(contactExternalId: $id) { id token } }`;
const KPIS = `query($q: KpiQuery!) { kpis(query: $q) { total { surveyInvitations surveyResponses csatScore csatAverage selfReportedResolutionRate complaints netPromoterScore } } }`;
const RESPONSES = `query($r: TimeRange!) { surveyResponses(range: $r) { edges { node { csat resolved complaint complaintCategory nps comment contact { externalId } } } } }`;

const RANGE = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
const CONTACT = {
  externalId: 'pbx-2026-03-02-000123',
  channel: 'VOICE',
  queue: 'billing',
  team: 'team-north',
  agent: 'agent-007',
  customerRef: 'cust-42',
  offeredAt: '2026-03-02T09:00:00Z',
  answeredAt: '2026-03-02T09:00:12Z',
  endedAt: '2026-03-02T09:05:00Z',
  talkSeconds: 250,
};
/** Stored verbatim and never run: the page builds its DOM with textContent and a strict CSP. */
const COMMENT = 'Sorted out in one call, thank you! <script>alert(1)</script>';

// The exact accessible names of src/surveys/widget/survey.js (its top comment).
const TEXT = {
  heading: 'Tell us how we did',
  csat: (n: number) => `${n} \u2013 ${['Very dissatisfied', 'Dissatisfied', 'Neither satisfied nor dissatisfied', 'Satisfied', 'Very satisfied'][n - 1]}`,
  resolvedGroup: 'Was your issue resolved?',
  complaint: 'Do you want to make a complaint?',
  category: 'Complaint category',
  npsGroup: 'How likely are you to recommend us to a friend or colleague?',
  comment: 'Anything else you would like to tell us?',
  send: 'Send',
  sent: 'Thank you \u2014 your answers have been sent.',
  responded: 'Thank you \u2014 we have already received your answers for this contact.',
  invalid: 'This survey link is not valid.',
};

/** The data of a GraphQL answer; its errors, spelled out, otherwise. */
function ok(result: GraphQLResponse): any {
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

/** Whether the element has the keyboard focus (runs in the page; the tests' tsconfig has no DOM lib). */
const isFocused = (locator: Locator) => locator.evaluate((el) => el === el.ownerDocument.activeElement);

describe('the hosted survey page in headless Chromium', () => {
  const server = useTestServer();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let token: string;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  const dialogs: string[] = [];

  const totals = async () => {
    return ok(await server.gql(KPIS, { q: { range: RANGE } }, server.org.keys.ANALYST)).kpis.total;
  };

  beforeAll(async () => {
    browser = await launchChromium('the survey page');
    origin = new URL(server.url).origin;
    context = await browser.newContext({ viewport: { width: 480, height: 900 }, locale: 'en-GB', colorScheme: 'light' });
    page = await context.newPage();
    // Every step here takes well under a second; fail fast rather than at the 30 s default.
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium asks every origin for /favicon.ico on its own; the page links no icon and the server has none.
      if (new URL(message.location().url || 'about:blank').pathname === '/favicon.ico') return;
      consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'about:' && url.origin !== origin) foreignRequests.push(request.url());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('has a real invitation to answer, and no responses yet', async () => {
    expect(ok(await server.gql(RECORD, { c: [CONTACT] }, server.org.keys.INGEST)).recordContacts.created).toBe(1);
    token = ok(await server.gql(INVITE, { id: CONTACT.externalId }, server.org.keys.INGEST)).createSurveyInvitation.token;
    expect(token).toMatch(/^sv_[A-Za-z0-9_-]{43}$/);

    expect(await totals()).toMatchObject({ surveyInvitations: 1, surveyResponses: 0, csatScore: null, csatAverage: null });
  });

  it('is answered with the keyboard and the labels, sent, and thanked for', async () => {
    const response = await page.goto(`${origin}/survey/${token}`);
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.title(), PAGE_WAIT).toBe('Customer survey');
    await page.getByRole('heading', { level: 1, name: TEXT.heading }).waitFor();

    // CSAT with the keyboard: focus "1", arrow down three times to "4 – Satisfied".
    const csat = [1, 2, 3, 4, 5].map((n) => page.getByRole('radio', { name: TEXT.csat(n), exact: true }));
    for (const radio of csat) await radio.waitFor();
    await csat[0]!.focus();
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
    expect(await csat[3]!.isChecked()).toBe(true);
    expect(await isFocused(csat[3]!)).toBe(true);
    for (const n of [0, 1, 2, 4]) expect(await csat[n]!.isChecked()).toBe(false);

    // Resolved: Yes, by its label within its group.
    const resolved = page.getByRole('group', { name: TEXT.resolvedGroup });
    await resolved.getByRole('radio', { name: 'Yes', exact: true }).check();

    // No complaint: the category box stays hidden until the checkbox is ticked.
    const complaint = page.getByRole('checkbox', { name: TEXT.complaint });
    expect(await complaint.isChecked()).toBe(false);
    expect(await page.getByRole('textbox', { name: TEXT.category }).count()).toBe(0);

    // NPS 9: Tab from the checkbox into the NPS group (lands on "0"), then arrow right nine times.
    await complaint.focus();
    await page.keyboard.press('Tab');
    const nps = page.getByRole('group', { name: TEXT.npsGroup });
    expect(await isFocused(nps.getByRole('radio', { name: '0', exact: true }))).toBe(true);
    for (let i = 0; i < 9; i += 1) await page.keyboard.press('ArrowRight');
    expect(await nps.getByRole('radio', { name: '9', exact: true }).isChecked()).toBe(true);

    // The comment, typed key by key.
    const comment = page.getByRole('textbox', { name: TEXT.comment });
    await comment.click();
    await page.keyboard.type(COMMENT);
    expect(await comment.inputValue()).toBe(COMMENT);
    await page.getByText(`${COMMENT.length} of 2000 characters used`, { exact: true }).waitFor();

    const screenshot = await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
    expect(screenshot.subarray(1, 4).toString('latin1')).toBe('PNG');
    if (UPDATE_SCREENSHOTS) {
      await mkdir(path.dirname(SCREENSHOT), { recursive: true });
      await writeFile(SCREENSHOT, screenshot);
    }

    await page.getByRole('button', { name: TEXT.send, exact: true }).click();
    const thanks = page.getByText(TEXT.sent, { exact: true });
    await thanks.waitFor();
    // Focus moves to the message (screen readers announce it), and the form is gone.
    expect(await isFocused(thanks)).toBe(true);
    expect(await page.getByRole('button', { name: TEXT.send }).count()).toBe(0);

    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('moves the CSAT figures of kpis, and stores the comment verbatim', async () => {
    expect(await totals()).toEqual({
      surveyInvitations: 1,
      surveyResponses: 1,
      csatScore: 1,
      csatAverage: 4,
      selfReportedResolutionRate: 1,
      complaints: 0,
      netPromoterScore: 100,
    });

    const stored = ok(await server.gql(RESPONSES, { r: RANGE }, server.org.keys.ANALYST));
    expect(stored.surveyResponses.edges.map((e: any) => e.node)).toEqual([
      {
        csat: 4,
        resolved: true,
        complaint: false,
        complaintCategory: null,
        nps: 9,
        comment: COMMENT,
        contact: { externalId: CONTACT.externalId },
      },
    ]);
  });

  it('says the answers were already received when the link is opened again', async () => {
    await page.reload();
    await page.getByText(TEXT.responded, { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: TEXT.send }).count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('says a forged link is not valid, and shows no form', async () => {
    await page.goto(`${origin}/survey/sv_${'A'.repeat(43)}`);
    await page.getByText(TEXT.invalid, { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: TEXT.send }).count()).toBe(0);
    expect((await totals()).surveyResponses).toBe(1);
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
