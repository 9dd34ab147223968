import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtmlAttribute, mountSurveyWidget, SURVEY_PAGE_CSP } from '../../src/surveys/widget/routes';

const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const SCRIPT_FILE = readFileSync(new URL('../../src/surveys/widget/survey.js', import.meta.url), 'utf8');
const CSS_FILE = readFileSync(new URL('../../src/surveys/widget/survey.css', import.meta.url), 'utf8');

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.disable('x-powered-by');
  mountSurveyWidget(app);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('GET /widget/survey.js', () => {
  it('serves the script as cacheable, cross-origin JavaScript', async () => {
    const response = await fetch(`${base}/widget/survey.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(SCRIPT_FILE);
  });

  it('answers a conditional request with 304', async () => {
    const first = await fetch(`${base}/widget/survey.js`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // (fetch would add cache-control: no-cache to a conditional request unless one is given)
    const second = await fetch(`${base}/widget/survey.js`, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(second.status).toBe(304);
  });
});

describe('survey.js source', () => {
  it('parses as a classic script', () => {
    expect(() => new vm.Script(SCRIPT_FILE, { filename: 'survey.js' })).not.toThrow();
  });

  it('uses no syntax newer than ES2019', () => {
    expect(newerThanEs2019(SCRIPT_FILE)).toEqual([]);
  });

  it('is one IIFE: nothing but the wrapped function at the top level', () => {
    const file = ts.createSourceFile('survey.js', SCRIPT_FILE, ts.ScriptTarget.ES2019, true, ts.ScriptKind.JS);
    expect(file.statements).toHaveLength(1);
    const statement = file.statements[0]!;
    expect(ts.isExpressionStatement(statement)).toBe(true);
    const call = (statement as ts.ExpressionStatement).expression;
    expect(ts.isCallExpression(call)).toBe(true);
  });

  it('names no http(s) URL at all, so it can only talk to its own origin', () => {
    expect(SCRIPT_FILE).not.toMatch(/https?:\/\//i);
    expect(SCRIPT_FILE).not.toMatch(/\bwss?:\/\//i);
  });

  it('never parses HTML or evaluates strings, and sets no inline styles (the page CSP forbids them)', () => {
    for (const banned of [/innerHTML/, /outerHTML/, /insertAdjacentHTML/, /document\.write/, /\beval\s*\(/, /\bFunction\s*\(/, /\.style\b/, /setAttribute\(\s*['"]style/, /createRange|createContextualFragment/]) {
      expect(SCRIPT_FILE).not.toMatch(banned);
    }
  });

  it('documents the stable DOM contract at its top', () => {
    const header = SCRIPT_FILE.slice(0, SCRIPT_FILE.indexOf('(function'));
    for (const name of ['5 \u2013 Very satisfied', 'Was your issue resolved?', 'Do you want to make a complaint?', '"Send"', '#P-status', '#P-message']) {
      expect(header).toContain(name);
    }
  });
});

describe('GET /widget/survey.css', () => {
  it('serves scoped styles as cacheable, cross-origin CSS', async () => {
    const response = await fetch(`${base}/widget/survey.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(CSS_FILE);
  });

  it('scopes every selector under a callpulse-survey class and loads nothing', () => {
    const css = CSS_FILE.replace(/\/\*[\s\S]*?\*\//g, '');
    expect(css).not.toMatch(/url\(|@import|@font-face/i);
    const selectors = [...css.matchAll(/([^{}]+)\{/g)]
      .map((match) => match[1]!.trim())
      .filter((selector) => !selector.startsWith('@'));
    expect(selectors.length).toBeGreaterThan(10);
    for (const group of selectors) {
      for (const selector of group.split(',')) {
        expect(selector.trim(), selector).toMatch(/^[a-z]*\.callpulse-survey(-page|__[a-z-]+)?\b/);
      }
    }
  });
});

describe('GET /survey/:token', () => {
  it('serves a small, complete HTML5 page that loads the widget with the token', async () => {
    const response = await fetch(`${base}/survey/abc123-XYZ_9`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toContain('<main id="callpulse-survey">');
    expect(html).toContain('<link rel="stylesheet" href="/widget/survey.css">');
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts).toEqual([
      '<script src="/widget/survey.js" data-token="abc123-XYZ_9" data-target="#callpulse-survey" data-heading-level="1" defer>',
    ]);
    expect(html.length).toBeLessThan(2000);
  });

  it('sends the security headers: CSP, no caching, no referrer, nosniff', async () => {
    const response = await fetch(`${base}/survey/some-token`);
    expect(response.headers.get('content-security-policy')).toBe(EXPECTED_CSP);
    expect(SURVEY_PAGE_CSP).toBe(EXPECTED_CSP);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has nothing inline that the CSP would block', async () => {
    const html = await (await fetch(`${base}/survey/t`)).text();
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  });

  it('escapes a hostile token into the attribute', async () => {
    const token = '"><script>alert(1)</script>';
    const response = await fetch(`${base}/survey/${encodeURIComponent(token)}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('"><');
    expect(html).toContain('data-token="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect([...html.matchAll(/<script\b/g)]).toHaveLength(1);
  });

  it('escapes quotes, ampersands and backticks', () => {
    expect(escapeHtmlAttribute(`a&b<c>d"e'f\`g`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g');
  });

  it('is not served without a token', async () => {
    expect((await fetch(`${base}/survey/`)).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------
// Behaviour, in a minimal fake DOM (node environment; Playwright covers real
// browsers): what the script sends to /graphql and what it shows.

describe('survey.js behaviour', () => {
  const ORIGIN = 'https://callpulse.test';
  const SENT = 'Thank you \u2014 your answers have been sent.';

  it('asks for the invitation status on its own origin and shows the form when OPEN', async () => {
    const page = loadWidget({ token: 'tok-1' });
    page.respond({ data: { surveyInvitationStatus: 'OPEN' } });
    expect(page.byId('callpulse-survey-status').textContent).toBe('Loading the survey\u2026');
    await page.settle();

    expect(page.requests).toHaveLength(1);
    const [request] = page.requests;
    expect(request!.url).toBe(`${ORIGIN}/graphql`);
    expect(request!.init.method).toBe('POST');
    expect(request!.init.credentials).toBe('omit');
    expect(request!.init.headers).toEqual({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' });
    expect(request!.body.query).toContain('surveyInvitationStatus(token: $token)');
    expect(request!.body.variables).toEqual({ token: 'tok-1' });

    // Rendered right after the script tag, stylesheet from the script's origin.
    const host = page.script.parentNode!.childNodes[page.script.parentNode!.childNodes.indexOf(page.script) + 1] as FakeElement;
    expect(host.getAttribute('class')).toBe('callpulse-survey-host');
    expect(page.document.head.childNodes.map((n) => (n as FakeElement).getAttribute('href'))).toContain(`${ORIGIN}/widget/survey.css`);

    expect(page.byId('callpulse-survey-form').tagName).toBe('FORM');
    expect(page.byId('callpulse-survey-status').getAttribute('aria-live')).toBe('polite');
    expect(page.byId('callpulse-survey-status').getAttribute('role')).toBe('status');
    expect(page.labelText('callpulse-survey-csat-5')).toBe('5 \u2013 Very satisfied');
    expect(page.labelText('callpulse-survey-csat-1')).toBe('1 \u2013 Very dissatisfied');
    expect(page.labelText('callpulse-survey-nps-0')).toBe('0');
    expect(page.labelText('callpulse-survey-nps-10')).toBe('10');
    expect(page.labelText('callpulse-survey-resolved-yes')).toBe('Yes');
    expect(page.labelText('callpulse-survey-complaint')).toBe('Do you want to make a complaint?');
    expect(page.labelText('callpulse-survey-complaint-category')).toBe('Complaint category');
    expect(page.byId('callpulse-survey-complaint-category').getAttribute('maxlength')).toBe('100');
    expect(page.byId('callpulse-survey-comment').getAttribute('maxlength')).toBe('2000');
    expect(page.byId('callpulse-survey-csat-group').tagName).toBe('FIELDSET');
    expect(page.byId('callpulse-survey-submit').textContent).toBe('Send');
    expect(page.byId('callpulse-survey-status').textContent).toBe('');
  });

  it.each([
    ['RESPONDED', 'Thank you \u2014 we have already received your answers for this contact.'],
    ['EXPIRED', 'This survey link has expired.'],
    ['UNKNOWN', 'This survey link is not valid.'],
  ])('shows the %s message instead of the form', async (state, message) => {
    const page = loadWidget({ token: 'tok' });
    page.respond({ data: { surveyInvitationStatus: state } });
    await page.settle();
    expect(page.document.getElementById('callpulse-survey-form')).toBeNull();
    expect(page.byId('callpulse-survey-status').textContent).toBe(message);
  });

  it('offers a retry when the status cannot be fetched', async () => {
    const page = loadWidget({ token: 'tok' });
    page.fail();
    await page.settle();
    expect(page.byId('callpulse-survey-status').textContent).toBe('We could not load the survey. Check your connection and try again.');
    page.respond({ data: { surveyInvitationStatus: 'OPEN' } });
    page.byId('callpulse-survey-retry').click();
    await page.settle();
    expect(page.requests).toHaveLength(2);
    expect(page.byId('callpulse-survey-form')).toBeTruthy();
  });

  it('requires a CSAT rating before sending anything', async () => {
    const page = await openForm();
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.requests).toHaveLength(1); // only the status query
    const error = page.byId('callpulse-survey-csat-error');
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('Error: Choose how satisfied you are, from 1 to 5.');
    expect(page.byId('callpulse-survey-csat-1').getAttribute('aria-invalid')).toBe('true');
    expect(page.byId('callpulse-survey-csat-1').getAttribute('aria-describedby')).toContain('callpulse-survey-csat-error');
    expect(page.byId('callpulse-survey-status').textContent).toBe('There is a problem: Choose how satisfied you are, from 1 to 5.');
    expect(page.document.activeElement).toBe(page.byId('callpulse-survey-csat-1'));
  });

  it('sends exactly what was entered, once, and thanks the customer', async () => {
    const page = await openForm();
    page.byId('callpulse-survey-csat-5').click();
    page.byId('callpulse-survey-resolved-no').click();
    page.byId('callpulse-survey-complaint').click();
    expect(page.byId('callpulse-survey-complaint-details').hidden).toBe(false);
    page.type('callpulse-survey-complaint-category', '  Billing ');
    page.byId('callpulse-survey-nps-9').click();
    page.type('callpulse-survey-comment', ' Quick <b>help</b> ');
    expect(page.byId('callpulse-survey-comment-count').textContent).toBe('19 of 2000 characters used');

    page.respond({ data: { submitSurveyResponse: { id: '1', submittedAt: '2026-01-01T00:00:00Z' } } }, true);
    page.byId('callpulse-survey-submit').click();
    page.byId('callpulse-survey-submit').click(); // a double click while posting sends nothing more
    await page.settle();
    expect(page.byId('callpulse-survey-submit').disabled).toBe(true);
    expect(page.byId('callpulse-survey-status').textContent).toBe('Sending your answers\u2026');
    expect(page.requests).toHaveLength(2);
    const request = page.requests[1]!;
    expect(request.url).toBe(`${ORIGIN}/graphql`);
    expect(request.body.query).toContain('submitSurveyResponse(input: $input)');
    expect(request.body.variables).toEqual({
      input: { token: 'tok', csat: 5, resolved: false, complaint: true, complaintCategory: '  Billing ', nps: 9, comment: ' Quick <b>help</b> ' },
    });
    expect(JSON.stringify(request.init.headers)).not.toMatch(/authorization/i);

    page.release();
    await page.settle();
    expect(page.document.getElementById('callpulse-survey-form')).toBeNull();
    const message = page.byId('callpulse-survey-message');
    expect(message.textContent).toBe(SENT);
    expect(page.document.activeElement).toBe(message);
  });

  it('leaves out the category when the complaint box is unchecked, and optional answers not given', async () => {
    const page = await openForm();
    page.byId('callpulse-survey-csat-2').click();
    page.byId('callpulse-survey-complaint').click();
    page.type('callpulse-survey-complaint-category', 'Rude');
    page.byId('callpulse-survey-complaint').click();
    expect(page.byId('callpulse-survey-complaint-details').hidden).toBe(true);
    page.respond({ data: { submitSurveyResponse: { id: '1' } } });
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.requests[1]!.body.variables).toEqual({ input: { token: 'tok', csat: 2, complaint: false } });
  });

  it('shows BAD_USER_INPUT problems next to their fields and in the status region', async () => {
    const page = await openForm();
    page.byId('callpulse-survey-csat-4').click();
    page.type('callpulse-survey-comment', 'x');
    page.respond({
      data: null,
      errors: [
        {
          message: 'input.comment: too long',
          extensions: {
            code: 'BAD_USER_INPUT',
            problems: [
              { field: 'input.comment', rule: 'maxLength', message: 'The comment can be at most 2000 characters.' },
              { field: 'somethingElse', rule: 'x', message: 'Something <else> is wrong.' },
            ],
          },
        },
      ],
    });
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.byId('callpulse-survey-comment-error').textContent).toBe('Error: The comment can be at most 2000 characters.');
    expect(page.byId('callpulse-survey-comment').getAttribute('aria-invalid')).toBe('true');
    expect(page.byId('callpulse-survey-status').textContent).toBe(
      'There is a problem with your answers:The comment can be at most 2000 characters.Something <else> is wrong.',
    );
    expect(page.document.activeElement).toBe(page.byId('callpulse-survey-comment'));
    expect(page.byId('callpulse-survey-submit').disabled).toBe(false);

    // Errors are cleared on the next attempt.
    page.respond({ data: { submitSurveyResponse: { id: '1' } } });
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.byId('callpulse-survey-message').textContent).toBe(SENT);
  });

  it.each([
    ['EXPIRED', 'This survey link has expired.'],
    ['UNKNOWN_TOKEN', 'This survey link is not valid.'],
  ])('replaces the form when the submission is FORBIDDEN (%s)', async (reason, message) => {
    const page = await openForm();
    page.byId('callpulse-survey-csat-3').click();
    page.respond({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN', reason } }] });
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.byId('callpulse-survey-message').textContent).toBe(message);
    expect(page.document.activeElement).toBe(page.byId('callpulse-survey-message'));
  });

  it('keeps the form and answers when sending fails, so it can be sent again', async () => {
    const page = await openForm();
    page.byId('callpulse-survey-csat-3').click();
    page.fail();
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.byId('callpulse-survey-status').textContent).toBe('We could not send your answers. Check your connection and try again.');
    expect(page.byId('callpulse-survey-csat-3').checked).toBe(true);
    expect(page.byId('callpulse-survey-submit').disabled).toBe(false);
    expect(page.document.activeElement).toBe(page.byId('callpulse-survey-submit'));

    page.respond({ data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    page.byId('callpulse-survey-submit').click();
    await page.settle();
    expect(page.byId('callpulse-survey-status').textContent).toBe(
      'Sorry, something went wrong and your answers were not sent. Please try again.',
    );
  });

  it('renders into data-target, writing the hostile token only as data', async () => {
    const token = '"><img src=x onerror=alert(1)>';
    const page = loadWidget({ token, target: '#here' });
    page.respond({ data: { surveyInvitationStatus: 'OPEN' } });
    await page.settle();
    expect(page.requests[0]!.body.variables).toEqual({ token });
    expect(page.byId('here').childNodes).toHaveLength(1);
    expect((page.byId('here').childNodes[0] as FakeElement).getAttribute('class')).toBe('callpulse-survey');
    expect(page.document.getElementsByTagName('img')).toHaveLength(0);
  });

  it('without data-token only defines window.CallPulseSurvey.mount, for programmatic use', async () => {
    const page = loadWidget({});
    expect(page.requests).toHaveLength(0);
    const api = page.window.CallPulseSurvey as { mount: (el: FakeElement, o: object) => { element: FakeElement; destroy(): void } };
    expect(Object.keys(page.window).filter((key) => !page.globalsBefore.includes(key))).toEqual(['CallPulseSurvey']);
    page.respond({ data: { surveyInvitationStatus: 'EXPIRED' } });
    const handle = api.mount(page.byId('here'), { token: 'p', endpoint: `${ORIGIN}/custom/graphql` });
    await page.settle();
    expect(page.requests[0]!.url).toBe(`${ORIGIN}/custom/graphql`);
    expect(page.byId('callpulse-survey-status').textContent).toBe('This survey link has expired.');
    handle.destroy();
    expect(page.byId('here').childNodes).toHaveLength(0);
  });
});

/** Syntax that ES2019 engines cannot parse, found with the TypeScript parser. */
function newerThanEs2019(source: string): string[] {
  const file = ts.createSourceFile('survey.js', source, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const where = (node: ts.Node) => `line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken) {
      found.push(`optional chaining, ${where(node)}`);
    }
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind;
      if (
        kind === ts.SyntaxKind.QuestionQuestionToken ||
        kind === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        kind === ts.SyntaxKind.BarBarEqualsToken ||
        kind === ts.SyntaxKind.AmpersandAmpersandEqualsToken
      ) {
        found.push(`${ts.SyntaxKind[kind]}, ${where(node)}`);
      }
    }
    if (ts.isBigIntLiteral(node)) found.push(`BigInt literal, ${where(node)}`);
    if (ts.isNumericLiteral(node) && node.getText(file).includes('_')) found.push(`numeric separator, ${where(node)}`);
    if (ts.isPrivateIdentifier(node)) found.push(`private name, ${where(node)}`);
    if (ts.isClassStaticBlockDeclaration(node)) found.push(`static block, ${where(node)}`);
    if (ts.isPropertyDeclaration(node)) found.push(`class field, ${where(node)}`);
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) found.push(`import.meta, ${where(node)}`);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(`import(), ${where(node)}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// ------------------------------------------------------------------ fake DOM

type Listener = (event: FakeEvent) => void;

interface FakeEvent {
  type: string;
  target: FakeElement;
  defaultPrevented: boolean;
  preventDefault(): void;
}

class FakeNode {
  parentNode: FakeElement | null = null;
  childNodes: FakeNode[] = [];
  constructor(
    readonly ownerDocument: FakeDocument,
    readonly nodeType: number,
  ) {}

  get firstChild(): FakeNode | null {
    return this.childNodes[0] ?? null;
  }

  get textContent(): string {
    return this.childNodes.map((child) => child.textContent).join('');
  }

  set textContent(value: string) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    if (value !== '') this.appendChild(new FakeText(this.ownerDocument, value));
  }

  get isConnected(): boolean {
    let node: FakeNode | null = this;
    while (node.parentNode) node = node.parentNode;
    return node === this.ownerDocument.documentElement;
  }

  appendChild<T extends FakeNode>(child: T): T {
    return this.insertBefore(child, null);
  }

  insertBefore<T extends FakeNode>(child: T, reference: FakeNode | null): T {
    child.parentNode?.removeChild(child);
    const index = reference ? this.childNodes.indexOf(reference) : -1;
    if (index < 0) this.childNodes.push(child);
    else this.childNodes.splice(index, 0, child);
    child.parentNode = this as unknown as FakeElement;
    return child;
  }

  removeChild<T extends FakeNode>(child: T): T {
    const index = this.childNodes.indexOf(child);
    if (index < 0) throw new Error('not a child');
    this.childNodes.splice(index, 1);
    child.parentNode = null;
    return child;
  }

  *descendants(): Generator<FakeElement> {
    for (const child of this.childNodes) {
      if (child instanceof FakeElement) {
        yield child;
        yield* child.descendants();
      }
    }
  }
}

class FakeText extends FakeNode {
  constructor(
    ownerDocument: FakeDocument,
    private data: string,
  ) {
    super(ownerDocument, 3);
  }

  override get textContent(): string {
    return this.data;
  }

  override set textContent(value: string) {
    this.data = value;
  }
}

class FakeElement extends FakeNode {
  readonly tagName: string;
  private readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, Listener[]>();
  checked = false;
  private dirtyValue: string | null = null;

  constructor(ownerDocument: FakeDocument, tag: string) {
    super(ownerDocument, 1);
    this.tagName = tag.toUpperCase();
  }

  setAttribute(name: string, value: string) {
    this.attributes.set(name.toLowerCase(), String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name.toLowerCase()) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name.toLowerCase());
  }
  removeAttribute(name: string) {
    this.attributes.delete(name.toLowerCase());
  }

  get id(): string {
    return this.getAttribute('id') ?? '';
  }
  get className(): string {
    return this.getAttribute('class') ?? '';
  }
  set className(value: string) {
    this.setAttribute('class', value);
  }
  get classList() {
    const tokens = () => this.className.split(/\s+/).filter(Boolean);
    return {
      add: (token: string) => void (tokens().includes(token) || this.setAttribute('class', [...tokens(), token].join(' '))),
      remove: (token: string) => void this.setAttribute('class', tokens().filter((t) => t !== token).join(' ')),
      contains: (token: string) => tokens().includes(token),
    };
  }
  private flag(name: string, on: boolean) {
    if (on) this.setAttribute(name, '');
    else this.removeAttribute(name);
  }
  get hidden(): boolean {
    return this.hasAttribute('hidden');
  }
  set hidden(on: boolean) {
    this.flag('hidden', on);
  }
  get disabled(): boolean {
    return this.hasAttribute('disabled');
  }
  set disabled(on: boolean) {
    this.flag('disabled', on);
  }
  /** As in the DOM: the value attribute until the user (or script) sets the value. */
  get value(): string {
    return this.dirtyValue ?? this.getAttribute('value') ?? '';
  }
  set value(value: string) {
    this.dirtyValue = value;
  }
  get type(): string {
    return this.getAttribute('type') ?? '';
  }
  get href(): string {
    return new URL(this.getAttribute('href') ?? '', this.ownerDocument.baseURI).href;
  }
  get src(): string {
    return this.hasAttribute('src') ? new URL(this.getAttribute('src')!, this.ownerDocument.baseURI).href : '';
  }
  get form(): FakeElement | null {
    let node = this.parentNode;
    while (node && node.tagName !== 'FORM') node = node.parentNode;
    return node;
  }

  addEventListener(type: string, listener: Listener, options?: { once?: boolean }) {
    const wrapped: Listener = options?.once
      ? (event) => {
          this.listeners.set(type, (this.listeners.get(type) ?? []).filter((l) => l !== wrapped));
          listener(event);
        }
      : listener;
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), wrapped]);
  }
  dispatch(type: string): FakeEvent {
    const event: FakeEvent = {
      type,
      target: this,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    for (const listener of this.listeners.get(type) ?? []) listener(event);
    return event;
  }
  focus() {
    this.ownerDocument.activeElement = this;
  }
  click() {
    if (this.disabled) return;
    if (this.tagName === 'INPUT' && this.type === 'checkbox') {
      this.checked = !this.checked;
      this.dispatch('change');
    } else if (this.tagName === 'INPUT' && this.type === 'radio') {
      for (const other of this.form?.descendants() ?? []) {
        if (other.getAttribute('name') === this.getAttribute('name')) other.checked = false;
      }
      this.checked = true;
      this.dispatch('change');
    } else if (this.tagName === 'BUTTON') {
      this.dispatch('click');
      if (this.getAttribute('type') === 'submit') {
        const event = this.form!.dispatch('submit');
        if (!event.defaultPrevented) throw new Error('the form would have been submitted natively');
      }
    }
  }
}

class FakeDocument {
  readonly documentElement: FakeElement;
  readonly head: FakeElement;
  readonly body: FakeElement;
  activeElement: FakeElement | null = null;
  readyState = 'complete';
  currentScript: FakeElement | null = null;

  constructor(readonly baseURI: string) {
    this.documentElement = new FakeElement(this, 'html');
    this.head = this.documentElement.appendChild(new FakeElement(this, 'head'));
    this.body = this.documentElement.appendChild(new FakeElement(this, 'body'));
  }

  createElement(tag: string) {
    return new FakeElement(this, tag);
  }
  createTextNode(text: string) {
    return new FakeText(this, text);
  }
  getElementById(id: string): FakeElement | null {
    for (const element of this.documentElement.descendants()) if (element.id === id) return element;
    return null;
  }
  getElementsByTagName(tag: string): FakeElement[] {
    return [...this.documentElement.descendants()].filter((element) => element.tagName === tag.toUpperCase());
  }
  querySelector(selector: string): FakeElement | null {
    if (!/^#[\w-]+$/.test(selector)) throw new Error(`fake querySelector supports #id only, not ${selector}`);
    return this.getElementById(selector.slice(1));
  }
  addEventListener() {
    throw new Error('the document is already parsed in these tests');
  }
}

interface SentRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; credentials: string; body: string };
  body: { query: string; variables: Record<string, unknown> };
}

function loadWidget(options: { token?: string; target?: string }) {
  const document = new FakeDocument('https://shop.example.test/help/chat');
  const paragraph = document.body.appendChild(document.createElement('div'));
  const script = paragraph.appendChild(document.createElement('script'));
  script.setAttribute('src', 'https://callpulse.test/widget/survey.js');
  if (options.token !== undefined) script.setAttribute('data-token', options.token);
  if (options.target) script.setAttribute('data-target', options.target);
  const here = document.body.appendChild(document.createElement('section'));
  here.setAttribute('id', 'here');
  document.currentScript = script;

  const requests: SentRequest[] = [];
  const answers: Array<{ body?: unknown; fail?: boolean; held?: Promise<void> }> = [];
  let releaseHeld: () => void = () => {};
  const fetch = async (url: string, init: SentRequest['init']) => {
    requests.push({ url, init, body: JSON.parse(init.body) });
    await new Promise((resolve) => setImmediate(resolve)); // lets a test queue the answer after the call
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected request');
    if (answer.held) await answer.held;
    if (answer.fail) throw new TypeError('Failed to fetch');
    return { status: 200, json: async () => answer.body };
  };

  const window: Record<string, unknown> = {
    document,
    fetch,
    URL,
    AbortController,
    setTimeout,
    clearTimeout,
    console,
  };
  window.window = window;
  const globalsBefore = Object.keys(window);
  vm.runInNewContext(SCRIPT_FILE, window, { filename: 'survey.js' });
  document.currentScript = null; // as in a browser once the script has run

  return {
    document,
    window,
    globalsBefore,
    script,
    requests,
    byId(id: string): FakeElement {
      const element = document.getElementById(id);
      if (!element) throw new Error(`no #${id}`);
      return element;
    },
    labelText(id: string): string {
      const label = document.getElementsByTagName('label').find((l) => l.getAttribute('for') === id);
      if (!label) throw new Error(`no label for #${id}`);
      return label.textContent;
    },
    type(id: string, text: string) {
      const field = this.byId(id);
      field.value = text;
      field.dispatch('input');
    },
    /** Queues the answer to the next request; held answers wait for release(). */
    respond(body: unknown, held = false) {
      answers.push({ body, held: held ? new Promise<void>((resolve) => (releaseHeld = resolve)) : undefined });
    },
    fail() {
      answers.push({ fail: true });
    },
    release() {
      releaseHeld();
    },
    async settle() {
      for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

async function openForm() {
  const page = loadWidget({ token: 'tok' });
  page.respond({ data: { surveyInvitationStatus: 'OPEN' } });
  await page.settle();
  page.byId('callpulse-survey-form');
  return page;
}
