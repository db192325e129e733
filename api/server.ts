/**
 * The thin API: validation, identity, scope, and a call to Temporal. No procedure logic:
 * the machines decide what an event means, the workflow validates it against the state.
 */
import { createHash, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { PROCEDURES } from '../machines/index.js';
import type { Registry } from '../domain/registry/registry.js';
import type { WorkCalendar } from '../domain/calendar/work-calendar.js';
import { computeDeadline } from '../domain/deadline/compute.js';
import { explainDeadline } from '../domain/deadline/explain.js';
import { DeadlineError, RuleSchema } from '../domain/deadline/types.js';
import type { PartyRef } from '../domain/parties.js';
import { viewQuery } from '../workflows/messages.js';
import type { ProcedureView } from '../workflows/types.js';
import { authenticate, AuthError, type Caller } from './auth.js';
import { eventRejection, sendEvent, startProcedure } from './procedure-client.js';
import { canSee } from './scope.js';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  registry: Registry;
  calendar: () => WorkCalendar;
  jwtKey: Uint8Array;
}

/** RFC 9457 problem details: which field, why, what is allowed. */
function problem(reply: FastifyReply, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return reply.status(status).type('application/problem+json').send({ type: 'about:blank', title, status, detail, ...extra });
}

const IdParams = z.strictObject({ id: z.string().regex(/^[a-z-]+-[0-9a-f-]{8,64}$/, 'not a procedure id') });
const EventBody = z.object({ type: z.string().regex(/^[A-Z_]{1,40}$/, 'an event type in CAPITALS') }).catchall(z.unknown());
const IdempotencyKey = z.string().min(8).max(100).regex(/^[\w.:-]+$/, 'letters, digits, . : _ -');

export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' }, bodyLimit: 64 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AuthError) return problem(reply, err.status, err.status === 401 ? 'Unauthorized' : 'Forbidden', err.message);
    const validation = (err as { validation?: Array<{ instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } }> }).validation;
    if (validation) {
      const fieldErrors = validation.map((v) => ({ field: (v.params?.issue?.path ?? []).join('.') || v.instancePath?.replace(/^\//, '').replaceAll('/', '.') || '(body)', message: v.message ?? 'invalid' }));
      return problem(reply, 400, 'Invalid request', fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '), { fieldErrors });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return problem(reply, status, 'Bad request', (err as Error).message);
    app.log.error(err);
    return problem(reply, 500, 'Internal error', 'the server could not complete the request');
  });

  const callerOf = (authorization: string | undefined): Promise<Caller> => authenticate(deps.jwtKey, deps.registry, authorization);
  const partiesOf = (v: ProcedureView) => Object.values((v.context.parties ?? {}) as Record<string, PartyRef>);

  /** The procedure's view, or 404 when it does not exist or lies outside the caller's scope. */
  async function visibleView(id: string, caller: Caller): Promise<ProcedureView | undefined> {
    try {
      const v = await deps.client.workflow.getHandle(id).query(viewQuery);
      return canSee(caller.party, partiesOf(v)) ? v : undefined;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError || (e as { code?: number }).code === 5) return undefined;
      throw e;
    }
  }

  app.get('/healthz', async (_req, reply) => {
    try {
      await deps.client.workflowService.getSystemInfo({});
      const tq = await deps.client.workflowService.describeTaskQueue({ namespace: deps.client.options.namespace, taskQueue: { name: deps.taskQueue }, taskQueueType: 1 });
      const polling = (tq.pollers ?? []).length > 0;
      return reply.status(polling ? 200 : 503).send({ temporal: 'reachable', worker: polling ? 'polling' : 'no poller' });
    } catch {
      return reply.status(503).send({ temporal: 'unreachable', worker: 'unknown' });
    }
  });

  for (const def of Object.values(PROCEDURES)) {
    app.post(`/api/procedures/${def.kind}`, { schema: { body: def.input } }, async (req, reply) => {
      const caller = await callerOf(req.headers.authorization);
      const starter = (req.body as Record<string, unknown>)[def.startedBy];
      if (starter !== caller.party.id) throw new AuthError(403, `only ${def.startedBy} (${String(starter)}) may start this ${def.label}, not ${caller.party.id}`);
      const key = req.headers['idempotency-key'];
      if (key !== undefined && !IdempotencyKey.safeParse(key).success) return problem(reply, 400, 'Invalid request', 'Idempotency-Key: 8–100 characters of letters, digits, . : _ -');
      // The same caller and key always name the same procedure: a repeated start returns it.
      const workflowId = `${def.kind}-${key ? createHash('sha256').update(`${caller.party.id}\n${key}`).digest('hex').slice(0, 32) : randomUUID()}`;
      const { view } = await startProcedure(deps.client, { kind: def.kind, workflowId, taskQueue: deps.taskQueue, input: req.body, actor: { id: caller.party.id, name: caller.party.name } });
      return reply.status(201).send({ id: workflowId, kind: def.kind, state: view.state, stateLabel: view.stateLabel, deadlines: view.deadlines, allowedEvents: view.allowedEvents });
    });
  }

  app.post('/api/procedures/:id/events', { schema: { params: IdParams, body: EventBody } }, async (req, reply) => {
    const caller = await callerOf(req.headers.authorization);
    const view = await visibleView(req.params.id, caller);
    if (!view) return problem(reply, 404, 'Not found', `no procedure ${req.params.id}`);
    const key = req.headers['idempotency-key'];
    if (key !== undefined && !IdempotencyKey.safeParse(key).success) return problem(reply, 400, 'Invalid request', 'Idempotency-Key: 8–100 characters of letters, digits, . : _ -');
    const { type, ...payload } = req.body;
    try {
      const result = await sendEvent(deps.client.workflow.getHandle(req.params.id), { type, payload, actor: { id: caller.party.id, name: caller.party.name } }, typeof key === 'string' ? `${caller.party.id}:${key}` : undefined);
      return reply.send(result);
    } catch (e) {
      const r = eventRejection(e);
      if (!r) throw e;
      const status = { 'not-ready': 503, 'unknown-event': 400, 'invalid-payload': 400, 'not-authorized': 403, 'not-allowed-in-state': 409, 'guard-refused': 409 }[r.code];
      return problem(reply, status, r.code, r.message, { state: r.state, allowedEvents: r.allowedEvents, ...(r.fieldErrors ? { fieldErrors: r.fieldErrors } : {}) });
    }
  });

  app.get('/api/procedures/:id', { schema: { params: IdParams } }, async (req, reply) => {
    const caller = await callerOf(req.headers.authorization);
    const view = await visibleView(req.params.id, caller);
    if (!view) return problem(reply, 404, 'Not found', `no procedure ${req.params.id}`);
    return reply.send(view);
  });

  const DeadlineQuery = z.strictObject({
    rule: RuleSchema,
    n: z.coerce.number().int().min(1).max(36_500),
    from: z.string().max(40),
    extension: z.union([z.coerce.number().int().min(1), z.array(z.coerce.number().int().min(1))]).optional(),
  });
  app.get('/api/deadline', { schema: { querystring: DeadlineQuery } }, async (req, reply) => {
    const q = req.query;
    const extensions = (q.extension === undefined ? [] : Array.isArray(q.extension) ? q.extension : [q.extension]).map((days) => ({ days }));
    try {
      const cal = deps.calendar();
      const d = computeDeadline(cal, { rule: q.rule, n: q.n, from: q.from, extensions });
      return reply.send({ ...d, explanation: explainDeadline(cal, d) });
    } catch (e) {
      if (e instanceof DeadlineError || e instanceof RangeError) return problem(reply, 400, 'Invalid request', e.message, { fieldErrors: [{ field: (e as DeadlineError).field ?? 'from', message: e.message }] });
      throw e;
    }
  });

  return app;
}
