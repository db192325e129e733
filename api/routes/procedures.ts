import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROCEDURES, procedureOf } from '../../machines/index.js';
import type { ProcedureDefinition } from '../../machines/procedure.js';
import { basisText } from '../../domain/citation.js';
import { viewInWords } from '../../machines/in-words.zh.js';
import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { explainDeadline } from '../../domain/deadline/explain.js';
import { stepStatus } from '../../domain/deadline/status.js';
import { viewQuery } from '../../workflows/messages.js';
import { actorLabel, checkStartFacts } from '../../workflows/event-checks.js';
import { SA } from '../../workflows/search-attributes.js';
import type { ProcedureView } from '../../domain/procedure-view.js';
import { actorOf, type Caller } from '../auth.js';
import { redactView } from '../redact.js';
import { recordPdf } from '../printed-record/record-pdf.js';
import { exampleOf } from '../openapi-docs.js';
import { formSchema } from './workbench.js';
import { caseHeadline } from '../case-headlines.js';
import { ApiError } from '../problem.js';
import { withChinese, zodFieldErrorsZh } from '../field-errors.js';
import {
  eventRejection,
  idempotencyDigest,
  IdTakenError,
  isOwnProcedure,
  sendEvent,
  startProcedure,
  startRefusal,
  waitReady,
} from '../procedure-client.js';
import { canSee, canSeeByAttributes } from '../scope.js';
import { recordedParties, type RecordStore } from '../../records/store.js';
import { listClosed } from '../../records/search.js';
import { FINDING_LABELS } from '../../domain/record-findings.js';
import { scopeOfAttributes, scopeOfPairs, type Scope, type ScopeCache } from '../scope-cache.js';
import type { StartQuota } from '../start-quota.js';
import type { PrepareDeps } from '../../activities/prepare.js';
import { prepareAtApi } from '../prepare-start.js';
import { outcomeOf, type ApiMetrics } from '../metrics.js';
import { decodeAttributes } from '../search-attributes.js';
import { EventResultSchema, ProcedureListSchema, ProcedureViewSchema, StartedSchema } from '../response-schemas.js';
import type { Registry } from '../../domain/registry/registry.js';
import { noStandingToStart } from '../../domain/standing.js';
import { EventBody, IdempotencyHeaders, IdParams, ListQuery, listQuery } from './procedure-requests.js';

// 'limit-reached': a repeatable event's per-procedure cap (EventSpec.max) is used up: 429, the message names the cap and the article.
const EVENT_STATUS = {
  'not-ready': 503,
  'unknown-event': 400,
  'invalid-payload': 400,
  'not-authorized': 403,
  'not-allowed-in-state': 409,
  'guard-refused': 409,
  'limit-reached': 429,
  replayed: 409,
} as const;

export interface ProcedureRouteDeps {
  client: Client;
  calendar: () => WorkCalendar;
  taskQueue: string;
  /** Who may start what (domain/standing.ts): a start without standing is refused before anything starts. */
  registry: Registry;
  /** What the API prepares starts with (the worker's registry, policy, calendar and channels). */
  prepare: PrepareDeps;
  /** Records a refusal in the denial log, with the status answered (default 403). */
  deny: (caller: Caller, what: string, req?: FastifyRequest, status?: number) => void;
  /** An event was applied to the procedure (the workbench forgets what it cached of it). */
  applied?: (id: string) => void;
  /** Starts and events counted by kind and outcome. */
  metrics?: ApiMetrics;
  /** The case file (records/store.ts): a closed procedure Temporal has forgotten is read from it. */
  records?: RecordStore;
  /** Scopes already read: an event sender found in one needs no describe first. */
  scopes?: ScopeCache;
  /** The HMAC key of the ids made from Idempotency-Key (BM_ID_SECRET). */
  idSecret: Uint8Array;
  /** The payload codec: a workflow at a start's id is the caller's procedure only if its input decodes (isOwnProcedure). */
  codec: PayloadCodec;
  /** Per-party limits on starts (本地策略): open procedures by kind, starts per hour. */
  quota?: StartQuota;
}

export const procedureRoutes =
  (deps: ProcedureRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    /**
     * The procedure's view; 404 when it does not exist or lies outside the caller's scope
     * (indistinguishable). Scope is decided from the search attributes before the workflow is
     * queried: an outsider cannot make the worker replay a procedure or time its answer.
     */
    async function visibleView(id: string, caller: Caller, req: FastifyRequest): Promise<ProcedureView & { archived?: boolean }> {
      if (!(await visible(id, caller, req, 'read'))) return archivedView(id, caller, req);
      try {
        return await deps.client.workflow.getHandle(id).query(viewQuery);
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError) && (e as { code?: number }).code !== 5) throw e;
        return archivedView(id, caller, req);
      }
    }

    /** A procedure Temporal no longer holds (deleted after its retention): its record, in the same scope (SPEC §4a). */
    async function archivedView(id: string, caller: Caller, req: FastifyRequest): Promise<ProcedureView & { archived: true }> {
      const recorded = await deps.records?.read(id);
      if (recorded && canSee(caller.party, recordedParties(recorded.view))) return { ...recorded.view, archived: true };
      if (recorded) deps.deny(caller, `read ${id} outside its scope`, req, 404);
      throw new ApiError(404, 'Not found', `no procedure ${id}`);
    }

    async function exists(id: string): Promise<boolean> {
      try {
        await deps.client.workflow.getHandle(id).describe();
        return true;
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return false;
        throw e;
      }
    }

    for (const def of Object.values(PROCEDURES)) {
      app.post(
        `/api/procedures/${def.kind}`,
        {
          schema: {
            // The same schema, with a real example body for the documentation.
            body: def.input.meta({ examples: [exampleOf(formSchema(def.input))] }),
            headers: IdempotencyHeaders,
            response: {
              200: StartedSchema.describe('重复启动（同一 Idempotency-Key）：返回第一次启动的程序 (a repeated start: the first procedure)'),
              201: StartedSchema,
            },
            summary: `启动${def.label}（${basisText(def.basis)}）`,
            tags: ['procedures'],
          },
        },
        async (req, reply) => {
          let log = req.log.child({ kind: def.kind });
          try {
            const caller = await req.authenticate();
            const starter = (req.body as Record<string, unknown>)[def.startedBy];
            if (starter !== caller.party.id) {
              deps.deny(caller, `start ${def.kind} for ${String(starter)}`, req);
              throw new ApiError(
                403,
                'Forbidden',
                `missing right: only ${def.startedBy} (${String(starter)}) may start this ${def.label}, not ${caller.party.id}`,
                { detailZh: `只能以本单位（${caller.party.name}）的名义发起${def.label}。` },
              );
            }
            // A start fact (拟定日期、发现时刻 …) records what has happened: not in the future (SPEC §2), as occurredAt.
            // And what the definition checks beyond the schema (e.g. Law 20 para 2 from the term's start).
            const future = [
              ...checkStartFacts([def.startFact], req.body as Record<string, unknown>, Date.now()),
              ...((def as ProcedureDefinition).checkStart?.(req.body).errors ?? []),
            ].map((f) => ({ ...f, field: `body.${f.field}` }));
            if (future.length)
              throw new ApiError(400, 'Invalid request', future.map((f) => `${f.field}: ${f.message}`).join('; '), { fieldErrors: future });
            // The same rule as the preparation's (resolve-parties.ts) and the start page's offer (workbench.ts).
            const noStanding = noStandingToStart(deps.registry, def.kind, caller.party.id);
            if (noStanding) {
              deps.deny(caller, `start ${def.kind}: no standing`, req);
              throw new ApiError(403, 'Forbidden', noStanding.message, { detailZh: noStanding.messageZh });
            }
            const key = req.headers['idempotency-key'];
            // The same caller and key always name the same procedure: a repeated start returns it.
            // One per subject where the definition says so (a self-inspection per enterprise and year), whatever
            // the key; keyed too, or anyone could compute the id of next year's and take it first.
            const subject = def.oneFor?.(req.body as never);
            const digest = subject
              ? idempotencyDigest(deps.idSecret, 'one-for', subject)
              : key && idempotencyDigest(deps.idSecret, caller.party.id, key);
            const workflowId = `${def.kind}-${digest || randomUUID()}`;
            log = log.child({ procedureId: workflowId });
            const own = () =>
              isOwnProcedure(deps.client, deps.codec, { workflowId, workflowType: def.workflowType, partyId: caller.party.id });
            const existing = key || subject ? await exists(workflowId) : false;
            if (existing && !(await own())) throw new IdTakenError(workflowId);
            const actor = actorOf(caller);
            const prepared = existing
              ? undefined
              : prepareAtApi(deps.prepare, def, req.body as Record<string, unknown>, { id: workflowId, starter: actor });
            // A repeated start returns the first; a new one counts against the party's limits (released if it fails).
            const overQuota = existing ? undefined : await deps.quota?.reserve(workflowId, caller.party.id, def.kind, def.label);
            if (overQuota) throw new ApiError(429, 'Start limit reached', overQuota.message, { detailZh: overQuota.messageZh });
            const ready = await (
              existing
                ? waitReady(deps.client.workflow.getHandle(workflowId))
                : startProcedure(deps.client, {
                    kind: def.kind,
                    workflowId,
                    taskQueue: deps.taskQueue,
                    input: req.body,
                    actor,
                    prepared,
                    own,
                  }).then(
                    (s) => {
                      if (prepared) deps.scopes?.set(workflowId, scopeOfPairs(prepared.searchAttributes));
                      return s.ready;
                    },
                    async (e: unknown) => {
                      await deps.quota?.release(workflowId).catch((r: Error) => log.warn({ err: r }, 'start reservation not released'));
                      throw e;
                    },
                  )
            ).catch((e: unknown) => {
              const refusal = startRefusal(e);
              if (!refusal) throw e;
              deps.deny(caller, `start ${def.kind}: no standing`);
              throw new ApiError(403, 'Forbidden', refusal);
            });
            deps.metrics?.started(def.kind, existing ? 'repeated' : 'accepted');
            log.info({ state: ready.state, repeated: existing }, 'procedure started');
            return reply.status(existing ? 200 : 201).send({
              id: workflowId,
              kind: def.kind,
              state: ready.state,
              stateLabel: ready.stateLabel,
              deadlines: ready.deadlines,
              allowedEvents: ready.allowedEvents,
            });
          } catch (e) {
            deps.metrics?.started(def.kind, outcomeOf(e));
            log.info({ outcome: outcomeOf(e) }, 'start refused');
            if (e instanceof IdTakenError) {
              const caller = req.caller!;
              deps.deny(caller, `start ${def.kind}: id ${e.workflowId} held by a workflow that is not its procedure`, req, 409);
              throw new ApiError(409, 'Procedure id taken', e.message, {
                detailZh: '此次启动对应的程序编号已被并非本单位程序的工作流占用，未启动任何程序；已记入拒绝日志，请联系系统管理员。',
              });
            }
            throw e;
          }
        },
      );
    }

    /**
     * Scope from the search attributes (server only, no worker round trip): 404 outside it, as for
     * none. An event sender already known in scope (scope-cache.ts) skips the describe.
     */
    async function visible(id: string, caller: Caller, req: FastifyRequest, what: 'read' | 'event'): Promise<boolean> {
      const known = what === 'event' ? deps.scopes?.get(id) : undefined;
      if (known && canSeeByAttributes(caller.party, known.parties, known.regionScope)) return true;
      let scope: Scope | undefined;
      try {
        scope = scopeOfAttributes((await deps.client.workflow.getHandle(id).describe()).typedSearchAttributes);
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
      if (scope) deps.scopes?.set(id, scope);
      if (scope && canSeeByAttributes(caller.party, scope.parties, scope.regionScope)) return true;
      // None in Temporal: a read may still find the procedure's record (archivedView).
      if (!scope && what === 'read') return false;
      if (scope) deps.deny(caller, `${what} ${id} outside its scope`, req, 404);
      throw new ApiError(404, 'Not found', `no procedure ${id}`);
    }

    app.post(
      '/api/procedures/:id/events',
      {
        schema: {
          params: IdParams,
          body: EventBody,
          headers: IdempotencyHeaders,
          response: { 200: EventResultSchema },
          summary: '发送事件（Temporal Update）',
          tags: ['procedures'],
        },
      },
      async (req) => {
        const log = req.log.child({ procedureId: req.params.id, event: req.body.type });
        try {
          const result = await applyEvent(req, req.params.id, req.body, req.headers['idempotency-key']);
          deps.metrics?.event(req.params.id, 'accepted');
          log.info({ state: result.state }, 'event applied');
          return result;
        } catch (e) {
          deps.metrics?.event(req.params.id, outcomeOf(e));
          log.info({ outcome: outcomeOf(e) }, 'event refused');
          throw e;
        }
      },
    );

    async function applyEvent(req: FastifyRequest, id: string, body: z.infer<typeof EventBody>, key: string | undefined) {
      const caller = await req.authenticate();
      await visible(id, caller, req, 'event');
      const { type, occurredAt, ...payload } = body;
      try {
        const event = { type, payload, actor: actorOf(caller), ...(occurredAt !== undefined ? { occurredAt: occurredAt as string } : {}) };
        const result = await sendEvent(
          deps.client.workflow.getHandle(id),
          event,
          key ? `event-${idempotencyDigest(deps.idSecret, id, caller.party.id, key)}` : undefined,
        );
        deps.applied?.(id);
        return result;
      } catch (e) {
        const r = eventRejection(e);
        if (!r) throw e;
        if (r.code === 'not-authorized') deps.deny(caller, `${type} on ${id}`, req);
        // The same schema parsed here gives each refused field its reason in Chinese (the workbench's forms).
        const spec = r.fieldErrors ? Object.values(PROCEDURES).find((p) => id.startsWith(`${p.kind}-`))?.events[type] : undefined;
        const local = spec ? spec.schema.safeParse(payload) : undefined;
        const fieldErrors = r.fieldErrors && withChinese(r.fieldErrors, local && !local.success ? zodFieldErrorsZh(local.error) : []);
        throw new ApiError(EVENT_STATUS[r.code], r.code, r.message, {
          // The refusal in Chinese for the pages (workflows predating it sent none).
          ...(r.messageZh ? { detailZh: r.messageZh } : {}),
          state: r.state,
          allowedEvents: r.allowedEvents,
          ...(fieldErrors ? { fieldErrors } : {}),
        });
      }
    }

    app.get(
      '/api/procedures/:id',
      {
        schema: {
          params: IdParams,
          response: { 200: ProcedureViewSchema },
          summary: '程序详情：状态、期限及依据、审计记录',
          tags: ['procedures'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const view = redactView(await visibleView(req.params.id, caller, req), caller);
        // 异常: what the check of the case file found (records/watch.ts), shown with the procedure.
        const anomaly = deps.records ? await deps.records.anomalyOf(view.id) : undefined;
        // Each deadline with the days it skipped and why, for people to check (SPEC §2).
        const cal = deps.calendar();
        const now = Date.now();
        // Beside each machine-readable field its words: basisText, summaryText, subjectText (issue 13).
        const def = procedureOf(view.kind)!;
        return viewInWords(def, {
          ...view,
          headline: caseHeadline(def, view.context),
          ...(anomaly ? { anomaly: { ...anomaly, kindsText: anomaly.kinds.map((k) => FINDING_LABELS[k]) } } : {}),
          deadlines: view.deadlines.map((d) => ({
            ...d,
            explanation: explainDeadline(cal, d),
            currentStatus: d.status === 'running' ? stepStatus(d, now, d.metAt ? Date.parse(d.metAt) : undefined) : d.status,
          })),
        });
      },
    );

    app.get(
      '/api/procedures/:id/record.pdf',
      {
        schema: {
          params: IdParams,
          // The PDF; a refusal is a problem document (JSON).
          produces: ['application/pdf', 'application/json'],
          response: {
            200: z
              .custom<Buffer>((v) => Buffer.isBuffer(v))
              .meta({ type: 'string', format: 'binary' })
              .describe('办理记录 PDF / application/pdf'),
          },
          summary: '办理记录（PDF）：案件信息、办理过程、期限计算说明，末页为案卷链哈希及消息认证码',
          tags: ['procedures'],
        },
      },
      async (req, reply) => {
        const caller = await req.authenticate();
        const { id } = req.params;
        // The same scope as reading the procedure; one Temporal no longer holds is judged by its record.
        const live = await visible(id, caller, req, 'read');
        if (!live) await archivedView(id, caller, req);
        // Printed from the case file, so that its chain head checks the copy (SPEC §4a).
        const recorded = await deps.records?.read(id);
        if (!recorded)
          throw new ApiError(409, 'Not recorded yet', `procedure ${id} has no record yet to print`, {
            detailZh: '该程序的案卷尚未写入，暂不能打印办理记录，请稍后再试。',
          });
        const def = procedureOf(recorded.view.kind)!;
        const pdf = await recordPdf({
          view: { ...viewInWords(def, redactView(recorded.view, caller)), ...(live ? {} : { archived: true }) },
          head: recorded.head,
          headline: caseHeadline(def, recorded.view.context),
          calendar: deps.calendar(),
          printedBy: actorLabel(actorOf(caller)) ?? caller.party.name,
          printedAt: new Date(),
        });
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${id}.pdf"`).send(pdf);
      },
    );

    app.get(
      '/api/procedures',
      {
        schema: {
          querystring: ListQuery,
          response: { 200: ProcedureListSchema },
          summary: '程序列表（可见范围内，游标分页）',
          tags: ['procedures'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        const q = req.query;
        const closedOnly = [
          q.closedAfter && 'closedAfter',
          q.closedBefore && 'closedBefore',
          q.outcome && 'outcome',
          q.late && 'late',
        ].filter((x): x is string => !!x);
        if (closedOnly.length && q.closed !== 'true')
          throw new ApiError(400, 'Bad request', `querystring.${closedOnly[0]}: applies to closed procedures only; add closed=true`, {
            detailZh: `查询条件「${closedOnly[0]}」只适用于已办结的程序，请同时选择 closed=true。`,
          });
        // Closed procedures from the case file: they outlive Temporal's retention (SPEC §4a).
        if (q.closed === 'true' && deps.records) {
          try {
            return await listClosed(
              deps.records.pool,
              caller.party,
              {
                ...(q.kind ? { kind: q.kind } : {}),
                ...(q.tier ? { tier: q.tier } : {}),
                ...(q.region ? { region: q.region } : {}),
                ...(q.organ ? { organ: q.organ } : {}),
                ...(q.outcome ? { outcome: q.outcome } : {}),
                ...(q.closedAfter ? { closedAfter: q.closedAfter } : {}),
                ...(q.closedBefore ? { closedBefore: q.closedBefore } : {}),
                ...(q.late ? { late: q.late === 'true' } : {}),
              },
              { size: q.pageSize, ...(q.cursor ? { cursor: q.cursor } : {}) },
            ).then((r) => ({ ...r, items: r.items.map((i) => ({ ...i, closed: true })) }));
          } catch (e) {
            if (e instanceof RangeError || e instanceof SyntaxError)
              throw new ApiError(400, 'Bad request', 'querystring.cursor: not a cursor of this list', {
                detailZh: '翻页标记无效，请从第一页重新查询。',
              });
            throw e;
          }
        }
        // The one raw visibility call left: the cursor is the server's page token, which
        // client.workflow.list does not expose (SDK 1.24 ListOptions: query and pageSize). Over its
        // iterator a cursor would be an offset, re-read from the first page on every request and
        // shifted by every procedure started meanwhile. The typed keys decode the page (search-attributes.ts).
        const res = await deps.client.workflowService.listWorkflowExecutions({
          namespace: deps.client.options.namespace,
          query: listQuery(q, caller),
          pageSize: q.pageSize,
          nextPageToken: q.cursor ? Buffer.from(q.cursor, 'base64url') : undefined,
        });
        // A workflow started outside the system (no record) is listed nowhere (SPEC §4a).
        const recorded = deps.records
          ? await deps.records.recordedIds((res.executions ?? []).map((e) => e.execution!.workflowId!))
          : undefined;
        const items = (res.executions ?? [])
          .filter((e) => !recorded || recorded.has(e.execution!.workflowId!))
          .map((e) => {
            const sa = decodeAttributes(e.searchAttributes?.indexedFields);
            return {
              id: e.execution!.workflowId!,
              kind: sa.get(SA.kind),
              state: sa.get(SA.state),
              responsible: sa.get(SA.responsible),
              tier: sa.get(SA.tier),
              region: sa.get(SA.region),
              organ: sa.get(SA.organ),
              nextDeadline: sa.get(SA.nextDeadline)?.toISOString(),
              deadlineStatus: sa.get(SA.deadlineStatus),
              provisional: sa.get(SA.provisional),
              closed: sa.get(SA.closed),
            };
          });
        const token = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64url') : undefined;
        return { items, ...(token ? { nextCursor: token } : {}) };
      },
    );
  };
