import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../machines/index.js';
import { launchChromium } from '../support/browser.js';
import { bareApi } from '../support/bare-api.js';
import { freePort } from '../support/ports.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
let app: FastifyInstance;
let url: string;
let browser: Browser;

type Box = { x: number; y: number; width: number; height: number; text: string };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The statechart needs only the public machine endpoint and the static files: no Temporal behind it.
  ({ app } = await bareApi());
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  url = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Draws one machine's statechart on the dashboard's own page (its CSP, its stylesheet), the initial state active. */
async function draw(page: Page, kind: string, full = true): Promise<void> {
  await page.goto(url);
  // The page's own script signs in first (an anonymous visitor sees the sign-in form); drawing before that
  // would race it, and the form would replace the chart.
  await page.locator('#app section.signin').waitFor();
  // A string, so that the test runner does not rewrite the browser's own import().
  await page.evaluate(`(async () => {
    const { renderStatechart } = await import('/dashboard/statechart.js');
    const graph = await fetch('/api/machines/${kind}').then((r) => r.json());
    const box = document.createElement('section');
    box.id = 'statechart';
    document.getElementById('app').replaceChildren(box);
    renderStatechart(box, graph, [graph.initial]);
    // For the screenshot: the whole picture, not its scrolling window.
    if (${full}) Object.assign(box.querySelector('.chart').style, { maxHeight: 'none', overflow: 'visible' });
  })()`);
}

describe('the statechart laid out by ELK, in a real browser (issue 13)', () => {
  for (const kind of Object.keys(PROCEDURES)) {
    it(`${kind}: no two transition labels overlap, nor a label a state's name; every state, region and transition in Chinese and in the text alternative`, async () => {
      const graph = (await (await fetch(`${url}/api/machines/${kind}`)).json()) as {
        layout: { width: number; height: number; states: unknown[]; transitions: Array<{ labelBox?: unknown; points: unknown[] }> };
      };
      const page = await browser.newPage({ viewport: { width: Math.min(graph.layout.width + 120, 4000), height: 900 }, locale: 'zh-CN' });
      await draw(page, kind);
      const boxes = async (selector: string) =>
        page.locator(selector).evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height, text: e.textContent ?? '' };
          }),
        );
      const labels = await boxes('#statechart .edge-label text');
      const names = await boxes('#statechart .state:not(.compound) text');
      // Every labelled transition is drawn with its label; each chart has several (定密纠正, the smallest, has 4).
      const labelled = graph.layout.transitions.filter((t) => t.labelBox && t.points.length >= 2).length;
      expect(labelled).toBeGreaterThan(3);
      expect(await page.locator('#statechart .edge-label').count()).toBe(labelled);
      expect(labels.length).toBeGreaterThanOrEqual(labelled);
      const clashes: string[] = [];
      labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => overlap(a, b) && clashes.push(`${a.text} × ${b.text}`)));
      for (const a of labels) for (const b of names) if (overlap(a, b)) clashes.push(`${a.text} × ${b.text}`);
      expect(clashes).toEqual([]);

      // Every drawn text is Chinese: no state key or event type on the page.
      const texts = await page.locator('#statechart svg text, #statechart .chart-text li').allTextContents();
      expect(texts.filter((t) => /\b[a-z]+[A-Z]\w*|\b[A-Z_]{4,}\b/.test(t))).toEqual([]);
      // The text alternative lists every state and every transition; the picture names it.
      expect(await page.locator('#statechart .chart-text li[data-path]').count()).toBe(graph.layout.states.length);
      expect(await page.locator('#statechart .chart-text li:not([data-path])').count()).toBe(graph.layout.transitions.length);
      expect(await page.getAttribute('#statechart svg', 'aria-describedby')).toBe('statechart-text');
      expect(await page.locator('#statechart .state.current').count()).toBeGreaterThan(0);
      await page.locator('#statechart svg').screenshot({ path: join(ARTIFACTS, `statechart-${kind}.png`) });
      await page.close();
    });
  }

  it('leak by variant: the organ’s chart has no network operator’s branch, the operator’s none of the organ’s Regs 61 reports; without a variant both; a variant a kind lacks is refused in Chinese', async () => {
    const paths = async (query: string) =>
      (
        (await (await fetch(`${url}/api/machines/leak${query}`)).json()) as { layout: { states: Array<{ path: string }> } }
      ).layout.states.map((s) => s.path);
    const organ = await paths('?variant=organ');
    const operator = await paths('?variant=network-operator');
    const both = await paths('');
    expect(organ.filter((p) => p.startsWith('operator'))).toEqual([]);
    expect(organ).toContain('underway.toSuperior.pending');
    expect(operator).toContain('operatorReporting');
    expect(operator.filter((p) => p.startsWith('underway') || p === 'open' || p === 'reporting')).toEqual([]);
    expect(both).toEqual(expect.arrayContaining(['operatorReporting', 'underway.toSuperior.pending']));
    const refused = await fetch(`${url}/api/machines/objection?variant=organ`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detailZh: string }).detailZh).toBe('查询条件「variant」（情形）：异议处理不分情形，请不要填写。');
  });

  it('leak: a parallel state is a box around its regions, and on a phone the chart scrolls in its own region, reachable by keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    await draw(page, 'leak', false);
    // The current edition's chart (4): underway (parallel) holds its regions, each region its steps.
    const outer = await page.locator('#statechart .state.parallel[data-path="underway"] > rect').boundingBox();
    const inner = await page.locator('#statechart .state[data-path="underway.toAuthority.pending"] > rect').boundingBox();
    expect(
      outer &&
        inner &&
        inner.x >= outer.x &&
        inner.y >= outer.y &&
        inner.x + inner.width <= outer.x + outer.width &&
        inner.y + inner.height <= outer.y + outer.height,
    ).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const chart = page.locator('#statechart .chart');
    expect(await chart.getAttribute('tabindex')).toBe('0');
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => chart.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'statechart-phone.png'), fullPage: true });
    await page.close();
  });
});
