import { readFile, writeFile } from 'node:fs/promises';
import { withGlossary } from './glossary';

/** Rewrites README.md's metric glossary from the catalog. */
const file = new URL('../../README.md', import.meta.url);
await writeFile(file, withGlossary(await readFile(file, 'utf8')));
