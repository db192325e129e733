/**
 * The generated documentation is current: each procedure's page (docs/procedures/<kind>.md) and the
 * configuration table, regenerated in memory from the machines and the config schema, equal the files
 * committed. A machine changed without `npm run docs` fails here, naming the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../activities/config.js';
import { PROCEDURE_KINDS } from '../../machines/index.js';
import { generatedPages } from '../../scripts/docs/pages.js';

describe('generated documentation', () => {
  it('every generated page equals what `npm run docs` makes now', async () => {
    const pages = await generatedPages(ROOT);
    expect([...pages.keys()]).toEqual(expect.arrayContaining(PROCEDURE_KINDS.map((k) => `docs/procedures/${k}.md`)));
    for (const [path, text] of pages) {
      const file = join(ROOT, path);
      expect(existsSync(file), `${path} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${path} is out of date: run npm run docs`).toBe(text);
    }
  });

  it('a procedure page names every state, deadline and event of its machine, with the policy default', async () => {
    const page = (await generatedPages(ROOT)).get('docs/procedures/correction.md')!;
    expect(page).toContain('| 待予以纠正');
    expect(page).toContain('`CORRECT_DIRECTLY`');
    expect(page).toMatch(/10（本地策略 `correctionWorkingDays`）/);
    // The cited article quoted from docs/law: Regs 24.
    expect(page).toContain('上级机关、单位发现下级机关、单位国家秘密的确定、变更和解除不当的');
  });
});
