import type { Express, Response } from 'express';
import { readFileSync } from 'node:fs';
import { runtimeFile } from '../../platform/runtime-files';

/**
 * The post-contact survey widget's HTTP surface:
 *
 * - `GET /widget/survey.js`  the embeddable, dependency-free script (see the comment at its top)
 * - `GET /widget/survey.css` its styles, scoped under `.callpulse-survey`
 * - `GET /survey/:token`     a hosted page for e-mail and SMS links that runs the same script
 *
 * The script talks to `POST /graphql` on this origin (`surveyInvitationStatus`,
 * `submitSurveyResponse`); those operations are served by the GraphQL schema, not here.
 */

const ASSET_CACHE = 'public, max-age=3600';

export const SURVEY_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Registers the widget's routes. Reads the asset files once, now. */
export function mountSurveyWidget(app: Express): void {
  const script = readFileSync(runtimeFile('surveys/widget/survey.js'));
  const styles = readFileSync(runtimeFile('surveys/widget/survey.css'));

  app.get('/widget/survey.js', (_req, res) => {
    sendAsset(res, 'application/javascript; charset=utf-8', script);
  });
  app.get('/widget/survey.css', (_req, res) => {
    sendAsset(res, 'text/css; charset=utf-8', styles);
  });
  // Browsers ask for it on the hosted page; nothing to show, and no 404 in the console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/survey/:token', (req, res) => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': SURVEY_PAGE_CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex, nofollow',
    });
    res.send(surveyPage(String(req.params.token)));
  });
}

function sendAsset(res: Response, contentType: string, content: Buffer): void {
  res.set({
    'Content-Type': contentType,
    'Cache-Control': ASSET_CACHE,
    'Access-Control-Allow-Origin': '*',
    // Lets pages that set Cross-Origin-Embedder-Policy: require-corp load it too.
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  res.send(content); // express adds an ETag and answers conditional requests with 304
}

/** The hosted survey page. The token comes from the URL: it is only ever written HTML-escaped, into an attribute. */
export function surveyPage(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>Customer survey</title>
<link rel="stylesheet" href="/widget/survey.css">
<script src="/widget/survey.js" data-token="${escapeHtmlAttribute(token)}" data-target="#callpulse-survey" data-heading-level="1" defer></script>
</head>
<body class="callpulse-survey-page">
<main id="callpulse-survey">
<noscript><p>This survey needs JavaScript. Please turn it on and reload the page.</p></noscript>
</main>
</body>
</html>
`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtmlAttribute(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}
