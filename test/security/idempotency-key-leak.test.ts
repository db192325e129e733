import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewQuery } from '../../workflows/messages.js';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';

/** Idempotency keys are chosen by callers and may say something (a case number): they are hashed before anything is recorded. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack('idempotency-leak');
});
afterAll(async () => {
  await stack?.stop();
});

const START_KEY = 'MARKER-START-KEY-7f3a';
const EVENT_KEY = 'MARKER-EVENT-KEY-2b9d';

async function call(path: string, key: string, body: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token('org-gz-bureau')}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every string and byte string in a value, as text. */
function texts(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

describe('caller-chosen idempotency keys are not stored in clear', () => {
  it('neither the start key nor the event key appears in the workflow id, the update ids or anywhere in the stored history; repeated requests still dedupe', async () => {
    const input = unclearMatterInput({ matterRef: 'K-1' });
    const first = await call('/api/procedures/unclear-matter', START_KEY, input);
    const again = await call('/api/procedures/unclear-matter', START_KEY, input);
    expect([first.status, again.status]).toEqual([201, 200]);
    const id = first.body.id as string;
    expect(again.body.id).toBe(id);
    expect(id).not.toContain(START_KEY);

    const e1 = await call(`/api/procedures/${id}/events`, EVENT_KEY, { type: 'SUBMIT_REPORT' });
    const e2 = await call(`/api/procedures/${id}/events`, EVENT_KEY, { type: 'SUBMIT_REPORT' });
    expect([e1.status, e2.status]).toEqual([200, 200]);
    const view = await stack.client.workflow.getHandle(id).query(viewQuery);
    expect(view.audit.filter((a) => a.event?.type === 'SUBMIT_REPORT')).toHaveLength(1);

    const connection = await Connection.connect({ address: stack.address });
    try {
      const raw = new Client({ connection });
      const handle = raw.workflow.getHandle(id);
      const history = await handle.fetchHistory();
      const accepted = (history.events ?? []).flatMap((e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'event'
          ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.meta?.updateId ?? '']
          : [],
      );
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatch(/^event-[0-9a-f]{32}$/);
      const stored = [...texts(history), ...texts(await handle.describe()), id].join('\n');
      for (const marker of [START_KEY, EVENT_KEY, 'MARKER']) expect(stored).not.toContain(marker);
    } finally {
      await connection.close();
    }
  });
});
