import express, { type Express, type Request, type Response } from 'express';
import { fromThisMachine } from '../platform/client-address';
import type { Logger } from '../platform/logger';
import { ensureExplorerAssets, totalBytes, type ExplorerAssets } from './bundle-cache';
import { ASSET_PATH, EXPLORER_CSP, explorerPage, explorerUnavailablePage } from './page';

/**
 * The API explorer's HTTP surface:
 *
 * - `GET /`                                        the explorer page
 * - `GET /graphql` from a browser (Accept prefers text/html, no `query`)  the same page;
 *   every other request to /graphql goes on to GraphQL
 * - `GET /explorer/assets/<file>`                  the bundle's files, named by content hash: cached for a year
 */

export interface ExplorerOptions {
  /** The built bundle, or why there is none (the page then says so, with HTTP 503). */
  assets: ExplorerAssets | { error: string };
  /**
   * The embedded database's local ADMIN key. It is written into the page only
   * for a browser on this machine (a loopback address, no proxy headers): the
   * server listens on every interface, and the key is an ADMIN key.
   */
  demoKey?: string;
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': EXPLORER_CSP,
  'Cache-Control': 'no-store', // the page may carry the demo key
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

/** Registers the explorer's routes; call it before GraphQL is mounted at /graphql. */
export function mountExplorer(app: Express, options: ExplorerOptions): void {
  const { assets } = options;
  const sendPage = (req: Request, res: Response) => {
    res.set(PAGE_HEADERS);
    if ('error' in assets) {
      res.status(503).send(explorerUnavailablePage(assets.error));
      return;
    }
    const demoKey = options.demoKey && fromThisMachine(req) ? options.demoKey : undefined;
    res.send(explorerPage({ manifest: assets.manifest, demoKey }));
  };

  app.get('/', sendPage);
  app.get('/graphql', (req, res, next) => {
    if (wantsExplorer(req)) sendPage(req, res);
    else next();
  });
  if (!('error' in assets)) {
    app.use(
      ASSET_PATH,
      express.static(assets.dir, {
        index: false,
        dotfiles: 'ignore',
        immutable: true, // every name carries its content's hash (esbuild's [hash])
        maxAge: '365d',
        setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
      }),
    );
  }
}

/** The current bundle (built now when missing or stale), or why it could not be built: the API starts either way. */
export async function explorerAssets(logger: Logger): Promise<ExplorerAssets | { error: string }> {
  try {
    const assets = await ensureExplorerAssets(logger);
    if (!assets.built) logger.debug({ dir: assets.dir, bytes: totalBytes(assets.manifest) }, 'explorer bundle is current');
    return assets;
  } catch (error) {
    logger.error({ err: error }, 'explorer bundle could not be built: GET / answers 503');
    return { error: (error as Error).message.split('\n')[0]! };
  }
}

/** A browser navigating to /graphql: it prefers HTML to JSON and asks no query. */
export function wantsExplorer(req: Pick<Request, 'accepts' | 'query'>): boolean {
  if (req.query.query !== undefined) return false;
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

export { fromThisMachine };
