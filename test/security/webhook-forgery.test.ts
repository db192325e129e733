import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../activities/config.js';
import { loadDeps } from '../../activities/deps.js';
import { createDelivery, webhookSignature } from '../../activities/delivery.js';
import { DeliveryLedger } from '../../activities/ledger.js';
import { verifyWebhook } from '../../activities/webhook-verify.js';
import { Registry } from '../../domain/registry/registry.js';
import demo from '../../domain/registry/demo-registry.json' with { type: 'json' };
import { withProcedureEnv } from '../support/procedure-env.js';
import { freePort } from '../support/ports.js';

/** The activities' dependencies from an environment, with an in-memory delivery ledger. */
const depsOf = (env: Record<string, string>) => loadDeps({ ...parseConfig(env), dataDir: undefined }, env);

const SECRET_ORGAN = 'a'.repeat(24) + '-organ-secret-0001';
const SECRET_AUTHORITY = 'b'.repeat(24) + '-authority-secret-02';
const SHARED = 'c'.repeat(40);
const organ = { id: 'org-gz-bureau' };
const authority = { id: 'auth-440000', roles: ['head' as const] }; // its 负责人 signs the determination (edition 5)
const matter = {
  organId: 'org-gz-bureau',
  matterRef: 'W-1',
  title: '签名测试',
  draftedOn: '2025-09-26',
  protectiveMeasures: 'M',
  proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: 'S' },
};

interface Call {
  body: string;
  headers: IncomingHttpHeaders;
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A receiver on loopback that keeps every call raw and answers `answer(call)` (default 200). */
async function receiver(answer: (call: Call) => { status: number; location?: string } = () => ({ status: 200 })) {
  const calls: Call[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      calls.push(call);
      const a = answer(call);
      res.writeHead(a.status, a.location ? { location: a.location } : {}).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}/hook`, calls };
}

/** The demo registry with the organ and the provincial authority reachable by webhook, each with its own secret by reference. */
function registryFile(organHook: string, authorityHook?: string, refs = true): { file: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'bm-hooks-'));
  writeFileSync(join(dir, 'gd-secret'), `${SECRET_AUTHORITY}\n`, { mode: 0o600 });
  const r = structuredClone(demo) as unknown as {
    organs: Array<{ id: string; secrecyOfficer: Record<string, string> }>;
    authorities: Array<{ id: string; contact: Record<string, string> }>;
  };
  r.organs.find((o) => o.id === organ.id)!.secrecyOfficer = {
    name: '广州市某局保密办',
    webhook: organHook,
    ...(refs ? { webhookSecretRef: 'env:BM_WEBHOOK_SECRET_GZ_BUREAU' } : {}),
  };
  if (authorityHook)
    r.authorities.find((a) => a.id === authority.id)!.contact = {
      name: '广东省国家保密局值班室',
      webhook: authorityHook,
      ...(refs ? { webhookSecretRef: `file:${join(dir, 'gd-secret')}` } : {}),
    };
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(r));
  return { file, env: { BM_REGISTRY_FILE: file, BM_WEBHOOK_SECRET_GZ_BUREAU: SECRET_ORGAN, BM_WEBHOOK_SECRET: SHARED } };
}

const verify = (call: Call, secret: string, over: { now?: number; processed?: Set<string>; headers?: IncomingHttpHeaders } = {}) =>
  verifyWebhook({
    body: call.body,
    headers: { ...call.headers, ...over.headers },
    secret,
    processed: over.processed ?? new Set(),
    ...(over.now ? { now: over.now } : {}),
  });

describe('webhooks: one secret per receiver, no redirects, a verification helper receivers can copy', () => {
  it('the verification helper accepts a real call with the receiver’s own secret and refuses a wrong secret, another receiver’s signature, a stale timestamp, a replayed key and a key not in the signed body', async () => {
    const hook = await receiver();
    const delivery = createDelivery({
      webhookSecrets: new Map([
        [organ.id, SECRET_ORGAN],
        [authority.id, SECRET_AUTHORITY],
      ]),
      mailFrom: 'x@y',
      ledger: new DeliveryLedger(),
    });
    const message = {
      procedureId: 'p-1',
      procedureLabel: '不明确事项报送',
      kind: 'notification',
      subject: 'determined',
      at: new Date().toISOString(),
    };
    await delivery.deliver({
      key: 'p-1:e1:webhook:org-gz-bureau',
      channel: 'webhook',
      address: hook.url,
      recipient: { id: organ.id, name: '广州市某局', contact: '保密办' },
      message,
    });
    const [call] = hook.calls;

    expect(verify(call!, SECRET_ORGAN)).toEqual({ outcome: 'valid', key: 'p-1:e1:webhook:org-gz-bureau' });
    expect(verify(call!, 'not-the-secret-'.repeat(3))).toMatchObject({ outcome: 'invalid', reason: expect.stringContaining('signature') });
    // The authority, holding its own secret, signs a message for the organ: the organ refuses it.
    const timestamp = new Date().toISOString();
    const forgedBody = JSON.stringify({ ...JSON.parse(call!.body), id: 'p-1:forged', subject: 'withdrawn' });
    const forged = {
      body: forgedBody,
      headers: {
        'x-bm-timestamp': timestamp,
        'idempotency-key': 'p-1:forged',
        'x-bm-signature': `sha256=${webhookSignature(SECRET_AUTHORITY, timestamp, forgedBody)}`,
      },
    };
    expect(verify(forged, SECRET_ORGAN).outcome).toBe('invalid');
    expect(verify(forged, SECRET_AUTHORITY).outcome).toBe('valid'); // it is a good signature, just not the organ's
    expect(verify(call!, SECRET_ORGAN, { now: Date.now() + 6 * 60_000 })).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringContaining('outside the window'),
    });
    expect(verify(call!, SECRET_ORGAN, { processed: new Set(['p-1:e1:webhook:org-gz-bureau']) })).toEqual({
      outcome: 'duplicate',
      key: 'p-1:e1:webhook:org-gz-bureau',
    });
    expect(verify(call!, SECRET_ORGAN, { headers: { 'idempotency-key': 'p-1:fresh-key' } })).toMatchObject({
      outcome: 'invalid',
      reason: expect.stringContaining('Idempotency-Key'),
    });
  });

  it('each receiver gets messages signed with its own secret from the registry (env: and file: references), never with the shared one or another receiver’s', async () => {
    const organHook = await receiver();
    const authorityHook = await receiver();
    const { env } = registryFile(organHook.url, authorityHook.url);
    await withProcedureEnv(
      '2025-09-26T01:00:00Z',
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.send(h, 'SUBMIT_REPORT', organ);
        await p.send(h, 'DETERMINE', authority, { determination: { outcome: 'not-secret' } });
        await expect.poll(() => organHook.calls.length * authorityHook.calls.length, { timeout: 15_000 }).toBeGreaterThan(0);
      },
      depsOf(env),
    );
    for (const c of organHook.calls) {
      expect(verify(c, SECRET_ORGAN).outcome).toBe('valid');
      for (const other of [SECRET_AUTHORITY, SHARED]) expect(verify(c, other).outcome).toBe('invalid');
    }
    for (const c of authorityHook.calls) {
      expect(verify(c, SECRET_AUTHORITY).outcome).toBe('valid');
      for (const other of [SECRET_ORGAN, SHARED]) expect(verify(c, other).outcome).toBe('invalid');
    }
  });

  it('a receiver that redirects gets the call once and the address it points to sees nothing; the delivery fails as a redirect', async () => {
    const elsewhere = await receiver();
    const redirecting = await receiver(() => ({ status: 307, location: elsewhere.url }));
    const { env } = registryFile(redirecting.url);
    await withProcedureEnv(
      '2025-09-26T01:00:00Z',
      async (p) => {
        const h = await p.start('unclear-matter', matter, organ);
        await p.send(h, 'SUBMIT_REPORT', organ);
        await p.send(h, 'DETERMINE', authority, { determination: { outcome: 'not-secret' } });
        await expect
          .poll(async () => (await p.view(h)).inbox.find((i) => i.subject === 'determined')?.deliveries[0]?.status, { timeout: 15_000 })
          .toBe('failed');
        expect((await p.view(h)).inbox.find((i) => i.subject === 'determined')!.deliveries[0]!.error).toMatch(
          /answered 307, a redirect, which is not followed/,
        );
      },
      depsOf(env),
    );
    expect(elsewhere.calls).toEqual([]);
    const keys = redirecting.calls.map((c) => c.headers['idempotency-key']);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length); // not retried: a redirect is final
  });

  it('in production every webhook receiver needs its own secret: a missing reference, an unset variable or a short secret stops the start-up; the shared secret is not used', () => {
    const prod = (env: Record<string, string>) => ({ ...env, BM_MODE: 'production' });
    const without = registryFile('https://gz-bureau.example/hook', 'https://gd.example/hook', false);
    expect(() => depsOf(prod(without.env))).toThrow(
      /authorities\[\d+\]\.contact\.webhookSecretRef \(auth-440000\): a webhook receiver needs its own secret in production/,
    );
    const withRefs = registryFile('https://gz-bureau.example/hook', 'https://gd.example/hook');
    const deps = depsOf(prod(withRefs.env));
    expect(deps.delivery.webhookSecret).toBeUndefined();
    expect(deps.delivery.webhookSecrets).toEqual(
      new Map([
        [authority.id, SECRET_AUTHORITY],
        [organ.id, SECRET_ORGAN],
      ]),
    );
    expect(() => depsOf(prod({ ...withRefs.env, BM_WEBHOOK_SECRET_GZ_BUREAU: 'short' }))).toThrow(
      /env:BM_WEBHOOK_SECRET_GZ_BUREAU has 5 characters; at least 32/,
    );
    const { BM_WEBHOOK_SECRET_GZ_BUREAU: _unset, ...unset } = withRefs.env;
    expect(() => depsOf(prod(unset))).toThrow(/environment variable BM_WEBHOOK_SECRET_GZ_BUREAU .* is not set/);
    // Outside production a receiver without a reference falls back to the shared secret.
    expect(depsOf(without.env).delivery.webhookSecret).toBe(SHARED);
    // The registry holds references, never a secret.
    const inline = structuredClone(demo);
    (inline.organs[0]!.secrecyOfficer as Record<string, string>).webhookSecretRef = SECRET_ORGAN;
    expect(() => Registry.fromJSON(inline)).toThrow(/never the secret itself/);
  });
});
