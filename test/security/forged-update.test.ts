import { spawnSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries.js';
import { AesGcmCodec, sealedDataConverter } from '../../temporal/codec.js';
import { failureConverter, payloadConverter } from '../../temporal/converters.js';
import { eventUpdate, viewQuery } from '../../workflows/messages.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { startStack, type Stack } from '../support/stack.js';
import { leakInput, unclearMatterInput } from '../support/inputs.js';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader

/**
 * An attacker on the same host reaches the Temporal port but holds no codec key: every message
 * it sends is unsealed (or sealed with a guessed key) and must change nothing (SPEC §5).
 */
let stack: Stack;
let raw: Connection;
beforeAll(async () => {
  stack = await startStack('forged-test');
  raw = await Connection.connect({ address: stack.address });
});
afterAll(async () => {
  await raw?.close();
  await stack?.stop();
});

async function api(method: string, path: string, as: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The Temporal CLI against the stack's server, as the attacker would run it. */
function temporal(...args: string[]) {
  const r = spawnSync(ensureTemporalBinaries().cli, [...args, '--address', stack.address, '--namespace', 'default'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const matter = () => unclearMatterInput({ matterRef: 'F-1', title: '伪造测试' });
/** The provincial authority's determination, which only auth-440000 may send (Regs 25). */
const FORGED = (id: string, updateId: string) => ({
  type: 'DETERMINE',
  payload: { determination: { outcome: 'not-secret' } },
  actor: { id: 'auth-440000', name: '广东省国家保密局', roles: ['head' as const] }, // its 负责人 signs the determination (edition 5)
  sealedFor: { procedureId: id, updateId },
});
const view = (id: string) => stack.client.workflow.getHandle(id).query(viewQuery);
/**
 * The view once the workflow answers again. An Update from the CLI holds the workflow task for
 * two task timeouts on this dev server before the worker sees it (the same without the codec's
 * refusal): queries meanwhile fail with "Workflow Task in failed state".
 */
async function settledView(id: string): Promise<ProcedureView> {
  await expect
    .poll(
      () =>
        view(id).then(
          () => true,
          () => false,
        ),
      { timeout: 60_000, interval: 1000 },
    )
    .toBe(true);
  return view(id);
}

/** Updates the history records as accepted, by update name. */
async function acceptedUpdates(id: string): Promise<string[]> {
  const history = await new Client({ connection: raw }).workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).flatMap((e) =>
    e.workflowExecutionUpdateAcceptedEventAttributes
      ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input?.name ?? '']
      : [],
  );
}

async function reportedProcedure(): Promise<{ id: string; before: ProcedureView }> {
  const started = await api('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', matter());
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  expect((await api('POST', `/api/procedures/${id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(200);
  return { id, before: await view(id) };
}

describe('forged events: the worker refuses every payload the codec did not seal (SPEC §5)', () => {
  it('a plaintext Update sent with the Temporal CLI, naming the provincial authority as its actor, is rejected: no audit entry, no accepted update, the procedure unchanged', async () => {
    const { id, before } = await reportedProcedure();
    expect(before.allowedEvents.map((e) => e.type)).toContain('DETERMINE');

    const cli = temporal(
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      id,
      '--name',
      eventUpdate.name,
      '--update-id',
      'forged-1',
      '--input',
      JSON.stringify(FORGED(id, 'forged-1')),
    );
    expect(cli.status, cli.out).not.toBe(0);

    const after = await settledView(id);
    expect(after.state).toBe(before.state);
    expect(after.audit).toEqual(before.audit);
    expect(after.audit.some((a) => a.event?.type === 'DETERMINE')).toBe(false);
    expect(await acceptedUpdates(id)).toEqual(['event']); // SUBMIT_REPORT only (a prepared start is a plain start: no 'ready')

    // The same event through the API, by the authority itself: valid, and accepted.
    const real = await api('POST', `/api/procedures/${id}/events`, 'auth-440000', {
      type: 'DETERMINE',
      determination: { outcome: 'not-secret' },
    });
    expect(real.status).toBe(200);
    expect((await view(id)).audit.filter((a) => a.event?.type === 'DETERMINE').map((a) => a.actor.id)).toEqual(['auth-440000']);
  }, 180_000);

  it('a client without the key, or with a guessed key under the real key id, gets the Update refused with the reason; nothing recorded', async () => {
    const { id, before } = await reportedProcedure();
    const codecless = new Client({ connection: raw });
    await expect(
      codecless.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [FORGED(id, 'forged-2')], updateId: 'forged-2' }),
    ).rejects.toThrow();
    const guessed = new Client({
      connection: raw,
      dataConverter: sealedDataConverter(new AesGcmCodec(new Map([['test-1', Buffer.alloc(32, 1)]]), 'test-1')),
    });
    const err = await guessed.workflow
      .getHandle(id)
      .executeUpdate(eventUpdate, { args: [FORGED(id, 'forged-3')], updateId: 'forged-3' })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(err).toBeInstanceOf(Error);
    expect((await view(id)).audit).toEqual(before.audit);
    expect(await acceptedUpdates(id)).toEqual(['event']);
    // Control: sealed with the real key, the same message passes. The key is the boundary: only
    // the API (which sets the actor from the token) and the worker hold it.
    await stack.client.workflow.getHandle(id).executeUpdate(eventUpdate, { args: [FORGED(id, 'sealed-1')], updateId: 'sealed-1' });
    expect((await view(id)).state).not.toBe(before.state);
  });

  it('a sealed event copied out of a history is refused in another procedure of the same organ and, under a new Update id, in its own; nothing recorded', async () => {
    const leak = async (ref: string) => {
      const started = await api('POST', '/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: ref }));
      expect(started.status).toBe(201);
      return started.body.id as string;
    };
    const [a, b] = [await leak('R-1'), await leak('R-2')];
    expect(
      (await api('POST', `/api/procedures/${a}/events`, 'org-th-office', { type: 'RECORD_MEASURES', measures: '更换密码' })).status,
    ).toBe(200);
    // What whoever reaches the Temporal port reads: the accepted Update's sealed argument.
    const accepted = ((await new Client({ connection: raw }).workflow.getHandle(a).fetchHistory()).events ?? []).flatMap((e) =>
      e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest!] : [],
    );
    const sealed = accepted.at(-1)!.input!.args!.payloads![0]!;
    expect(sealed.metadata?.encoding && Buffer.from(sealed.metadata.encoding).toString()).toBe('binary/encrypted');
    const measuresOf = async (id: string) => (await view(id)).audit.filter((e) => e.event?.type === 'RECORD_MEASURES').length;
    const before = { a: await view(a), b: await view(b) };

    for (const [target, updateId] of [
      [b, 'replayed-into-b'],
      [a, 'replayed-into-a'],
    ] as const) {
      const res = await raw.workflowService.updateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: target },
        request: { meta: { updateId, identity: 'attacker' }, input: { name: eventUpdate.name, args: { payloads: [sealed] } } },
        waitPolicy: {
          lifecycleStage:
            proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
        },
      });
      const failure = res.outcome?.failure;
      expect(res.outcome?.success, target).toBeFalsy();
      const [opened] = await stack.codec.decode([failure!.encodedAttributes!]);
      expect(JSON.parse(Buffer.from(opened!.data!).toString()).message).toMatch(/sealed for procedure .* not for /);
    }
    expect(await measuresOf(a)).toBe(1);
    expect(await measuresOf(b)).toBe(0);
    expect((await view(a)).audit).toEqual(before.a.audit);
    expect((await view(b)).audit).toEqual(before.b.audit);
    expect(await acceptedUpdates(b)).toEqual([]);
    // Control: the organ's own event through the API is accepted in b.
    expect((await api('POST', `/api/procedures/${b}/events`, 'org-th-office', { type: 'RECORD_MEASURES', measures: '封存' })).status).toBe(
      200,
    );
  });

  it('a sealed event copied out of a run that an insider then reset (its Updates excluded) is refused by the new run under its own Update id: the record knows it was applied (SPEC §4a)', async () => {
    const started = await api('POST', '/api/procedures/leak', 'org-th-office', leakInput({ incidentRef: 'R-RESET' }));
    const id = started.body.id as string;
    expect(
      (await api('POST', `/api/procedures/${id}/events`, 'org-th-office', { type: 'RECORD_MEASURES', measures: '更换全部口令' })).status,
    ).toBe(200);
    const accepted = ((await new Client({ connection: raw }).workflow.getHandle(id).fetchHistory()).events ?? []).flatMap((e) =>
      e.workflowExecutionUpdateAcceptedEventAttributes ? [e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest!] : [],
    );
    const { meta, input } = accepted.at(-1)!;
    const measured = (await view(id)).audit.length;
    await expect.poll(async () => (await stack.records.read(id))?.view.audit.length, { timeout: 20_000 }).toBe(measured);

    // The insider rewinds the run to its first task, leaving the organ's measures out.
    const reset = temporal(
      'workflow',
      'reset',
      '--workflow-id',
      id,
      '--type',
      'FirstWorkflowTask',
      '--reapply-exclude',
      'Update',
      '--reason',
      'rewind',
    );
    expect(reset.status, reset.out).toBe(0);
    const rewound = await settledView(id);
    expect(rewound.audit.filter((a) => a.event?.type === 'RECORD_MEASURES')).toHaveLength(0);

    // ... and sends the copied Update again, under its own id, to the new run.
    const res = await raw.workflowService.updateWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: id },
      request: { meta: { updateId: meta!.updateId!, identity: 'attacker' }, input: { name: eventUpdate.name, args: input!.args! } },
      waitPolicy: {
        lifecycleStage:
          proto.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
      },
    });
    expect(res.outcome?.success).toBeFalsy();
    const [opened] = await stack.codec.decode([res.outcome!.failure!.encodedAttributes!]);
    expect(JSON.parse(Buffer.from(opened!.data!).toString()).message).toMatch(/applied before the run was reset/);
    expect((await view(id)).audit.filter((a) => a.event?.type === 'RECORD_MEASURES')).toHaveLength(0);
    // The record kept the measures as they were first recorded, once.
    expect((await stack.records.read(id))!.view.audit.filter((a) => a.event?.type === 'RECORD_MEASURES')).toHaveLength(1);
  }, 180_000);

  it('a plaintext signal, and a query with plaintext arguments, change nothing; the procedure keeps accepting events', async () => {
    const { id, before } = await reportedProcedure();
    const signal = temporal(
      'workflow',
      'signal',
      '--workflow-id',
      id,
      '--name',
      eventUpdate.name,
      '--input',
      JSON.stringify(FORGED(id, 'x')),
    );
    expect(signal.status, signal.out).toBe(0); // the server records a signal; the workflow has no signal handler and never reads it
    const query = temporal('workflow', 'query', '--workflow-id', id, '--name', viewQuery.name, '--input', JSON.stringify(FORGED(id, 'x')));
    expect(query.status, query.out).not.toBe(0);
    expect(query.out).not.toContain('DETERMINE');
    const after = await settledView(id);
    expect(after.audit).toEqual(before.audit);
    expect(after.state).toBe(before.state);
    expect(
      (await api('POST', `/api/procedures/${id}/events`, 'auth-440000', { type: 'DETERMINE', determination: { outcome: 'not-secret' } }))
        .status,
    ).toBe(200);
  }, 180_000);

  it('a plaintext start never runs the procedure: no party resolved, no activity, nothing notified; its workflow task fails with the refusal', async () => {
    const id = `unclear-matter-forged-${Date.now()}`;
    const cli = temporal(
      'workflow',
      'start',
      '--type',
      'unclearMatterWorkflow',
      '--task-queue',
      'forged-test',
      '--workflow-id',
      id,
      '--input',
      JSON.stringify({ input: matter(), actor: { id: 'org-gz-bureau' } }),
    );
    expect(cli.status, cli.out).toBe(0);
    const handle = new Client({ connection: raw }).workflow.getHandle(id);
    await expect
      .poll(
        async () =>
          (await handle.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes
            ?.failure,
        { timeout: 20_000 },
      )
      .toBeTruthy();
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.activityTaskScheduledEventAttributes || e.workflowTaskCompletedEventAttributes)).toBe(false);
    // The task failure is sealed by the worker; opened with the key, it names the refusal.
    const failure = events.find((e) => e.workflowTaskFailedEventAttributes)!.workflowTaskFailedEventAttributes!.failure!;
    const [attrs] = await stack.codec.decode([failure.encodedAttributes!]);
    expect(Buffer.from(attrs!.data!).toString()).toMatch(/not sealed by the payload codec/);
    await handle.terminate('forged start (test)');
  });

  it('the failure converter does not believe an application failure whose message is not sealed (e.g. `temporal activity fail` by id): its text is dropped', async () => {
    const forged = { message: 'MARKER-FORGED-FAILURE', applicationFailureInfo: { type: 'WebhookRejected', nonRetryable: true } };
    const err = failureConverter.failureToError(forged, payloadConverter);
    expect(err.message).not.toContain('MARKER');
    expect(err.message).toMatch(/not sealed by the payload codec/);
    const [sealedAttrs] = await stack.codec.encode([payloadConverter.toPayload({ message: 'MARKER-REAL', stack_trace: '' })]);
    const [opened] = await stack.codec.decode([sealedAttrs!]);
    expect(failureConverter.failureToError({ ...forged, encodedAttributes: opened! }, payloadConverter).message).toBe('MARKER-REAL');
  });
});
