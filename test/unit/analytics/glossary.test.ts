import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderGlossary, withGlossary } from '../../../src/analytics/glossary';
import { METRICS } from '../../../src/analytics/metric-catalog';

describe('README metric glossary', () => {
  it('is the one the catalog generates (run `npm run glossary` after changing the catalog)', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withGlossary(readme));
  });

  it('lists every metric of the catalog', () => {
    const glossary = renderGlossary();
    for (const m of METRICS) expect(glossary).toContain(`\`${m.name}\``);
  });
});
