import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../support/clock.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The Temporal Web UI's remote codec requests (POST /codec/decode) carry the namespace, never the
 * workflow: the endpoint cannot tell whose payload it opens, so it opens them for the national
 * authority only (docs/security.md, "Payloads and webhooks").
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('decode-scope');
});
afterAll(async () => {
  await stack?.stop();
});

const MARKER = 'MARKER-GD-TITLE-91c4';

async function post(path: string, as: string | undefined, body: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-namespace': 'default',
      ...(as ? { authorization: `Bearer ${await stack.token(as)}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('decoding payloads for the Web UI stays inside the caller’s jurisdiction', () => {
  it('a provincial authority of another province (Beijing) cannot decode a Guangdong procedure’s start input; nor can Guangdong’s own authority or an organ; the national authority can; there is no encode endpoint', async () => {
    const token = await stack.token('org-gz-bureau');
    const started = await fetch(`${stack.url}/api/procedures/unclear-matter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organId: 'org-gz-bureau',
        matterRef: 'S-1',
        title: MARKER,
        draftedOn: today(),
        protectiveMeasures: 'M',
        proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);

    // What the Web UI sends: the stored (sealed) payload, as it reads it from the server.
    const connection = await Connection.connect({ address: stack.address });
    const history = await new Client({ connection }).workflow.getHandle(started.id).fetchHistory();
    await connection.close();
    const sealed = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(sealed.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(sealed.data!).toString('base64'),
        },
      ],
    };
    const opened = (text: string) => text.includes(MARKER) || text.includes(Buffer.from(MARKER).toString('base64').slice(0, 12));

    const beijing = await post('/codec/decode', 'auth-110000', body);
    expect(beijing.status).toBe(403);
    expect(beijing.text).toContain('only the national authority');
    expect(opened(beijing.text)).toBe(false);
    for (const as of ['auth-440000', 'org-gz-bureau']) {
      const r = await post('/codec/decode', as, body);
      expect(r.status, as).toBe(403);
      expect(opened(r.text)).toBe(false);
    }
    expect((await post('/codec/decode', undefined, body)).status).toBe(401);

    const national = await post('/codec/decode', 'auth-000000', body);
    expect(national.status).toBe(200);
    const decoded = JSON.parse(national.text) as { payloads: Array<{ data: string }> };
    expect(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()).toContain(MARKER);

    // Sealing is not offered: with it, a token holder could forge events (forged-update.test.ts).
    expect((await post('/codec/encode', 'auth-000000', { payloads: [{ metadata: {}, data: '' }] })).status).toBe(404);
  });
});
