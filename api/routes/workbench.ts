import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AnyStateNode } from 'xstate';
import { z } from 'zod';
import { PROCEDURES } from '../../machines/index.js';
import type { ProcedureDefinition, StateMeta } from '../../machines/procedure.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { ROLE_LABELS } from '../../domain/labels.zh.js';
import { FIELD_LABELS, OPTION_LABELS } from '../../domain/form-labels.zh.js';
import type { WorkCalendar } from '../../domain/calendar/work-calendar.js';
import { DateSchema } from '../../domain/calendar/schema.js';
import { dateOf, dayOf } from '../../domain/time.js';
import { stepStatus } from '../../domain/deadline/status.js';
import { viewQuery } from '../../workflows/messages.js';
import { SA } from '../../workflows/search-attributes.js';
import type { DeadlineBoard, BoardItem, TimeLeft } from '../board.js';
import { ApiError } from '../problem.js';
import { CalendarSchema, FormsSchema, WorkbenchSchema } from '../response-schemas.js';
import type { Registry } from '../../domain/registry/registry.js';
import { startableKinds } from '../../domain/standing.js';
import type { CaseHeadlines } from '../case-headlines.js';

/** The JSON Schema of what the API validates, generated from the same zod schema (input side). */
export function formSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * The deadlines that run from a start input field (e.g. 报送期限 from 拟定日期): the start form
 * shows each one's date before the procedure is started. A period set by policy uses its default.
 */
function startDeadlines(def: ProcedureDefinition, fields: string[]) {
  const out: Array<{
    id: string;
    field: string;
    orElse?: string;
    label: string;
    rule: string;
    n: number;
    policy: boolean;
    basis: string;
  }> = [];
  const walk = (node: AnyStateNode) => {
    const d = (node.meta as StateMeta | undefined)?.deadline;
    if (d && fields.includes(d.from) && !out.some((o) => o.id === d.id)) {
      const n = typeof d.n === 'number' ? d.n : 'policy' in d.n ? (DEFAULT_POLICY[d.n.policy] as number) : undefined;
      // A field left blank that the machine fills from another (the leak's 获知时刻 from the 发现时刻): counted from that one meanwhile.
      const orElse = def.startFieldFallbacks?.[d.from];
      if (n !== undefined)
        out.push({
          id: d.id,
          field: d.from,
          ...(orElse ? { orElse } : {}),
          label: d.label,
          rule: d.rule,
          n,
          policy: typeof d.n !== 'number',
          basis: d.basis,
        });
    }
    Object.values(node.states).forEach(walk);
  };
  walk(def.machine.root);
  return out;
}

/**
 * Whom each event is sent on to, by the state it is taken in: the parties (context.parties keys)
 * its transitions notify. The form names them ("报送至广东省国家保密局").
 */
function recipientsOf(def: ProcedureDefinition): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  const walk = (node: AnyStateNode) => {
    for (const [event, list] of node.transitions) {
      for (const t of list) {
        const to = t.actions.flatMap((a) => {
          const params = (a as { type?: string; params?: unknown }).params;
          return (a as { type?: string }).type === 'notify' && params && typeof params === 'object' && 'to' in params
            ? [String(params.to)]
            : [];
        });
        if (!to.length) continue;
        const bySource = (out[event] ??= {});
        const path = node.path.join('.');
        bySource[path] = [...new Set([...(bySource[path] ?? []), ...to])];
      }
    }
    Object.values(node.states).forEach(walk);
  };
  walk(def.machine.root);
  return out;
}

/** Every procedure's start form and event forms, built once. */
export const FORMS = Object.fromEntries(
  Object.values(PROCEDURES).map((def) => {
    const start = formSchema(def.input);
    const recipients = recipientsOf(def);
    return [
      def.kind,
      {
        kind: def.kind,
        label: def.label,
        basis: def.basis,
        startedBy: def.startedBy,
        startFact: def.startFact,
        ...(def.startFieldsInContext ? { startFieldsInContext: def.startFieldsInContext } : {}),
        ...(def.variants ? { variants: def.variants } : {}),
        start,
        whatIf: startDeadlines(def, Object.keys((start.properties as object | undefined) ?? {})),
        events: Object.fromEntries(
          Object.entries(def.events).map(([type, spec]) => [
            type,
            {
              label: spec.label,
              basis: spec.basis,
              by: spec.by,
              fact: !!spec.fact,
              ...(recipients[type] ? { recipients: recipients[type] } : {}),
              ...(spec.prefill ? { prefill: spec.prefill } : {}),
              schema: formSchema(spec.schema),
            },
          ]),
        ),
      },
    ];
  }),
);

const CalendarQuery = z.strictObject({
  from: DateSchema.describe('起始日 YYYY-MM-DD (first day)'),
  days: z.coerce.number().int().min(1).max(400).default(42),
});

/** One row of a work list: the procedure, where it stands, and the deadline that concerns the reader. */
interface WorkRow {
  id: string;
  kind: string;
  state: string;
  responsible: string;
  nextDeadline?: string;
  deadlineStatus: string;
  deadlineRule: string;
  deadlineLabel?: string;
  /** 提醒发送中: shown overdue or due soon by the clock before the workflow has recorded it (issue 28). */
  pending?: true;
  provisional: boolean;
  closed?: boolean;
  timeLeft?: TimeLeft;
}

type MyDeadline = { dueAt: string; dueSoonAt: string; rule: string; label: string; provisional?: boolean };

/**
 * Each open procedure's running deadlines by responsible party, for 我的待办. Cached until its
 * search attributes change, the API sends it an event (`forget`), or `ttlMs` passes: a step can
 * change hands with no attribute changing (a leak report relayed one tier up keeps its state and,
 * read literally, its due instant, Regs 61 para 2), and another API instance may have sent it.
 */
/** How long the workbench waits for one procedure's view. */
const QUERY_BUDGET_MS = 2_000;

export class RunningDeadlines {
  private readonly cache = new Map<string, { key: string; at: number; deadlines: Array<MyDeadline & { responsible: string }> }>();
  constructor(
    private readonly client: Client,
    private readonly ttlMs = 30_000,
  ) {}

  async of(i: BoardItem) {
    const key = [i.state, i.nextDeadline, i.deadlineStatus, i.responsible].join('|');
    const hit = this.cache.get(i.id);
    if (hit?.key === key && Date.now() - hit.at < this.ttlMs) return hit.deadlines;
    // Time-boxed: a workflow nobody runs (one started outside the system, on a queue no worker polls)
    // must not hold the workbench for the query's full timeout; its steps are then left out this once.
    const view = await this.client.connection
      .withDeadline(Date.now() + QUERY_BUDGET_MS, () => this.client.workflow.getHandle(i.id).query(viewQuery))
      .catch(() => undefined);
    if (!view) return [];
    const deadlines = view.deadlines
      .filter((d) => d.status === 'running')
      .map((d) => ({
        dueAt: d.dueAt,
        dueSoonAt: d.dueSoonAt,
        rule: d.rule,
        label: d.label,
        provisional: d.provisional,
        responsible: d.responsible.id,
      }));
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(i.id, { key, at: Date.now(), deadlines });
    return deadlines;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }
}

/**
 * The workbench: the forms generated from the machines' schemas, the working-day calendar the date
 * fields show, and each person's lists (我的待办, 我发起的, 我辖区的).
 */
export const workbenchRoutes =
  (deps: {
    client: Client;
    board: DeadlineBoard;
    running: RunningDeadlines;
    calendar: () => WorkCalendar;
    registry: Registry;
    headlines: CaseHeadlines;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/forms',
      {
        schema: {
          response: { 200: FormsSchema },
          summary: '表单：各程序的启动输入与事件的 JSON Schema（由 API 校验所用的 zod schema 生成）及中文字段名',
          tags: ['workbench'],
        },
      },
      async (req) => {
        await req.authenticate();
        return { procedures: FORMS, fieldLabels: FIELD_LABELS, optionLabels: OPTION_LABELS, roleLabels: ROLE_LABELS };
      },
    );

    app.get(
      '/api/calendar',
      {
        schema: {
          querystring: CalendarQuery,
          response: { 200: CalendarSchema },
          summary: '工作日历：法定节假日、调休上班日',
          tags: ['workbench'],
        },
      },
      async (req) => {
        await req.authenticate();
        const cal = deps.calendar();
        const first = dayOf(req.query.from);
        try {
          const days = Array.from({ length: req.query.days }, (_, i) => ({
            date: dateOf(first + i),
            working: cal.isWorkingDay(first + i),
            ...cal.describe(first + i),
          }));
          return { version: cal.version, coveredYears: [...cal.coveredYears], days };
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          throw new ApiError(400, 'Invalid request', `from: ${e.message}`, {
            fieldErrors: [{ field: 'from', message: e.message, messageZh: '日期超出工作日历的范围' }],
          });
        }
      },
    );

    const row = (i: BoardItem, now: number, mine?: MyDeadline): WorkRow => {
      const base = { id: i.id, kind: i.kind, state: i.state, responsible: i.responsible, provisional: i.provisional };
      const d = mine
        ? {
            nextDeadline: mine.dueAt,
            deadlineStatus: stepStatus(mine, now),
            deadlineRule: mine.rule,
            deadlineLabel: mine.label,
            provisional: !!mine.provisional,
          }
        : { ...(i.nextDeadline ? { nextDeadline: i.nextDeadline } : {}), deadlineStatus: i.deadlineStatus, deadlineRule: i.deadlineRule };
      // The board's flag holds for the step it judged: the procedure's next deadline.
      const pending = i.pending && (!mine || Date.parse(mine.dueAt) === Date.parse(i.nextDeadline ?? ''));
      const left = deps.board.timeLeft(d, now);
      return { ...base, ...d, ...(pending ? { pending } : {}), ...(left ? { timeLeft: left } : {}) };
    };

    app.get(
      '/api/workbench',
      {
        schema: { response: { 200: WorkbenchSchema }, summary: '工作台：我的待办（按期限排序）、我发起的、我辖区的', tags: ['workbench'] },
      },
      async (req) => {
        const caller = await req.authenticate();
        const me = caller.party.id;
        const now = Date.now();
        // 我的待办: where my party is responsible for the current state or for a running deadline
        // (a region of a parallel state, a step beside the current one). At most 200, most urgent first.
        const candidates = await deps.board.ofParty(me, () => true, 200);
        const todo = (
          await Promise.all(
            candidates.map(async (i) => {
              const mine = (await deps.running.of(i).catch(() => []))
                .filter((d) => d.responsible === me)
                .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
              return i.responsible === me || mine ? row(i, now, mine) : undefined;
            }),
          )
        )
          .filter((r): r is WorkRow => !!r)
          .sort((a, b) => (a.nextDeadline ?? '9999').localeCompare(b.nextDeadline ?? '9999'));
        // 我发起的: the procedures my party started (BmOrgan: the party that starts it), open or closed, newest first;
        // the first 50, one visibility page (the iterator stops there).
        const started: WorkRow[] = [];
        for await (const e of deps.client.workflow.list({
          query: `BmOrgan = '${me}' AND ExecutionStatus != 'ContinuedAsNew'`,
          pageSize: 50,
        })) {
          const item = await deps.board.find(e.workflowId);
          const sa = e.typedSearchAttributes;
          started.push(
            item
              ? row(item, now)
              : {
                  id: e.workflowId,
                  kind: sa.get(SA.kind) ?? '',
                  state: sa.get(SA.state) ?? '',
                  responsible: sa.get(SA.responsible) ?? '',
                  deadlineStatus: sa.get(SA.deadlineStatus) ?? 'none',
                  deadlineRule: 'none',
                  provisional: false,
                  closed: sa.get(SA.closed) ?? false,
                },
          );
          if (started.length === 50) break;
        }
        // A workflow started outside the system (no record) is listed nowhere (SPEC §4a).
        const recorded = await deps.board.withRecord(started.map((s) => s.id));
        // 我参与的（待他方办理）: open procedures my party takes part in, with no step of mine now, that it did not start.
        const mineNow = new Set(todo.map((r) => r.id));
        // Other parties' rows name their most urgent step (逐级报至… 已超期 3 小时), whoever must take it.
        const named = (list: readonly BoardItem[]) =>
          Promise.all(
            list.map(async (i) => {
              const first = (await deps.running.of(i).catch(() => [])).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
              return row(i, now, first);
            }),
          );
        const involved = await named(await deps.board.ofParty(me, (i) => !mineNow.has(i.id) && i.organ !== me, 100));
        // 辖区内: for an authority, every open procedure it may see, as the board counts them (its own among them).
        const inJurisdiction = caller.party.type === 'authority' ? await deps.board.page(caller.party, {}, 0, 100) : undefined;
        const jurisdiction = inJurisdiction && (await named(inJurisdiction.items));
        // 发起程序: only the procedures the server would let this party start (domain/standing.ts).
        const startable = startableKinds(deps.registry, Object.keys(PROCEDURES), me);
        const h = deps.headlines;
        return {
          todo: await h.with(todo),
          involved: await h.with(involved),
          started: await h.with(started.filter((s) => recorded.has(s.id))),
          ...(jurisdiction ? { jurisdiction: await h.with(jurisdiction), jurisdictionTotal: inJurisdiction!.total } : {}),
          startable,
          refreshedAt: new Date(now).toISOString(),
        };
      },
    );
  };
