import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../support/clock.js';
import { viewQuery } from '../../workflows/messages.js';
import { startProcedure } from '../../api/procedure-client.js';
import { AesGcmCodec, sealedDataConverter } from '../../temporal/codec.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('codec-test');
});
afterAll(async () => {
  await stack?.stop();
});

const MARKERS = ['MARKER-TITLE-3f9a', 'MARKER-MEASURES-77c1', 'MARKER-REPORT-0d2e'];
const FAILURE_MARKER = 'org-MARKER-FAILURE-5b1e';

/** Every byte string in a history, as text: where a plaintext marker would show. */
function texts(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

/** The messages along an error's cause chain. */
const messages = (e: unknown): string[] => (e instanceof Error ? [e.message, ...messages(e.cause)] : []);

describe('payloads the server cannot read (SPEC §5)', () => {
  it('the dev server’s stored history holds none of the plaintext markers, not even in failure messages; a client without the key cannot read it; a wrong key fails loudly', async () => {
    const token = await stack.token('org-gz-bureau');
    const started = await fetch(`${stack.url}/api/procedures/unclear-matter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organId: 'org-gz-bureau',
        matterRef: 'C-1',
        title: MARKERS[0],
        draftedOn: today(),
        protectiveMeasures: MARKERS[1],
        proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const event = await fetch(`${stack.url}/api/procedures/${started.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SUBMIT_REPORT', reportNumber: MARKERS[2] }),
    });
    expect(event.status).toBe(200);
    // Through the codec the markers are there …
    const view = await stack.client.workflow.getHandle(started.id).query(viewQuery);
    expect(JSON.stringify(view)).toContain(MARKERS[2]);
    // … and in a failure message, which quotes what was sent (an organ the registry does not know).
    const failing = `codec-failure-${Date.now()}`;
    const failure = await startProcedure(stack.client, {
      kind: 'unclear-matter',
      workflowId: failing,
      taskQueue: 'codec-test',
      input: {
        organId: FAILURE_MARKER,
        matterRef: 'C-2',
        title: 'T',
        draftedOn: today(),
        protectiveMeasures: 'M',
        proposal: { level: 'secret', term: { kind: 'years', years: 5 }, scope: 'S' },
      },
      actor: { id: FAILURE_MARKER },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(messages(failure).join(' | ')).toContain(FAILURE_MARKER);

    // … but not in what the server stores, read straight from the server with no codec.
    const connection = await Connection.connect({ address: stack.address });
    try {
      const raw = new Client({ connection });
      const history = await raw.workflow.getHandle(started.id).fetchHistory();
      expect(history.events!.length).toBeGreaterThan(5);
      const failedHistory = await raw.workflow.getHandle(failing).fetchHistory();
      expect(failedHistory.events!.some((e) => e.workflowExecutionFailedEventAttributes)).toBe(true);
      const stored = texts([history, failedHistory]).join('\n');
      for (const m of [...MARKERS, FAILURE_MARKER]) expect(stored).not.toContain(m);
      expect(stored).toContain('binary/encrypted');
      await expect(raw.workflow.getHandle(started.id).query(viewQuery)).rejects.toThrow(/binary\/encrypted|encoding/i);

      const wrong = new Client({
        connection,
        dataConverter: sealedDataConverter(new AesGcmCodec(new Map([['test-1', Buffer.alloc(32, 9)]]), 'test-1')),
      });
      await expect(wrong.workflow.getHandle(started.id).query(viewQuery)).rejects.toThrow(/fails authentication/);
    } finally {
      await connection.close();
    }
  });

  it('serves a decode endpoint for the Temporal Web UI, to the national authority only', async () => {
    const codec = new AesGcmCodec(new Map([['test-1', Buffer.alloc(32, 7)]]), 'test-1');
    const [sealed] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"MARKER-UI"') }]);
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(sealed!.data!).toString('base64'),
        },
      ],
    });
    const post = async (as?: string) =>
      fetch(`${stack.url}/codec/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-namespace': 'default',
          ...(as ? { authorization: `Bearer ${await stack.token(as)}` } : {}),
        },
        body,
      });
    const ok = await post('auth-000000');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const decoded = (await ok.json()) as { payloads: Array<{ data: string }> };
    expect(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()).toBe('"MARKER-UI"');
    expect((await post('org-gz-bureau')).status).toBe(403);
    expect((await post()).status).toBe(401);
  });
});
