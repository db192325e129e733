/**
 * Reads across parties against the real stack: a caller outside a procedure's scope learns
 * nothing and makes the worker do nothing; a party of it sees no other receiver's contact data.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitReady } from '../../api/procedure-client.js';
import { HIDDEN } from '../../api/redact.js';
import { sealedDataConverter } from '../../temporal/codec.js';
import { freePort } from '../support/ports.js';
import { startStack, type Stack } from '../support/stack.js';
import { SA } from '../../workflows/search-attributes.js';
import { unclearMatterInput } from '../support/inputs.js';

const root = new URL('../..', import.meta.url).pathname;
let stack: Stack;
let hook: Server;
let hookBase: string;
/** Each receiver's webhook: a path only its owner should ever see; the receiver answers 410 (the delivery fails at once). */
const ORGAN_HOOK = () => `${hookBase}/organ-gz-bureau-private-path`;
const AUTHORITY_HOOK = () => `${hookBase}/authority-440000-private-path`;
const ORGAN_MAIL = 'baomiban@gz-bureau.example';
const AUTHORITY_MAIL = 'duty@gd.baomi.example';

async function call(method: string, path: string, as: string, body?: unknown, app?: Stack['app']) {
  const headers = { authorization: `Bearer ${await stack.token(as)}`, ...(body ? { 'content-type': 'application/json' } : {}) };
  if (app) {
    const r = await app.inject({ method: method as 'GET', url: path, headers, ...(body ? { payload: JSON.stringify(body) } : {}) });
    return { status: r.statusCode, body: r.json() };
  }
  const res = await fetch(`${stack.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  const port = await freePort();
  hookBase = `http://127.0.0.1:${port}`;
  hook = createServer((req, res) => req.resume().on('end', () => res.writeHead(410).end()));
  await new Promise<void>((r) => hook.listen(port, '127.0.0.1', r));
  const registry = JSON.parse(readFileSync(join(root, 'domain/registry/demo-registry.json'), 'utf8'));
  registry.organs.find((o: { id: string }) => o.id === 'org-gz-bureau').secrecyOfficer.webhook = ORGAN_HOOK();
  registry.authorities.find((a: { id: string }) => a.id === 'auth-440000').contact.webhook = AUTHORITY_HOOK();
  stack = await startStack('security-reads', { registry });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => hook?.close(r));
});

/** Another API instance whose client notes each call of these kinds it makes to a workflow ("query <id>"). */
type Watched = 'query' | 'update' | 'describe';
async function watchedApp(kinds: Watched[]) {
  const calls: string[] = [];
  const note = <I extends { workflowExecution: { workflowId?: string } }, O>(kind: Watched) =>
    kinds.includes(kind)
      ? (input: I, next: (input: I) => O) => (calls.push(`${kind} ${input.workflowExecution.workflowId}`), next(input))
      : undefined;
  const interceptor: WorkflowClientInterceptor = {};
  interceptor.query = note('query');
  interceptor.startUpdate = note('update');
  interceptor.describe = note('describe');
  const client = new Client({
    connection: stack.client.connection,
    dataConverter: sealedDataConverter(stack.codec),
    interceptors: { workflow: [interceptor] },
  });
  return { calls, app: await stack.extraApp({ client }) };
}

const unclear = (ref: string) => unclearMatterInput({ matterRef: ref, title: '跨方读取测试' });

describe('scope is decided from the search attributes before the workflow is queried', () => {
  it('a caller out of scope gets 404 and the API sends no query or update; the history does not change', async () => {
    const started = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear('SCOPE-1'));
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const handle = stack.client.workflow.getHandle(id);
    await expect
      .poll(async () => (await handle.describe()).typedSearchAttributes.get(SA.parties)?.includes('org-gz-bureau'), {
        timeout: 10_000,
      })
      .toBe(true);

    // The API's client, watched: every query and update it sends to a workflow.
    const { calls: sent, app } = await watchedApp(['query', 'update']);
    const historyLength = async () => (await handle.fetchHistory()).events?.length;
    // A prepared start is answered before its first workflow task: the history is measured once that ran,
    // and once the case file's append of its entries came back (an activity, then a workflow task).
    await waitReady(handle);
    await expect
      .poll(async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        return events.some((e) => e.activityTaskCompletedEventAttributes) && !!events.at(-1)?.workflowTaskCompletedEventAttributes;
      })
      .toBe(true);
    const before = await historyLength();

    for (const outsider of ['org-nj-bureau', 'auth-320000', 'auth-440106', 'org-gz-institute']) {
      const read = await call('GET', `/api/procedures/${id}`, outsider, undefined, app);
      expect(read.status, outsider).toBe(404);
      expect(read.body.detail).toBe(`no procedure ${id}`);
      const ev = await call(
        'POST',
        `/api/procedures/${id}/events`,
        outsider,
        { type: 'DETERMINE', determination: { outcome: 'not-secret' } },
        app,
      );
      expect(ev.status, outsider).toBe(404);
    }
    expect(sent).toEqual([]);
    expect(await historyLength()).toBe(before);

    // The same instance does query for a caller in scope: the watch would have seen it.
    expect((await call('GET', `/api/procedures/${id}`, 'auth-440100', undefined, app)).status).toBe(200);
    expect(sent).toEqual([`query ${id}`]);
  });
});

describe('an event whose sender the API knows in scope goes without a describe (issue 14)', () => {
  it("the start tells the API the scope: its party's event needs no describe; an outsider is still decided by one and gets 404", async () => {
    const { calls, app } = await watchedApp(['describe', 'update']);
    const started = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear('SCOPE-2'), app);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    calls.length = 0;

    const outsider = await call('POST', `/api/procedures/${id}/events`, 'org-nj-bureau', { type: 'SUBMIT_REPORT' }, app);
    expect(outsider.status).toBe(404);
    expect(calls).toEqual([`describe ${id}`]);

    calls.length = 0;
    const own = await call('POST', `/api/procedures/${id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' }, app);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body.state).toBe('underDetermination');
    expect(calls).toEqual([`update ${id}`]);

    // A read is always decided by a describe: parties can change, and a view is the worker's answer.
    calls.length = 0;
    expect((await call('GET', `/api/procedures/${id}`, 'org-gz-bureau', undefined, app)).status).toBe(200);
    expect(calls).toEqual([`describe ${id}`]);
  });
});

describe('the procedure view shows each party only its own contact data', () => {
  const emails = (v: unknown) => [...new Set(JSON.stringify(v).match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [])];
  const urls = (v: unknown) => [...new Set(JSON.stringify(v).match(/https?:\/\/[^\s"，：）]+/g) ?? [])];

  it("two parties of one procedure each see their own webhook, e-mail and delivery errors, not the other's; the national authority sees all", async () => {
    const { body } = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear('REDACT-1'));
    const id = body.id as string;
    expect((await call('POST', `/api/procedures/${id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(200); // notifies auth-440000
    expect(
      (await call('POST', `/api/procedures/${id}/events`, 'auth-440000', { type: 'DETERMINE', determination: { outcome: 'not-secret' } }))
        .status,
    ).toBe(200); // notifies the organ
    // Both webhooks fail (410): each failure is recorded with the address in its error.
    const full = async () => (await call('GET', `/api/procedures/${id}`, 'auth-000000')).body;
    // (The organ gets several: the determination, and the removal of markings it now owes, Law 22 para 3.)
    const failedTo = async () =>
      [
        ...new Set(
          (await full()).inbox.flatMap((e: { deliveries: Array<{ status: string; to: string }> }) =>
            e.deliveries.filter((d) => d.status === 'failed').map((d) => d.to),
          ),
        ),
      ].sort();
    await expect.poll(failedTo, { timeout: 30_000 }).toEqual(['auth-440000', 'org-gz-bureau']);

    const all = await full();
    expect(urls(all)).toEqual(expect.arrayContaining([ORGAN_HOOK(), AUTHORITY_HOOK()]));
    expect(emails(all)).toEqual(expect.arrayContaining([ORGAN_MAIL, AUTHORITY_MAIL]));

    for (const [who, ownHook, ownMail] of [
      ['org-gz-bureau', ORGAN_HOOK(), ORGAN_MAIL],
      ['auth-440000', AUTHORITY_HOOK(), AUTHORITY_MAIL],
    ] as const) {
      const view = (await call('GET', `/api/procedures/${id}`, who)).body;
      expect(urls(view), who).toEqual([ownHook]);
      expect(emails(view), who).toEqual([ownMail]);
      for (const entry of view.inbox) {
        for (const r of entry.recipients) if (r.party.id !== who) expect(r.contact, who).toEqual({ name: expect.any(String) });
        for (const d of entry.deliveries)
          if (d.status === 'failed') expect(d.error, who).toBe(d.to === who ? `webhook ${ownHook} answered 410` : HIDDEN);
      }
      const failures = view.audit.filter((a: { kind: string }) => a.kind === 'delivery-failed');
      expect(failures.length).toBeGreaterThanOrEqual(2);
      for (const a of failures) expect(a.summary).toMatch(new RegExp(`^Webhook无法送达.+：${HIDDEN}$`));
    }
  });
});
