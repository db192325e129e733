/**
 * Clickjacking, script injection and MIME sniffing against the dashboard and the API on the real
 * stack: every response carries the headers that forbid them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('security-headers');
});
afterAll(async () => {
  await stack?.stop();
});

const get = async (path: string, as?: string) =>
  fetch(`${stack.url}${path}`, { headers: as ? { authorization: `Bearer ${await stack.token(as)}` } : {} });

describe('security headers', () => {
  it('the dashboard page, its assets, API answers, refusals and errors forbid framing, foreign scripts and sniffing', async () => {
    const responses = {
      page: await get('/'),
      script: await get('/dashboard/app.js'),
      api: await get('/api/me', 'auth-440000'),
      refused: await get('/api/me'),
      missing: await get('/no/such/route'),
      health: await get('/healthz'),
    };
    for (const [what, res] of Object.entries(responses)) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, what).toContain("frame-ancestors 'none'");
      expect(csp, what).toContain("script-src 'self'");
      expect(csp, what).not.toContain('unsafe-inline');
      expect(csp, what).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
    }
    expect(responses.page.status).toBe(200);
    expect(responses.refused.status).toBe(401);
    // What the API answers about a person is not kept by caches.
    expect(responses.api.headers.get('cache-control')).toBe('no-store');
  });

  it('the page loads only its own script and style sheet (and an empty icon, so no request for /favicon.ico): nothing inline for the policy to forbid', async () => {
    const res = await get('/');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\sstyle=|<style|\son\w+=/); // no inline style or handler
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual(['/dashboard/style.css', 'data:,', '/dashboard/app.js']);
    // The empty data: URL is the icon only (no script, no style sheet), and the policy allows it as an image.
    expect(html).toContain('<link rel="icon" href="data:," />');
    expect(res.headers.get('content-security-policy')).toMatch(/img-src 'self' data:/);
  });

  it('the API docs page keeps the same framing and sniffing rules, with the inline styles Swagger UI needs', async () => {
    const res = await get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
