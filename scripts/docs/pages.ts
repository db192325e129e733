/**
 * The generated documentation: each procedure's page and the configuration table, formatted as
 * Prettier formats the repository, so `npm run docs` writes them and test/docs/generated-docs.test.ts
 * finds a page that is out of date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROCEDURES, PROCEDURE_KINDS } from '../../machines/index.js';
import { configurationTable } from './configuration-table.js';
import { procedurePage } from './procedure-page.js';

export const CONFIG_PAGE = 'docs/configuration.md';
const START = '<!-- generated: configuration table (npm run docs, from activities/config.ts) -->';
const END = '<!-- end of generated table -->';

/** docs/configuration.md with its table regenerated between the markers; the text around it is kept by hand. */
function configurationPage(root: string): string {
  const text = readFileSync(join(root, CONFIG_PAGE), 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${CONFIG_PAGE} lacks the markers "${START}" … "${END}"`);
  return `${text.slice(0, from + START.length)}\n\n${configurationTable()}\n\n${text.slice(to)}`;
}

/** Every generated page by its path in the repository, formatted. */
export async function generatedPages(root: string): Promise<Map<string, string>> {
  const options = { ...(await resolveConfig(join(root, 'README.md'))), parser: 'markdown' as const };
  const pages = new Map<string, string>();
  for (const kind of PROCEDURE_KINDS) pages.set(`docs/procedures/${kind}.md`, procedurePage(root, PROCEDURES[kind]));
  pages.set(CONFIG_PAGE, configurationPage(root));
  for (const [path, text] of pages) pages.set(path, await format(text, options));
  return pages;
}
