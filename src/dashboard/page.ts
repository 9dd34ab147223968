import { escapeHtmlAttribute } from '../surveys/widget/routes';
import type { DashboardManifest } from './bundle';

/** Where the bundle's files are served (routes.ts). */
export const DASHBOARD_ASSET_PATH = '/dashboard/assets';

/**
 * Only this origin: no CDN, font or analytics host. Styles may be inline because
 * uPlot sizes and places its canvas and legend from script; downloads are blob: URLs.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DashboardPageOptions {
  manifest: DashboardManifest;
  /** The embedded database's local ADMIN key, offered in the key field; omitted otherwise. */
  demoKey?: string;
}

/** The dashboard's HTML: settings in <meta> elements (the CSP allows no inline script), HTML-escaped. */
export function dashboardPage({ manifest, demoKey }: DashboardPageOptions): string {
  const asset = (name: string) => escapeHtmlAttribute(`${DASHBOARD_ASSET_PATH}/${name}`);
  const meta = (name: string, content: string) => `<meta name="${name}" content="${escapeHtmlAttribute(content)}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>CallPulse dashboard</title>
${meta('callpulse-endpoint', '/graphql')}
${demoKey ? `${meta('callpulse-demo-key', demoKey)}\n` : ''}<link rel="stylesheet" href="${asset(manifest.stylesheet)}">
<script type="module" src="${asset(manifest.script)}"></script>
</head>
<body>
<div id="dashboard"><noscript><p>The dashboard needs JavaScript. The API itself is at POST /graphql.</p></noscript></div>
</body>
</html>
`;
}

/** Shown when the bundle could not be built: the API works, the page says why it is missing. */
export function dashboardUnavailablePage(reason: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CallPulse dashboard unavailable</title></head>
<body>
<h1>The dashboard is not available</h1>
<p>Its files could not be built when the server started: ${escapeHtmlAttribute(reason)}</p>
<p>Run <code>npm run build:dashboard</code> and restart the server. The GraphQL API answers at <code>POST /graphql</code> meanwhile.</p>
</body>
</html>
`;
}
