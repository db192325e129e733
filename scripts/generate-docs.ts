/** `npm run docs`: writes the generated pages (docs/procedures/*.md, the table of docs/configuration.md). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../activities/config.js';
import { generatedPages } from './docs/pages.js';

for (const [path, text] of await generatedPages(ROOT)) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), text);
  console.log(`wrote ${path}`);
}
