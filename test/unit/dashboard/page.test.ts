import { describe, expect, it } from 'vitest';
import type { DashboardManifest } from '../../../src/dashboard/bundle';
import { DASHBOARD_CSP, dashboardPage } from '../../../src/dashboard/page';

const MANIFEST: DashboardManifest = { script: 'dashboard-A.js', stylesheet: 'dashboard-B.css', files: [], buildMs: 0, inputs: 'x' };

describe('dashboardPage', () => {
  it('links the manifest files under /dashboard/assets, with no inline script and no demo key unless given', () => {
    const html = dashboardPage({ manifest: MANIFEST });
    expect(html).toContain('<script type="module" src="/dashboard/assets/dashboard-A.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/assets/dashboard-B.css">');
    expect(html).not.toContain('callpulse-demo-key');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // the CSP would refuse it
  });
  it('writes the demo key HTML-escaped', () => {
    const html = dashboardPage({ manifest: MANIFEST, demoKey: 'k"><script>alert(1)</script>' });
    expect(html).toContain('<meta name="callpulse-demo-key" content="k&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
  });
  it('allows this origin only', () => {
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/https?:/);
  });
});
