import express, { type Express, type Request, type Response } from 'express';
import { totalBytes } from '../platform/bundle-cache';
import { fromThisMachine } from '../platform/client-address';
import type { Logger } from '../platform/logger';
import { ensureDashboardAssets, type DashboardAssets } from './bundle-cache';
import { DASHBOARD_ASSET_PATH, DASHBOARD_CSP, dashboardPage, dashboardUnavailablePage } from './page';

/**
 * The dashboard page's HTTP surface (a static page; its data comes from /graphql
 * and /export with the key the user enters, under their limits):
 *
 * - `GET /dashboard`                     the page; its views are hash routes (#/wallboard, #/explore…)
 * - `GET /dashboard/assets/<file>`       the bundle's files, named by content hash: cached for a year
 */

export interface DashboardOptions {
  assets: DashboardAssets | { error: string };
  /** The embedded database's local ADMIN key, written into the page only for a browser on this machine. */
  demoKey?: string;
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': DASHBOARD_CSP,
  'Cache-Control': 'no-store', // the page may carry the demo key
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function mountDashboard(app: Express, options: DashboardOptions): void {
  const { assets } = options;
  app.get(['/dashboard', '/dashboard/'], (req: Request, res: Response) => {
    res.set(PAGE_HEADERS);
    if ('error' in assets) {
      res.status(503).send(dashboardUnavailablePage(assets.error));
      return;
    }
    const demoKey = options.demoKey && fromThisMachine(req) ? options.demoKey : undefined;
    res.send(dashboardPage({ manifest: assets.manifest, demoKey }));
  });
  if (!('error' in assets)) {
    app.use(
      DASHBOARD_ASSET_PATH,
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
export async function dashboardAssets(logger: Logger): Promise<DashboardAssets | { error: string }> {
  try {
    const assets = await ensureDashboardAssets(logger);
    if (!assets.built) logger.debug({ dir: assets.dir, bytes: totalBytes(assets.manifest) }, 'dashboard bundle is current');
    return assets;
  } catch (error) {
    logger.error({ err: error }, 'dashboard bundle could not be built: GET /dashboard answers 503');
    return { error: (error as Error).message.split('\n')[0]! };
  }
}
