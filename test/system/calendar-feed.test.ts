import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startStack, type Stack } from '../support/stack.js';
import { leakInput } from '../support/inputs.js';
import { today } from '../support/clock.js';
import { parseFeed, type FeedEvent } from '../support/ics.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('calendar-feed-test');
});
afterAll(async () => {
  await stack?.stop();
});

const call = (method: string, path: string, as: string, body?: unknown) => callAs(stack, method, path, as, body);
const SECRET_TEXT = '绝不外传的鉴定事项描述';
const LEAK_SUMMARY = '绝不外传的事件概况';

/** A person's new feed URL. */
async function subscribe(as: string): Promise<string> {
  const r = await call('POST', '/api/calendar/subscription', as);
  expect(r.status).toBe(201);
  expect(r.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/calendar\/feeds\/[\w-]{16}\.[\w-]{43}\.ics$/);
  return r.body.url as string;
}

/** The feed as a calendar client fetches it: no token, no cookie. */
async function fetchFeed(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The feed once `pick` finds the event wanted (the worker records behind the workflow). */
async function eventIn(url: string, pick: (e: FeedEvent) => boolean): Promise<{ event: FeedEvent; events: FeedEvent[]; text: string }> {
  for (let i = 0; i < 200; i++) {
    const feed = await fetchFeed(url);
    expect(feed.status).toBe(200);
    const { events } = parseFeed(feed.text);
    const event = events.find(pick);
    if (event) return { event, events, text: feed.text };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('the event never appeared in the feed');
}

describe('the calendar feed on the real stack (issue 27)', () => {
  let appraisal: string;
  let authorityUrl: string;
  let first: FeedEvent;

  it('names the case and the article, on the deadline’s Beijing day, and nothing of the case’s free text', async () => {
    const start = await call('POST', '/api/procedures/appraisal', 'org-gz-procuratorate', {
      applicantId: 'org-gz-procuratorate',
      caseRef: 'CAL-1',
      appliedOn: today(),
      items: [{ ref: 'A1', description: SECRET_TEXT }],
    });
    expect(start.status).toBe(201);
    appraisal = start.body.id;
    expect((await call('POST', `/api/procedures/${appraisal}/events`, 'auth-440000', { type: 'ACCEPT' })).status).toBe(200);
    const view = await call('GET', `/api/procedures/${appraisal}`, 'auth-440000');
    const deadline = view.body.deadlines.find(
      (d: { specId: string; status: string }) => d.specId === 'conclusion' && d.status === 'running',
    );
    expect(deadline.lastDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    authorityUrl = await subscribe('auth-440000');
    const feed = await fetchFeed(authorityUrl);
    expect(feed.status).toBe(200);
    expect(feed.type).toMatch(/^text\/calendar/);
    const found = await eventIn(authorityUrl, (e) => e.summary.includes('CAL-1'));
    first = found.event;
    expect(first.summary).toContain('鉴定期限');
    expect(first.summary).toContain('第六十三条');
    // A calendar-days period ends at 24:00 Beijing time of its last day: an all-day event on that day.
    expect(first.allDay).toBe(true);
    expect(first.sequence).toBe(0);
    expect(first.start).toBe(deadline.lastDay);
    expect(first.description).toContain('广东省国家保密局（本单位）');
    expect(first.alarms.every((a) => Date.parse(a) < Date.parse(deadline.dueAt))).toBe(true);
    expect(parseFeed(found.text).name).toContain('广东省国家保密局');
    expect(found.text).not.toContain(SECRET_TEXT);
  });

  it('an hours deadline starts at its instant (UTC); the leak’s 事件概况 stays out', async () => {
    const start = await call(
      'POST',
      '/api/procedures/leak',
      'org-th-office',
      leakInput({ incidentRef: 'CAL-LEAK', summary: LEAK_SUMMARY }),
    );
    expect(start.status).toBe(201);
    const view = await call('GET', `/api/procedures/${start.body.id}`, 'org-th-office');
    const report = view.body.deadlines.find((d: { specId: string }) => d.specId === 'report-authority');
    const url = await subscribe('org-th-office');
    const { event, text, events } = await eventIn(url, (e) => e.summary.includes('CAL-LEAK') && e.summary.includes('同级保密行政管理部门'));
    expect(event.allDay).toBe(false);
    // iCalendar counts whole seconds: the instant to the second, never after it.
    expect(event.start).toBe(new Date(Math.floor(Date.parse(report.dueAt) / 1000) * 1000).toISOString());
    expect(event.summary).toContain('第六十一条');
    expect(text).not.toContain(LEAK_SUMMARY);
    expect(text).not.toContain('封存相关设备');
    // Only the party's own cases: the organ is no party of the appraisal.
    expect(events.some((e) => e.summary.includes('CAL-1'))).toBe(false);
  });

  it('a deadline that moves shows its new time under the same UID, with a higher SEQUENCE', async () => {
    const extend = await call('POST', `/api/procedures/${appraisal}/events`, 'auth-440000', { type: 'EXTEND', reason: '案情复杂' });
    expect(extend.status, JSON.stringify(extend.body)).toBe(200);
    const moved = await eventIn(authorityUrl, (e) => e.uid === first.uid && e.start !== first.start);
    const days = (Date.parse(moved.event.start) - Date.parse(first.start)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(30);
    expect(moved.event.sequence).toBeGreaterThan(first.sequence);
    expect(moved.event.sequence).toBe(1);
    expect(Date.parse(moved.event.lastModified)).toBeGreaterThanOrEqual(Date.parse(first.lastModified));
    // Updated, not duplicated.
    expect(moved.events.filter((e) => e.summary.includes('CAL-1') && e.summary.includes('鉴定期限'))).toHaveLength(1);
  });

  it('a wrong token is refused, a revoked URL is gone, a new one works; the page learns only that one is active', async () => {
    const [base, secret] = authorityUrl.replace(/\.ics$/, '').split(/\.(?=[\w-]{43}$)/) as [string, string];
    const altered = `${base}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}.ics`;
    expect((await fetchFeed(altered)).status).toBe(404);
    const status = await call('GET', '/api/calendar/subscription', 'auth-440000');
    expect(status.body).toMatchObject({ active: true });
    expect(status.body.lastFetchedAt).toBeDefined();
    expect(status.body.url).toBeUndefined();

    expect((await call('DELETE', '/api/calendar/subscription', 'auth-440000')).body).toEqual({ active: false });
    const revoked = await fetchFeed(authorityUrl);
    expect(revoked.status).toBe(410);
    expect(JSON.parse(revoked.text).detailZh).toContain('已作废');
    const again = await subscribe('auth-440000');
    expect(again).not.toBe(authorityUrl);
    expect((await fetchFeed(again)).status).toBe(200);
    expect((await fetchFeed(authorityUrl)).status).toBe(410);
    // Issuing again revokes the URL held before.
    await subscribe('auth-440000');
    expect((await fetchFeed(again)).status).toBe(410);
  });
});
