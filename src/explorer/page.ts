import { escapeHtmlAttribute } from '../surveys/widget/routes';
import type { ExplorerManifest } from './bundle';

/** Where the bundle's files are served (routes.ts). */
export const ASSET_PATH = '/explorer/assets';

/**
 * Only this origin, for everything: no CDN, no font or analytics host. Styles
 * may be inline because Monaco and GraphiQL's panes set them from script
 * (style attributes and <style> elements); fonts and icons come as data: URLs
 * inside GraphiQL's style sheet.
 */
export const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface ExplorerPageOptions {
  manifest: ExplorerManifest;
  /** The embedded database's local ADMIN key, prefilled in the key field; omitted otherwise. */
  demoKey?: string;
}

/**
 * The explorer's HTML. Its script reads its settings from <meta> elements (the
 * CSP allows no inline script); every value is written HTML-escaped.
 */
export function explorerPage({ manifest, demoKey }: ExplorerPageOptions): string {
  const asset = (name: string) => escapeHtmlAttribute(`${ASSET_PATH}/${name}`);
  const meta = (name: string, content: string) => `<meta name="${name}" content="${escapeHtmlAttribute(content)}">`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>CallPulse API explorer</title>
${meta('callpulse-endpoint', '/graphql')}
${meta('callpulse-worker-editor', `${ASSET_PATH}/${manifest.workers.editor}`)}
${meta('callpulse-worker-json', `${ASSET_PATH}/${manifest.workers.json}`)}
${meta('callpulse-worker-graphql', `${ASSET_PATH}/${manifest.workers.graphql}`)}
${demoKey ? `${meta('callpulse-demo-key', demoKey)}\n` : ''}<link rel="stylesheet" href="${asset(manifest.stylesheet)}">
<script type="module" src="${asset(manifest.script)}"></script>
</head>
<body>
<div id="explorer"><noscript><p>The API explorer needs JavaScript. The API itself is at POST /graphql.</p></noscript></div>
</body>
</html>
`;
}

/** Shown when the bundle could not be built: the API works, the page says why it is missing. */
export function explorerUnavailablePage(reason: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CallPulse API explorer unavailable</title></head>
<body>
<h1>The API explorer is not available</h1>
<p>Its files could not be built when the server started: ${escapeHtmlAttribute(reason)}</p>
<p>Run <code>npm run build:explorer</code> and restart the server. The GraphQL API answers at <code>POST /graphql</code> meanwhile.</p>
</body>
</html>
`;
}
