import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { aptInstall } from './apt.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

/**
 * Debian's chromium (no browser download of the tool's own) and a CJK font so that the
 * screenshots show the Chinese text, both installed with apt where missing.
 */
export async function launchChromium(): Promise<Browser> {
  let path = CHROMIUM.find(existsSync);
  if (!path || !existsSync(CJK_FONT)) {
    aptInstall('chromium', 'fonts-wqy-microhei');
    path = CHROMIUM.find(existsSync);
    if (!path) throw new Error('Debian chromium is needed for the browser tests: apt-get install chromium');
  }
  return chromium.launch({
    executablePath: path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
