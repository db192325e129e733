import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeps } from '../../activities/deps.js';
import { startProcedure } from '../../api/procedure-client.js';
import { prepareAtApi } from '../../api/prepare-start.js';
import { Registry } from '../../domain/registry/registry.js';
import { PROCEDURES, type ProcedureKind } from '../../machines/index.js';
import { viewQuery } from '../../workflows/messages.js';
import type { Actor, DeadlineRecord, ProcedureView } from '../../domain/procedure-view.js';
import { demoRegistry } from '../support/demo.js';
import { startStack, type Stack } from '../support/stack.js';
import { daysFromToday, today } from '../support/clock.js';
import { leakInput, unclearMatterInput } from '../support/inputs.js';
import { recordedDenials } from '../support/records.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, as?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(as ? { authorization: `Bearer ${await stack.token(as)}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: json };
}

const unclear = (organId = 'org-gz-bureau', over: Record<string, unknown> = {}) =>
  unclearMatterInput({ organId, matterRef: 'API-1', title: '接口测试事项', ...over });

describe('the API against a real dev server and worker', () => {
  it('reports health, serves OpenAPI 3.1 generated from the schemas, and a docs page', async () => {
    expect((await call('GET', '/healthz')).body).toEqual({ temporal: 'reachable', worker: 'polling' });
    const spec = (await call('GET', '/openapi.json')).body;
    expect(spec.openapi).toBe('3.1.0');
    for (const kind of ['unclear-matter', 'objection', 'leak', 'appraisal', 'annual-inspection'])
      expect(spec.paths[`/api/procedures/${kind}`].post.requestBody).toBeTruthy();
    expect(JSON.stringify(spec.paths['/api/procedures/unclear-matter'].post.requestBody)).toContain('draftedOn');
    // One event body per event; occurredAt only on the events that record a fact (SPEC §2).
    const bodies: Array<{ title: string; properties: Record<string, unknown> }> =
      spec.paths['/api/procedures/{id}/events'].post.requestBody.content['application/json'].schema.anyOf;
    expect(bodies.find((b) => b.title.startsWith('leak REPORT_TO_AUTHORITY'))!.properties.occurredAt).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
    expect(bodies.find((b) => b.title.startsWith('appraisal EXTEND'))!.properties.occurredAt).toBeUndefined();
    const docs = await fetch(`${stack.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('<html');
  });

  it('runs every procedure kind through start, an event, read and list', async () => {
    const flows: Array<{ kind: string; as: string; input: unknown; event: [string, Record<string, unknown>, string]; next: string }> = [
      {
        kind: 'unclear-matter',
        as: 'org-gz-bureau',
        input: unclear(),
        event: ['SUBMIT_REPORT', {}, 'org-gz-bureau'],
        next: 'underDetermination',
      },
      {
        kind: 'objection',
        as: 'org-gz-institute',
        input: {
          objectorId: 'org-gz-institute',
          classifierId: 'org-gz-bureau',
          matterRef: 'O-1',
          title: '异议事项',
          grounds: '理由',
          filedOn: today(),
          determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
          claim: { outcome: 'not-secret' },
        },
        event: ['CLASSIFIER_DECIDE', { determination: { outcome: 'not-secret' } }, 'org-gz-bureau'],
        next: 'classifierDecided',
      },
      {
        kind: 'leak',
        as: 'org-th-office',
        input: {
          organId: 'org-th-office',
          incidentRef: 'L-1',
          summary: '概况',
          discoveredAt: new Date().toISOString(),
          remedialMeasures: '补救',
        },
        event: ['REPORT_TO_AUTHORITY', {}, 'org-th-office'],
        next: 'underway',
      },
      {
        kind: 'appraisal',
        as: 'org-gz-procuratorate',
        input: { applicantId: 'org-gz-procuratorate', caseRef: 'C-1', appliedOn: today(), items: [{ ref: 'A1', description: 'D' }] },
        event: ['ACCEPT', {}, 'auth-440000'],
        next: 'appraising',
      },
      {
        kind: 'annual-inspection',
        as: 'ent-gz-tech',
        input: { enterpriseId: 'ent-gz-tech', year: 2025 },
        event: ['SUBMIT_REPORT', {}, 'ent-gz-tech'],
        next: 'underReview',
      },
      {
        // 定密纠正 (Law 50; Regs 24): the sixth procedure, started by a secrecy authority.
        kind: 'correction',
        as: 'auth-440106',
        input: {
          notifierId: 'auth-440106',
          organId: 'org-th-office',
          matterRef: 'C-1',
          title: '事项',
          improper: 'determination',
          finding: '定密不当',
          notifiedOn: today(),
        },
        event: [
          'CORRECT',
          {
            correction: {
              outcome: 'state-secret',
              classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
            },
          },
          'org-th-office',
        ],
        next: 'notifyingHolders',
      },
    ];
    for (const f of flows) {
      const started = await call('POST', `/api/procedures/${f.kind}`, f.as, f.input);
      expect(started.status, `${f.kind}: ${JSON.stringify(started.body)}`).toBe(201);
      expect(started.body.allowedEvents.map((e: { type: string }) => e.type)).toContain(f.event[0]);
      const [type, payload, by] = f.event;
      const ev = await call('POST', `/api/procedures/${started.body.id}/events`, by, { type, ...payload });
      expect(ev.status, `${f.kind}: ${JSON.stringify(ev.body)}`).toBe(200);
      expect(ev.body.state).toBe(f.next);
      expect(Array.isArray(ev.body.deadlines)).toBe(true);
      const view = await call('GET', `/api/procedures/${started.body.id}`, f.as);
      expect(view.body.audit.some((a: { kind: string; event?: { type: string } }) => a.kind === 'event' && a.event?.type === type)).toBe(
        true,
      );
      // The 启动 entry names the person who started it, beside the party.
      expect(view.body.audit[0]).toMatchObject({ kind: 'started', actor: { id: f.as, person: { sub: `test:${f.as}` } } });
      // An article, or local policy with its source (e.g. 国家秘密鉴定工作规定 for the appraisal's review).
      expect(view.body.deadlines.every((d: { basis: string }) => /^(Regs|Law) |^本地策略（.+）$/.test(d.basis))).toBe(true);
    }
    // Visibility lags a little behind the workflows.
    await expect
      .poll(async () => (await call('GET', '/api/procedures?pageSize=200', 'auth-000000')).body.items.length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(5);
    const list = await call('GET', '/api/procedures?kind=leak', 'auth-000000');
    expect(list.body.items.every((i: { kind: string }) => i.kind === 'leak')).toBe(true);
  });

  it('refuses a start whose end-date term passes the Law 20 para 2 ceiling from its start, quoting 除另有规定外, and takes it with the other provision stated (issue 26)', async () => {
    const proposal = { level: 'confidential', term: { kind: 'until', date: '2080-12-31' }, scope: 'S', since: '2025-03-01' };
    const refused = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', { ...unclear(), proposal });
    expect(refused.status).toBe(400);
    expect(refused.body.fieldErrors).toMatchObject([{ field: 'body.proposal.term', messageZh: expect.stringContaining('除另有规定外') }]);
    const taken = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', {
      ...unclear(),
      proposal: { ...proposal, otherProvision: '某专门保密规定第五条' },
    });
    expect(taken.status).toBe(201);
    const view = await call('GET', `/api/procedures/${taken.body.id}`, 'org-gz-bureau');
    expect(view.body.audit[0].summary).toContain('依另有规定：某专门保密规定第五条');
    // A leak started with the organ's knowledge and no measures yet (Law 47; Regs 61 para 1; edition 4).
    const now = Date.now();
    const leak = await call('POST', '/api/procedures/leak', 'org-th-office', {
      organId: 'org-th-office',
      incidentRef: 'L-47',
      summary: '概况',
      discoveredAt: new Date(now - 6 * 3_600_000).toISOString(),
      knownAt: new Date(now - 3_600_000).toISOString(),
    });
    expect(leak.status, JSON.stringify(leak.body)).toBe(201);
    expect(leak.body.allowedEvents.map((e: { type: string }) => e.type)).toContain('RECORD_MEASURES');
  });

  it('answers the what-if deadline calculator with its explanation', async () => {
    const r = await call('GET', '/api/deadline?rule=calendar-days&n=30&from=2025-09-01&extension=30');
    expect(r.body).toMatchObject({ lastDay: '2025-10-31', dueAt: '2025-10-31T16:00:00.000Z', provisional: false });
    expect(r.body.explanation.lines.join('\n')).toContain('延长：30日');
    const bad = await call('GET', '/api/deadline?rule=calendar-days&n=30&from=2025-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors[0].field).toBe('from');
  });

  it('pages the list with a cursor', async () => {
    for (let i = 0; i < 3; i++)
      expect((await call('POST', '/api/procedures/unclear-matter', 'org-js-dept', unclear('org-js-dept'))).status).toBe(201);
    await expect
      .poll(async () => (await call('GET', '/api/procedures?organ=org-js-dept', 'org-js-dept')).body.items.length, { timeout: 10_000 })
      .toBe(3);
    const first = await call('GET', '/api/procedures?organ=org-js-dept&pageSize=2', 'org-js-dept');
    expect(first.body.items).toHaveLength(2);
    const second = await call('GET', `/api/procedures?organ=org-js-dept&pageSize=2&cursor=${first.body.nextCursor}`, 'org-js-dept');
    expect(second.body.items).toHaveLength(1);
    expect(new Set([...first.body.items, ...second.body.items].map((i: { id: string }) => i.id)).size).toBe(3);
  });

  it('starts one procedure for 50 concurrent identical requests with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'same-start-0001' };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call('POST', '/api/procedures/unclear-matter', 'org-nj-bureau', unclear('org-nj-bureau'), headers)),
    );
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    await expect
      .poll(async () => (await call('GET', '/api/procedures?organ=org-nj-bureau', 'org-nj-bureau')).body.items.length, { timeout: 10_000 })
      .toBe(1);
    const again = await call('POST', '/api/procedures/unclear-matter', 'org-nj-bureau', unclear('org-nj-bureau'), headers);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(results[0]!.body.id);
  });

  it('applies an event sent twice with the same Idempotency-Key once', async () => {
    const { body } = await call('POST', '/api/procedures/unclear-matter', 'org-gd-dept', unclear('org-gd-dept'));
    const headers = { 'idempotency-key': 'submit-once-0001' };
    const [a, b] = await Promise.all(
      [1, 2].map(() => call('POST', `/api/procedures/${body.id}/events`, 'org-gd-dept', { type: 'SUBMIT_REPORT' }, headers)),
    );
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const view = await call('GET', `/api/procedures/${body.id}`, 'org-gd-dept');
    expect(view.body.audit.filter((x: { kind: string }) => x.kind === 'event')).toHaveLength(1);
  });

  it('passes when a fact happened (occurredAt) to the workflow, and refuses it in the future naming the field (SPEC §2)', async () => {
    const { body } = await call('POST', '/api/procedures/unclear-matter', 'org-gd-dept', unclear('org-gd-dept'));
    const future = await call('POST', `/api/procedures/${body.id}/events`, 'org-gd-dept', {
      type: 'SUBMIT_REPORT',
      occurredAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.fieldErrors).toEqual([
      { field: 'occurredAt', message: expect.stringContaining('in the future'), messageZh: expect.stringContaining('实际发生时刻') },
    ]);
    const occurredAt = new Date(Date.now() - 1_000).toISOString();
    expect((await call('POST', `/api/procedures/${body.id}/events`, 'org-gd-dept', { type: 'SUBMIT_REPORT', occurredAt })).status).toBe(
      200,
    );
    const view = await call('GET', `/api/procedures/${body.id}`, 'org-gd-dept');
    expect(view.body.audit.find((x: { kind: string }) => x.kind === 'event').occurredAt).toBe(occurredAt);
  });
});

describe('a start the API prepared (issue 14): answered with its first state, not after the first workflow task', () => {
  const objection = () => ({
    objectorId: 'org-gz-institute',
    classifierId: 'org-gz-bureau',
    matterRef: 'O-P',
    title: '异议事项',
    grounds: '理由',
    filedOn: today(),
    determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
    claim: { outcome: 'not-secret' },
  });
  const leak = () => ({
    organId: 'org-th-office',
    incidentRef: 'L-P',
    summary: '概况',
    discoveredAt: new Date().toISOString(),
    remedialMeasures: '补救',
  });
  const prepared = (kind: ProcedureKind, input: unknown, id: string, starter: Actor) =>
    prepareAtApi({ ...loadDeps({}), email: false }, PROCEDURES[kind], PROCEDURES[kind].input.parse(input) as Record<string, unknown>, {
      id,
      starter,
    });
  // What may differ: the instant each part was made at, the API's before the first workflow task, the workflow's in it.
  const made = <T extends object>(x: T, ...instants: Array<keyof T>) =>
    Object.fromEntries(Object.entries(x).filter(([k]) => !instants.includes(k as keyof T)));

  it('the answer is the state the workflow then reports: state, deadlines (dueAt, parties), allowed events; only computedAt differs', async () => {
    for (const [kind, as, input] of [
      ['objection', 'org-gz-institute', objection()],
      ['leak', 'org-th-office', leak()],
      ['unclear-matter', 'org-gz-bureau', unclear()],
    ] as const) {
      const started = await call('POST', `/api/procedures/${kind}`, as, input);
      expect(started.status, kind).toBe(201);
      const { body: v } = await call('GET', `/api/procedures/${started.body.id}`, as);
      expect(v.state, kind).not.toBe('preparing');
      expect({ state: started.body.state, stateLabel: started.body.stateLabel, allowedEvents: started.body.allowedEvents }).toEqual({
        state: v.state,
        stateLabel: v.stateLabel,
        // The view adds each event's article in words (basisText) for the pages.
        allowedEvents: v.allowedEvents.map((e: { basisText?: string }) => made(e, 'basisText')),
      });
      expect(started.body.deadlines.length, kind).toBeGreaterThan(0);
      // The view adds to each deadline its explanation and current status in words (SPEC §2, issue 13).
      expect(v.deadlines.map((d: DeadlineRecord) => made(d, 'computedAt'))).toEqual(
        started.body.deadlines.map((d: DeadlineRecord) => expect.objectContaining(made(d, 'computedAt'))),
      );
      expect(started.body.deadlines.map((d: DeadlineRecord) => d.dueAt)).toEqual(v.deadlines.map((d: DeadlineRecord) => d.dueAt));
    }
  });

  it('the whole first view, audit and inbox too, is the workflow’s but for the recording instants (at, computedAt); it comes back though no worker polls', async () => {
    const starter = { id: 'org-gz-institute', name: '广州市某研究院' };
    const id = `prepared-view-${Date.now()}`;
    const p = prepared('objection', objection(), id, starter)!;
    const { handle, ready } = await startProcedure(stack.client, {
      kind: 'objection',
      workflowId: id,
      taskQueue: 'api-test',
      input: objection(),
      actor: starter,
      prepared: p,
    });
    expect(ready).toBe(p.first);
    const v = await handle.query(viewQuery);
    const first = p.first;
    expect(first.inbox).toHaveLength(1); // the objection's first notice (to the classifier)
    expect(made(first, 'audit', 'inbox', 'deadlines')).toEqual(made(v, 'audit', 'inbox', 'deadlines'));
    expect(first.audit.map((a) => made(a, 'at'))).toEqual(v.audit.map((a) => made(a, 'at')));
    expect(first.inbox.map((e) => made(e, 'at'))).toEqual(v.inbox.map((e) => made(e, 'at')));
    expect(first.deadlines.map((d) => made(d, 'computedAt'))).toEqual(v.deadlines.map((d) => made(d, 'computedAt')));
    // The answer does not wait for a workflow task: on a queue no worker polls, it comes all the same.
    const idle = `prepared-idle-${Date.now()}`;
    const q = prepared('objection', objection(), idle, starter)!;
    const alone = await startProcedure(stack.client, {
      kind: 'objection',
      workflowId: idle,
      taskQueue: 'no-worker-polls',
      input: objection(),
      actor: starter,
      prepared: q,
    });
    expect(alone.ready).toMatchObject({ state: 'awaitingClassifierDecision', closed: false });
    await alone.handle.terminate('test done');
  });

  it('a repeated start with the same id returns the first procedure, running or closed, with its real view', async () => {
    const starter = { id: 'org-gz-bureau' };
    const id = `prepared-repeat-${Date.now()}`;
    const again = (matterRef: string) =>
      startProcedure(stack.client, {
        kind: 'unclear-matter',
        workflowId: id,
        taskQueue: 'api-test',
        input: unclear('org-gz-bureau', { matterRef }),
        actor: starter,
        prepared: prepared('unclear-matter', unclear('org-gz-bureau', { matterRef }), id, starter),
      });
    const first = await again('FIRST');
    const running = await again('SECOND');
    expect((running.ready as ProcedureView).context).toMatchObject({ matterRef: 'FIRST' });
    expect(running.handle.workflowId).toBe(id);
    await first.handle.terminate('closed for the test');
    const closed = await again('THIRD');
    expect((closed.ready as ProcedureView).context).toMatchObject({ matterRef: 'FIRST' });
    expect((await closed.handle.describe()).status.name).toBe('TERMINATED');
  });

  it('a start the API cannot prepare keeps the Update-with-Start: the worker’s preparation refuses one without standing, 403', async () => {
    // An API whose registry gives 广州市某局 the standing of a 司法机关 (so it lets the start through) and
    // whose calendar fails (so it cannot prepare): the worker, on the demo registry, refuses it (Regs 63 para 1).
    const data = structuredClone(demoRegistry.data);
    data.organs = data.organs.map((o) => (o.id === 'org-gz-bureau' ? { ...o, functions: ['judicial' as const] } : o));
    const app = await stack.extraApp({
      registry: new Registry(data),
      calendar: () => {
        throw new Error('no calendar');
      },
    });
    const r = await app.inject({
      method: 'POST',
      url: '/api/procedures/appraisal',
      headers: { authorization: `Bearer ${await stack.token('org-gz-bureau')}`, 'content-type': 'application/json' },
      payload: { applicantId: 'org-gz-bureau', caseRef: 'C-P', appliedOn: today(), items: [{ ref: 'A1', description: 'D' }] },
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().detail).toMatch(/监察机关 or 司法机关.*\(Regs 63 para 1\)/);
  });
});

describe('identity and scope', () => {
  let id: string;
  beforeAll(async () => {
    id = (await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear())).body.id;
  });

  it('401 without a token or with a bad one, audited', async () => {
    const none = await call('GET', `/api/procedures/${id}`);
    expect(none.status).toBe(401);
    expect(none.type).toContain('application/problem+json');
    const bad = await call('GET', `/api/procedures/${id}`, undefined, undefined, { authorization: 'Bearer not.a.jwt' });
    expect(bad.status).toBe(401);
    // Anonymous refusals are counted a minute at a time: an API process that closes writes its counts.
    const other = await stack.extraApp({});
    expect((await other.inject({ method: 'GET', url: `/api/procedures/${id}`, remoteAddress: '192.0.2.44' })).statusCode).toBe(401);
    await other.close();
    expect(await recordedDenials(stack.records)).toContainEqual(
      expect.objectContaining({ status: 401, ip: '192.0.2.44', route: '/api/procedures/:id', count: 1 }),
    );
  });

  it('reads: the organ itself, authorities whose jurisdiction holds it, the national authority; nobody else, without revealing it exists', async () => {
    const matrix: Record<string, number> = {
      'org-gz-bureau': 200,
      'org-nj-bureau': 404,
      'org-gz-institute': 404,
      'org-gd-dept': 200 /* superior organ: a party */,
      'auth-440100': 200,
      'auth-440000': 200,
      'auth-440106': 404,
      'auth-320100': 404,
      'auth-320000': 404,
      'auth-000000': 200,
    };
    for (const [who, status] of Object.entries(matrix)) {
      const r = await call('GET', `/api/procedures/${id}`, who);
      expect(r.status, who).toBe(status);
      if (status === 404)
        expect(r.body).toEqual(
          (await call('GET', '/api/procedures/unclear-matter-00000000000000000000000000000000', who)).body.detail
            ? { ...r.body, detail: `no procedure ${id}` }
            : r.body,
        );
    }
    const listed = async (who: string) =>
      (await call('GET', '/api/procedures?kind=unclear-matter&pageSize=200', who)).body.items.map((i: { id: string }) => i.id);
    await expect.poll(() => listed('auth-440100'), { timeout: 10_000 }).toContain(id);
    expect(await listed('auth-320100')).not.toContain(id);
    expect(await listed('org-nj-bureau')).not.toContain(id);
    expect(await listed('auth-000000')).toContain(id);
  });

  it('events: each party sends only the events of its role, naming the missing right', async () => {
    expect((await call('POST', `/api/procedures/${id}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(200);
    const matrix: Array<[string, number]> = [
      ['org-gz-bureau', 403], // an organ cannot decide for an authority
      ['auth-440100', 403], // sees it, but is not the authority that decides (Regs 25)
      ['auth-000000', 403], // sees everything, decides only what is routed to it
      ['auth-320000', 404], // outside its jurisdiction: not even there
    ];
    for (const [who, status] of matrix) {
      const r = await call('POST', `/api/procedures/${id}/events`, who, { type: 'DETERMINE', determination: { outcome: 'not-secret' } });
      expect(r.status, who).toBe(status);
      if (status === 403) {
        expect(r.body.detail).toContain('DETERMINE may be sent only by authority (auth-440000)');
        expect(r.body.detailZh).toMatch(/^「作出决定」只能由广东省国家保密局办理，.+不能办理。本次未作记录。$/);
      }
    }
    const ok = await call('POST', `/api/procedures/${id}/events`, 'auth-440000', {
      type: 'DETERMINE',
      determination: { outcome: 'not-secret' },
    });
    expect(ok.body.state).toBe('filingAndMarkings'); // filed (Regs 25 para 2) while the organ removes the markings (Law 22 para 3)
    await expect
      .poll(async () => (await recordedDenials(stack.records)).filter((d) => d.caller === 'org-gz-bureau').map((d) => d.what))
      .toContain(`DETERMINE on ${id}`);
  });

  it('a binding decision (确定) by the authority’s 经办人 alone is refused naming the rule; the page is told a 负责人 must sign; the audit names who signed (edition 5, 本地策略)', async () => {
    const um = (await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear())).body.id;
    expect((await call('POST', `/api/procedures/${um}/events`, 'org-gz-bureau', { type: 'SUBMIT_REPORT' })).status).toBe(200);
    const officer = { roles: ['secrecy-officer' as const], name: '黄某' };
    const res = await fetch(`${stack.url}/api/procedures/${um}`, {
      headers: { authorization: `Bearer ${await stack.token('auth-440000', officer)}` },
    });
    const offered = ((await res.json()) as any).allowedEvents.find((e: { type: string }) => e.type === 'DETERMINE');
    expect(offered).toMatchObject({ by: ['authority'], role: 'head', roleLabel: '负责人', roleBasis: '本地策略' });
    const alone = await fetch(`${stack.url}/api/procedures/${um}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.token('auth-440000', officer)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'DETERMINE', determination: { outcome: 'not-secret' } }),
    });
    const refusal = (await alone.json()) as any;
    expect(alone.status).toBe(403);
    expect(refusal.detail).toContain('must be signed off by its 负责人 (head), not sent by a 经办人 alone (policy headSignOff, 本地策略');
    expect(refusal.detailZh).toContain(
      '「作出决定」是保密行政管理部门具有约束力的决定，须经负责人签发，由负责人本人办理，经办人不能单独办理',
    );
    const signed = await call('POST', `/api/procedures/${um}/events`, 'auth-440000', {
      type: 'DETERMINE',
      determination: { outcome: 'not-secret' },
    });
    expect(signed.status).toBe(200);
    const audit = (await call('GET', `/api/procedures/${um}`, 'auth-440000')).body.audit as Array<{
      event?: { type: string };
      by?: string;
    }>;
    expect(audit.find((a) => a.event?.type === 'DETERMINE')?.by).toBe('广东省国家保密局 广东省国家保密局测试人员（负责人）');
  });

  it('under edition 4 the classifier is offered no APPEAL and is refused 403 naming Regs 26 para 2(2), not guard-refused; the objector appeals', async () => {
    const send = (who: string, type: string, body: Record<string, unknown> = {}) =>
      call('POST', `/api/procedures/${ob}/events`, who, { type, ...body });
    const ob = (
      await call('POST', '/api/procedures/objection', 'org-gz-institute', {
        objectorId: 'org-gz-institute',
        classifierId: 'org-gz-bureau',
        matterRef: 'O-APPEAL',
        title: '复核异议事项',
        grounds: '理由',
        filedOn: new Date().toISOString().slice(0, 10),
        determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
        claim: { outcome: 'not-secret' },
      })
    ).body.id;
    const kept = {
      determination: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' } },
    };
    expect((await send('org-gz-bureau', 'CLASSIFIER_DECIDE', kept)).status).toBe(200);
    expect((await send('org-gz-institute', 'ESCALATE')).status).toBe(200);
    expect((await send('auth-440000', 'AUTHORITY_DECIDE', kept)).body.state).toBe('provincialDecided');
    const appeal = (await call('GET', `/api/procedures/${ob}`, 'org-gz-bureau')).body.allowedEvents.find(
      (e: { type: string }) => e.type === 'APPEAL',
    );
    expect(appeal.by).toEqual(['objector']); // the page offers the classifier no APPEAL button
    const refused = await send('org-gz-bureau', 'APPEAL');
    expect(refused.status).toBe(403);
    expect(refused.body.title).toBe('not-authorized');
    expect(refused.body.detail).toContain('Regs 26 para 2(2), edition 4');
    expect(refused.body.detailZh).toBe(
      '仅提出异议的机关、单位可以对省级保密行政管理部门的决定报国家保密行政管理部门确定（《实施条例》第二十六条第二款第（二）项），「对省级保密行政管理部门的决定有异议，报国家保密行政管理部门确定」不能由本单位办理。本次未作记录。',
    );
    expect((await send('org-gz-institute', 'APPEAL')).body.state).toBe('underNationalReview');
  });

  it('only the organ named in the input may start for it', async () => {
    const r = await call('POST', '/api/procedures/unclear-matter', 'org-nj-bureau', unclear('org-gz-bureau'));
    expect(r.status).toBe(403);
    expect(r.body.detail).toContain('missing right: only organId (org-gz-bureau) may start');
  });

  it('only a 监察机关 or 司法机关 may apply for an appraisal: another organ gets 403 citing the article (Regs 63 para 1)', async () => {
    const r = await call('POST', '/api/procedures/appraisal', 'org-gz-bureau', {
      applicantId: 'org-gz-bureau',
      caseRef: 'C-2',
      appliedOn: today(),
      items: [{ ref: 'A1', description: 'D' }],
    });
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/may not apply .*监察机关 or 司法机关.*\(Regs 63 para 1\)/);
    expect(r.body.detailZh).toBe(
      '广州市某局不能申请国家秘密和情报鉴定：只有办理涉嫌泄露国家秘密案件的监察机关、司法机关可以申请（《实施条例》第六十三条第一款；司法机关含人民法院、人民检察院、公安机关和国家安全机关，本地策略）。',
    );
    // Refused before anything started (domain/standing.ts, the rule the preparation applies too).
    expect((await call('GET', '/api/procedures?kind=appraisal&organ=org-gz-bureau', 'auth-000000')).body.items).toEqual([]);
  });

  it('the start page offers only what the server lets the party start (one rule): no 年度自检 for an unlicensed organ, only 定密纠正 for an authority (Law 50)', async () => {
    const offered = async (party: string) => (await call('GET', '/api/workbench', party)).body.startable as string[];
    expect((await offered('org-gz-bureau')).sort()).toEqual(['correction', 'leak', 'objection', 'unclear-matter']);
    expect(await offered('org-gz-procuratorate')).toContain('appraisal');
    expect(await offered('ent-gz-tech')).toContain('annual-inspection');
    expect(await offered('auth-440000')).toEqual(['correction']);
    const annual = await call('POST', '/api/procedures/annual-inspection', 'org-gz-bureau', { enterpriseId: 'org-gz-bureau', year: 2025 });
    expect(annual.status).toBe(403);
    expect(annual.body.detailZh).toBe('广州市某局未取得保密资质，不报送保密资质年度自检报告（《实施条例》第四十八条第三款）。');
  });

  it('registry: every authority; organs inside the caller’s scope', async () => {
    expect((await call('GET', '/api/registry/authorities', 'org-gz-bureau')).body).toHaveLength(36);
    const own = (await call('GET', '/api/registry/organs', 'org-gz-bureau')).body.map((o: { id: string }) => o.id);
    expect(own.sort()).toEqual(['org-gd-dept', 'org-gz-bureau']);
    const gz = (await call('GET', '/api/registry/organs', 'auth-440100')).body.map((o: { id: string }) => o.id);
    expect(gz).toContain('org-th-office');
    expect(gz).not.toContain('org-nj-bureau');
  });

  it('registry directory for pickers: every organ by id, name and kind only, so an objector can name any original classifier (Regs 26 para 1)', async () => {
    const all = (await call('GET', '/api/registry/organs?view=directory', 'org-gz-institute')).body as Array<Record<string, unknown>>;
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining(['org-th-office', 'org-nj-bureau', 'org-gz-psb']));
    for (const o of all) expect(Object.keys(o).sort()).toEqual(['id', 'name', 'organKind', 'type']);
    const bad = await call('GET', '/api/registry/organs?view=contacts', 'org-gz-institute');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('view');
  });
});

describe('bad input', () => {
  it('names the field, why, and what is allowed; unknown fields are refused', async () => {
    const r = await call(
      'POST',
      '/api/procedures/unclear-matter',
      'org-gz-bureau',
      unclear('org-gz-bureau', { proposal: { level: 'huge', term: { kind: 'years', years: 10 }, scope: 'S' }, extra: 1 }),
    );
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.fieldErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body.proposal.level' }),
        expect.objectContaining({ field: 'body', message: expect.stringContaining('extra') }),
      ]),
    );
    expect(r.body.fieldErrors[0].message).toMatch(/top-secret|secret|confidential/);
  });

  it('refuses an objection an organ files against its own classification, naming the field (Regs 26 para 1)', async () => {
    const r = await call('POST', '/api/procedures/objection', 'org-gz-institute', {
      objectorId: 'org-gz-institute',
      classifierId: 'org-gz-institute',
      matterRef: 'O-2',
      title: '异议事项',
      grounds: '理由',
      filedOn: today(),
      determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
      claim: { outcome: 'not-secret' },
    });
    expect(r.status).toBe(400);
    expect(r.body.fieldErrors).toEqual([
      expect.objectContaining({ field: 'body.classifierId', message: expect.stringContaining('cannot object to its own classification') }),
    ]);
  });

  it('refuses a start whose fact lies in the future, naming the field, why and what is allowed; nothing is started (SPEC §2)', async () => {
    const tomorrow = daysFromToday(1);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const starts = [
      ['unclear-matter', 'org-gz-bureau', 'draftedOn', tomorrow, unclear('org-gz-bureau', { draftedOn: tomorrow }), '拟定日期'],
      ['leak', 'org-th-office', 'discoveredAt', inAnHour, leakInput({ discoveredAt: inAnHour }), '发现时刻'],
      [
        'objection',
        'org-gz-institute',
        'filedOn',
        tomorrow,
        {
          objectorId: 'org-gz-institute',
          classifierId: 'org-gz-bureau',
          matterRef: 'O-F',
          title: '异议事项',
          grounds: '理由',
          filedOn: tomorrow,
          determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: 'S' },
          claim: { outcome: 'not-secret' },
        },
        '提出异议日期',
      ],
      [
        'appraisal',
        'org-gz-procuratorate',
        'appliedOn',
        tomorrow,
        { applicantId: 'org-gz-procuratorate', caseRef: 'C-F', appliedOn: tomorrow, items: [{ ref: 'A1', description: 'D' }] },
        '申请日期',
      ],
    ] as const;
    for (const [kind, as, field, value, input, label] of starts) {
      const headers = { 'idempotency-key': `future-fact-${kind}` };
      const r = await call('POST', `/api/procedures/${kind}`, as, input, headers);
      expect(r.status, kind).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.fieldErrors, kind).toEqual([
        {
          field: `body.${field}`,
          message: expect.stringMatching(
            new RegExp(`^${value.replace(/[.+]/g, '\\$&')} is in the future.*allowed: an? (date|instant) up to`),
          ),
          messageZh: expect.stringContaining(`${label} `),
        },
      ]);
      expect(r.body.fieldErrors[0].messageZh, kind).toMatch(/不能采用.*本次未启动程序。$/);
      // Nothing was started: the same key with the fact of today starts the procedure (201, not the repeat's 200).
      const ofToday = { ...input, [field]: field === 'discoveredAt' ? new Date().toISOString() : today() };
      expect((await call('POST', `/api/procedures/${kind}`, as, ofToday, headers)).status, kind).toBe(201);
    }
  });

  it('409 with the current state and the allowed events', async () => {
    const { body } = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', unclear());
    const r = await call('POST', `/api/procedures/${body.id}/events`, 'org-gz-bureau', { type: 'FILE_RECORD' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ state: 'awaitingReport', allowedEvents: ['SUBMIT_REPORT'] });
    // The pages show the refusal in Chinese (detailZh), the code and the English detail stay for programs.
    expect(r.body.title).toBe('not-allowed-in-state');
    expect(r.body.detailZh).toMatch(/^当前步骤「待报送」不能办理「[^」]+」；现在可以办理：「[^」]+」。本次未作记录。$/);
  });

  it('refuses a body over the limit, malformed JSON, and a flood from one identity (429)', async () => {
    const big = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', JSON.stringify({ pad: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    const broken = await call('POST', '/api/procedures/unclear-matter', 'org-gz-bureau', '{"organId":');
    expect(broken.status).toBe(400);
    const limited = await stack.extraApp({ rateLimitPerMinute: 3 });
    const auth = { authorization: `Bearer ${await stack.token('org-gz-bureau')}` };
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push((await limited.inject({ method: 'GET', url: '/api/registry/authorities', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const other = await limited.inject({
      method: 'GET',
      url: '/api/registry/authorities',
      headers: { authorization: `Bearer ${await stack.token('auth-440000')}` },
    });
    expect(other.statusCode).toBe(200); // per identity
  });
});
