import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { aptInstall } from './apt.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
/** Chromium's Chinese locale (Debian's chromium-l10n): without it, date fields show the en-US format whatever the page's language. */
const ZH_LOCALE = '/usr/lib/chromium/locales/zh-CN.pak';

/**
 * Debian's chromium (no browser download of the tool's own), its Chinese locale and a CJK font so
 * that the screenshots show the Chinese text and date fields the Chinese format (年/月/日), all
 * installed with apt where missing. The browser runs in zh-CN, as the people using the system do.
 */
export async function launchChromium(): Promise<Browser> {
  let path = CHROMIUM.find(existsSync);
  if (!path || !existsSync(CJK_FONT) || !existsSync(ZH_LOCALE)) {
    aptInstall('chromium', 'chromium-l10n', 'fonts-wqy-microhei');
    path = CHROMIUM.find(existsSync);
    if (!path) throw new Error('Debian chromium is needed for the browser tests: apt-get install chromium');
  }
  return chromium.launch({
    executablePath: path,
    // Chromium formats date fields by the process's locale (LANG), not the page's language or --lang alone.
    env: { ...process.env, LANG: 'zh_CN.UTF-8' },
    args: [
      '--headless',
      '--lang=zh-CN',
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
