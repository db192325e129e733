import { createHash, createHmac } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SA } from '../../workflows/search-attributes.js';
import { startStack, type Stack } from '../support/stack.js';
import { unclearMatterInput } from '../support/inputs.js';
import { recordedDenials } from '../support/records.js';

/**
 * Issue 24: a workflow id was the unkeyed SHA-256 of the party and the caller's Idempotency-Key.
 * Anyone who reads ids (the Temporal port, the Web UI, a log) could test guesses of the key against
 * it, and an insider with the Temporal port could compute the id of an organ's next start and take
 * it first: the organ's start then failed with a 500 after 30 s, every time.
 */
let stack: Stack;
let raw: Client;
let connection: Connection;
beforeAll(async () => {
  stack = await startStack('id-squat');
  connection = await Connection.connect({ address: stack.address });
  // The insider: the Temporal port, no codec key.
  raw = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await stack?.stop();
});

const ORGAN = 'org-gz-bureau';
/** The digest as it was: SHA-256 over the party and the key, no secret. */
const unkeyed = (key: string) => createHash('sha256').update(`${ORGAN}\n${key}`).digest('hex').slice(0, 32);
/** 40,000 case numbers of the organ's pattern. */
const candidates = ['2023', '2024', '2025', '2026'].flatMap((year) =>
  Array.from({ length: 10_000 }, (_, n) => `GZBM-${year}-${String(n).padStart(4, '0')}`),
);

async function start(key: string, matterRef: string) {
  const begun = Date.now();
  const res = await fetch(`${stack.url}/api/procedures/unclear-matter`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token(ORGAN)}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(unclearMatterInput({ organId: ORGAN, matterRef })),
    signal: AbortSignal.timeout(40_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: Date.now() - begun };
}

/** The insider takes an id: a start of the procedure's own workflow type, with attributes that look like the organ's. */
const squat = (workflowId: string) =>
  raw.workflow.start('unclearMatterWorkflow', {
    workflowId,
    taskQueue: 'id-squat',
    args: [{ input: unclearMatterInput({ organId: ORGAN }), actor: { id: ORGAN, name: '广州市某局' } }],
    typedSearchAttributes: [
      { key: SA.kind, value: 'unclear-matter' },
      { key: SA.parties, value: [ORGAN] },
    ],
  });

describe('workflow ids nobody can reverse or squat', () => {
  it('the Idempotency-Key cannot be recovered from the workflow id by testing 40,000 guesses', async () => {
    const first = await start('GZBM-2025-0742', 'REV-1');
    expect(first.status).toBe(201);
    const digest = String(first.body.id).replace(/^unclear-matter-/, '');
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(candidates.find((key) => unkeyed(key) === digest)).toBeUndefined();
    // The same caller's same key still returns the first procedure.
    const again = await start('GZBM-2025-0742', 'REV-1');
    expect([again.status, again.body.id]).toEqual([200, first.body.id]);
  });

  it("an id computed from a guessed next key is not the organ's: the organ's start succeeds at once", async () => {
    await squat(`unclear-matter-${unkeyed('GZBM-2025-0743')}`);
    const res = await start('GZBM-2025-0743', 'SQ-1');
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(`unclear-matter-${unkeyed('GZBM-2025-0743')}`);
    expect(res.ms).toBeLessThan(10_000);
  });

  it("a workflow holding the very id (were the secret known) is refused with a clear 409, fast, and logged; it is neither queried nor taken for the organ's", async () => {
    const id = `unclear-matter-${createHmac('sha256', stack.idSecret).update(`${ORGAN}\nGZBM-2025-0744`).digest('hex').slice(0, 32)}`;
    const held = await squat(id);
    const res = await start('GZBM-2025-0744', 'SQ-2');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'Procedure id taken' });
    expect(String(res.body.detail)).toContain(`the procedure id ${id} of this start is held by a workflow that is not your procedure`);
    expect(String(res.body.detailZh)).toContain('未启动任何程序');
    expect(res.ms).toBeLessThan(3_000);
    // Nothing of the insider's became the organ's: the squatted run is the only one at that id, still failing its first task.
    const description = await raw.workflow.getHandle(id).describe();
    expect(description.runId).toBe(held.firstExecutionRunId);
    await expect
      .poll(async () => (await recordedDenials(stack.records)).map((d) => d.what))
      .toContain(`start unclear-matter: id ${id} held by a workflow that is not its procedure`);
  });
});

describe('one self-inspection per enterprise and year (issue 24)', () => {
  const startAnnual = async (key?: string) => {
    const res = await fetch(`${stack.url}/api/procedures/annual-inspection`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await stack.token('ent-gz-tech')}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify({ enterpriseId: 'ent-gz-tech', year: 2025 }),
    });
    return { status: res.status, id: ((await res.json()) as { id: string }).id };
  };

  it('a second start for the same year, with another Idempotency-Key or none, returns the first; its id derives from the enterprise and the year, keyed', async () => {
    const first = await startAnnual('SELF-2025-A');
    // Keyed as the other ids: nobody can compute next year's id and take it first.
    const digest = createHmac('sha256', stack.idSecret).update('one-for\nent-gz-tech-2025').digest('hex').slice(0, 32);
    expect(first).toEqual({ status: 201, id: `annual-inspection-${digest}` });
    expect(await startAnnual('SELF-2025-B')).toEqual({ status: 200, id: first.id });
    expect(await startAnnual()).toEqual({ status: 200, id: first.id });
  });
});
