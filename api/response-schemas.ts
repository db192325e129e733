/**
 * What the API sends, route by route: the OpenAPI document shows these shapes, and the serializer
 * (fastify-type-provider-zod) encodes every answer through them, so a field not named here never
 * leaves the server (zod objects drop unknown keys). Free-form parts say so: a machine's context
 * and policy, an event's payload, the JSON Schemas of the forms. The answers read from the case
 * file (history, statistics, exports, inbox, calendar subscriptions): case-file-schemas.ts.
 */
import { z } from 'zod';

export const text = z.string();
export const instant = z.string().describe('时刻：ISO 8601，带时区 (ISO 8601 instant)');
const free = z.record(z.string(), z.unknown());

/** RFC 9457 problem details (api/problem.ts): which field, why, what is allowed. */
export const ProblemSchema = z
  .object({
    type: text,
    title: text,
    status: z.number().int(),
    detail: text,
    /** The same in Chinese, for the pages: the refusal's own words, else its status's (every problem carries one). */
    detailZh: text.optional(),
    fieldErrors: z.array(z.object({ field: text, message: text, messageZh: text.optional() })).optional(),
    /** An event refused by the workflow: the state it is in and the events it accepts there. */
    state: text.optional(),
    allowedEvents: z.array(text).optional(),
  })
  .describe('错误说明：detail 供程序读取，detailZh 为中文说明 (problem details, RFC 9457)')
  .meta({
    examples: [
      {
        type: 'about:blank',
        title: 'Invalid request',
        status: 400,
        detail: 'body.title: Required',
        detailZh: '请求有误：必填',
        fieldErrors: [{ field: 'body.title', message: 'Required', messageZh: '必填' }],
      },
    ],
  });

export const PartySchema = z.object({
  id: text,
  name: text,
  type: z.enum(['organ', 'authority']),
  tier: text,
  region: text,
  organKind: text.optional(),
});

const ActorSchema = z.object({
  id: text,
  name: text.optional(),
  person: z.object({ sub: text, name: text }).optional(),
  roles: z.array(text).optional(),
});

/** A computed period (domain/deadline): the what-if calculator's answer and every step's deadline. */
const PeriodShape = {
  rule: text,
  n: z.number(),
  from: text,
  basis: text.optional(),
  lastDay: text.optional(),
  nominalLastDay: text.optional(),
  fixedEnd: z.literal(true).optional(),
  dueAt: instant,
  startAt: instant.optional(),
  dueSoonAt: instant.optional(),
  reminders: z.array(z.object({ key: text, at: instant })).optional(),
  budget: z.number().optional(),
  provisional: z.boolean().optional(),
  calendarVersion: text.optional(),
  extensions: z.array(z.object({ days: z.number(), reason: text.optional(), approver: text.optional(), basis: text.optional() })),
  suspensions: z.array(z.object({ from: text, to: text, reason: text.optional(), approver: text.optional(), basis: text.optional() })),
};

export const ExplanationSchema = z.object({ lines: z.array(text), skipped: z.array(z.object({ date: text, reason: text })) });

/**
 * A step's deadline as parties see it. The alarm loop's bookkeeping (`inputs`, `remindersDone`,
 * `dueSoonDone`, `dueFired`) stays in the workflow. Fields added to the record over time are
 * optional: a procedure started before them still answers.
 */
export const DeadlineSchema = z.object({
  ...PeriodShape,
  key: text,
  specId: text.optional(),
  slot: text.optional(),
  label: text,
  state: text,
  responsible: PartySchema,
  policy: z.boolean().optional(),
  obligation: z.boolean().optional(),
  status: z.enum(['running', 'suspended', 'met', 'met_late', 'lapsed', 'superseded']),
  computedAt: instant.optional(),
  metAt: instant.optional(),
  lateEntry: z
    .object({ enteredAt: instant, confirmed: z.boolean(), confirmedAt: instant.optional(), confirmedBy: text.optional() })
    .optional()
    .describe(
      '逾期录入、待确认: met by a fact dated before the deadline but entered after it fired, until another party confirms (SPEC §3.7)',
    ),
  overdueCount: z.number().int().optional(),
  escalationRung: z.number().int().optional(),
  basisText: text.optional(),
});

const AllowedEventSchema = z.object({
  type: text,
  label: text,
  /** Who may send it in this procedure (its edition's reading, e.g. Regs 26 para 2(2)). */
  by: z.array(text),
  basisText: text.optional(),
  /** The role the sending person must hold here (负责人: Regs 63, or a binding decision's sign-off, 本地策略). */
  role: text.optional(),
  roleLabel: text.optional(),
  roleBasis: text.optional(),
});

/** The answer to a start and to an accepted event: where the procedure now stands. */
export const EventResultSchema = z.object({
  state: text,
  stateLabel: text,
  activeStates: z.array(text),
  closed: z.boolean(),
  deadlines: z.array(DeadlineSchema),
  allowedEvents: z.array(AllowedEventSchema),
});

export const StartedSchema = EventResultSchema.pick({ state: true, stateLabel: true, deadlines: true, allowedEvents: true }).extend({
  id: text,
  kind: text,
});

const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: instant,
  occurredAt: instant.optional(),
  kind: text,
  kindText: text.optional(),
  actor: ActorSchema,
  by: text.optional(),
  summary: text,
  summaryText: text,
  basis: text.optional(),
  basisText: text.optional(),
  event: z.object({ type: text, payload: free.meta({ examples: [{ reportNumber: '天办〔2026〕7号' }] }) }).optional(),
  from: text.optional(),
  to: text.optional(),
  deadlineKey: text.optional(),
});

const InboxEntrySchema = z.object({
  id: text,
  at: instant,
  kind: text,
  kindText: text.optional(),
  subject: text,
  subjectText: text,
  recipients: z.array(
    z.object({
      party: PartySchema,
      contact: z.object({ name: text, email: text.optional(), webhook: text.optional() }),
      role: text,
    }),
  ),
  basis: text.optional(),
  basisText: text.optional(),
  deadlineKey: text.optional(),
  /** Who acted so that it went out (“广东省国家保密局 张某（负责人）”); absent for the system's reminders. */
  byText: text.optional(),
  deliveries: z.array(
    z.object({ channel: z.enum(['webhook', 'email']), to: text, status: text, at: instant.optional(), error: text.optional() }),
  ),
});

/** GET /api/procedures/{id}: the procedure in words beside its machine-readable fields. */
/** What tells two cases of one kind apart (api/case-headlines.ts). */
const HeadlineShape = {
  reference: text.optional().describe('事项编号、事件编号、案件编号等（启动时填写）'),
  title: text.optional().describe('事项名称或事件概况（非涉密）'),
};

export const ProcedureViewSchema = z.object({
  id: text,
  kind: text,
  label: text,
  basis: text,
  basisText: text.optional(),
  state: text,
  stateLabel: text,
  activeStates: z.array(text),
  activeStateLabels: z.array(text),
  closed: z.boolean(),
  headline: z.object(HeadlineShape).describe('列表中区分案件的编号与标题 (reference and title)'),
  context: free.describe('程序上下文：迄今记录的事实 (the machine’s context: the facts recorded so far)').meta({
    examples: [
      {
        matterRef: 'TH-2026-7',
        title: '某型设备参数',
        proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组成员' },
        draftedOn: '2026-12-07',
        edition: 3,
      },
    ],
  }),
  citations: z
    .record(z.string(), text)
    .describe('所引条文的原文 (each article cited, in words)')
    .meta({ examples: [{ 'Regs 25 para 1': '《实施条例》第二十五条第一款' }] }),
  responsible: PartySchema.optional(),
  deadlines: z.array(
    DeadlineSchema.extend({
      explanation: ExplanationSchema,
      currentStatus: text.describe('进行中期限的当前状态：on_track 正常，due_soon 临近，overdue 已超期 (as of now)'),
    }),
  ),
  allowedEvents: z.array(AllowedEventSchema),
  audit: z.array(AuditEntrySchema),
  inbox: z.array(InboxEntrySchema),
  authorityLate: z
    .array(
      z.object({
        deadlineKey: text,
        label: text,
        basis: text.optional(),
        authority: PartySchema,
        dueAt: text,
        takenAt: text.optional(),
        policy: z.boolean(),
        consequences: z.array(z.object({ basis: text, basisText: text.optional(), consequence: text })),
        reading: text,
      }),
    )
    .optional()
    .describe(
      '保密行政管理部门自身逾期办理或到期仍未办理的步骤（《实施条例》第七十二条；《保密法》第六十一条）(the authorities’ own late steps)',
    ),
  policy: free
    .optional()
    .describe('启动时确定的本地策略 (local policy fixed at the start)')
    .meta({ examples: [{ dueSoonFraction: 0.8, markingsWorkingDays: 5 }] }),
  versions: z.object({ calendar: text.optional(), registry: text.optional() }),
  anomaly: z
    .object({
      detail: text,
      kinds: z.array(text).describe('案卷核查发现的问题类别，按顺序 (kinds found)'),
      kindsText: z.array(text).describe('各类别的中文说明 (each kind in words)'),
    })
    .optional()
    .describe('异常: the check of the case file found this procedure rewound, terminated from outside or its record changed'),
  archived: z.boolean().optional().describe('取自案卷：Temporal 已不再保存这一已办结程序时为 true (served from the case file)'),
});

export const ProcedureListSchema = z.object({
  items: z.array(
    z.object({
      id: text,
      kind: text.optional(),
      state: text.optional(),
      responsible: text.optional(),
      tier: text.optional(),
      region: text.optional(),
      organ: text.optional(),
      nextDeadline: instant.optional(),
      deadlineStatus: text.optional(),
      provisional: z.boolean().optional(),
      closed: z.boolean().optional(),
      // Closed procedures listed from the case file (closed=true):
      stateLabel: text.optional(),
      startedAt: instant.optional(),
      closedAt: instant.optional(),
      late: z.boolean().optional().describe('有步骤逾期办结、期限届满未办或在办理中超期 (a step was late)'),
    }),
  ),
  nextCursor: text.optional().describe('下一页的 cursor 参数；最后一页没有 (cursor of the next page)'),
});

const TimeLeftSchema = z.object({ unit: z.enum(['working-days', 'days', 'hours']), value: z.number() });

/** The status shown is the clock's, ahead of the workflow's record of its pass (issue 28). */
const Pending = z
  .literal(true)
  .optional()
  .describe('提醒发送中：期限已到（或即将超期），程序的提醒、督办尚在记录中 (shown by the clock before the workflow recorded the pass)');

/** One row of the workbench's lists. */
const WorkRowSchema = z.object({
  id: text,
  kind: text,
  state: text,
  responsible: text,
  nextDeadline: instant.optional(),
  deadlineStatus: text,
  deadlineRule: text,
  deadlineLabel: text.optional(),
  pending: Pending,
  provisional: z.boolean(),
  closed: z.boolean().optional(),
  timeLeft: TimeLeftSchema.optional(),
  ...HeadlineShape,
});

export const WorkbenchSchema = z.object({
  todo: z.array(WorkRowSchema),
  /** 我参与的（待他方办理）: open procedures the caller's party takes part in, the step now another's. */
  involved: z.array(WorkRowSchema),
  started: z.array(WorkRowSchema),
  jurisdiction: z.array(WorkRowSchema).optional(),
  /** How many open procedures the authority may see: the board's count (the list shows the first 100). */
  jurisdictionTotal: z.number().int().optional(),
  /** The kinds the caller's party may start (domain/standing.ts), as the start route judges them. */
  startable: z.array(text),
  refreshedAt: instant,
});

export const FormsSchema = z.object({
  procedures: z
    .record(z.string(), free)
    .describe('各程序的启动表单、事件表单（JSON Schema）与期限试算 (per procedure: forms and what-if deadlines)')
    .meta({ examples: [{ leak: { kind: 'leak', label: '泄密报告', startedBy: 'organId' } }] }),
  fieldLabels: z.record(z.string(), text).meta({ examples: [{ level: '密级', scope: '知悉范围' }] }),
  optionLabels: z.record(z.string(), text).meta({ examples: [{ secret: '机密', confidential: '秘密' }] }),
  roleLabels: z.record(z.string(), text).meta({ examples: [{ head: '负责人' }] }),
});

export const CalendarSchema = z.object({
  version: text,
  coveredYears: z.array(z.number().int()),
  days: z.array(z.object({ date: text, working: z.boolean(), kind: text, name: text.optional() })),
});

export const DeadlineAnswerSchema = z.object({ ...PeriodShape, explanation: ExplanationSchema });

export const RegionsSchema = z.array(
  z.object({ code: text.describe('行政区划代码（GB/T 2260）'), name: text.describe('地区名称，例如 广州市') }),
);

export const AuthoritiesSchema = z.array(PartySchema.extend({ head: text.optional() }));

export const OrgansSchema = z.array(
  PartySchema.partial({ tier: true, region: true }).extend({ superiorId: text.optional(), licensed: z.boolean().optional() }),
);

export const MeSchema = PartySchema.extend({
  person: z.object({ sub: text, name: text }),
  roles: z.array(text),
  label: text,
});

const BoardItemSchema = z.object({
  id: text,
  kind: text,
  state: text,
  responsible: text,
  tier: text,
  region: text,
  organ: text,
  parties: z.array(text),
  regionScope: z.array(text),
  nextDeadline: instant.optional(),
  deadlineStatus: text,
  deadlineRule: text,
  provisional: z.boolean(),
  deliveryFailed: z.boolean(),
  anomaly: z.literal(true).optional().describe('异常: its run was ended from outside; shown from the case file, its duties still open'),
  pending: Pending,
  timeLeft: TimeLeftSchema.optional(),
  deadlineLabel: text.optional().describe('已超期的行：最先超期的步骤 (the step overdue first)'),
  ...HeadlineShape,
});

export const BoardPageSchema = z.object({
  items: z.array(BoardItemSchema),
  total: z.number().int(),
  nextCursor: text.optional(),
  refreshedAt: instant,
});

const TallySchema = z.object({
  kind: text.optional(),
  tier: text.optional(),
  open: z.number().int(),
  dueSoon: z.number().int(),
  overdue: z.number().int(),
  closed: z.number().int(),
});

export const OverviewSchema = z.object({
  byKind: z.array(TallySchema),
  byTier: z.array(TallySchema),
  deliveryFailures: z.number().int(),
  refreshedAt: instant,
  labels: z.record(z.string(), text).meta({ examples: [{ 'unclear-matter': '不明确事项报送', leak: '泄密报告' }] }),
});

const Box = { x: z.number(), y: z.number(), width: z.number(), height: z.number() };

export const StatechartSchema = z.object({
  kind: text,
  label: text,
  basis: text,
  basisText: text.optional(),
  initial: text,
  states: z.array(
    z.object({
      id: text,
      path: text,
      label: text,
      type: text,
      parent: text.optional(),
      responsible: text.optional(),
      basis: text.optional(),
      deadline: z.object({ label: text, rule: text, n: z.unknown(), basis: text.optional() }).optional(),
    }),
  ),
  transitions: z.array(z.object({ from: text, to: text, event: text, label: text.optional() })),
  layout: z.object({
    font: z.object({ state: z.number(), edge: z.number(), line: z.number() }),
    width: z.number(),
    height: z.number(),
    states: z.array(
      z.object({
        path: text,
        label: text,
        type: text,
        parent: text.optional(),
        note: text.optional(),
        ...Box,
        lines: z.array(text),
        noteLines: z.array(text),
      }),
    ),
    transitions: z.array(
      z.object({
        id: text,
        from: text,
        to: text,
        event: text,
        label: text,
        lines: z.array(text),
        points: z.array(z.object({ x: z.number(), y: z.number() })),
        labelBox: z.object(Box).optional(),
      }),
    ),
  }),
});

export const HealthSchema = z.object({ temporal: text, worker: text });

export const PayloadsSchema = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), text), data: text })) });

export const LoginOptionsSchema = z.object({
  oidc: z.boolean(),
  demo: z.array(z.object({ sub: text, party: text, partyName: text, name: text, roles: z.array(text), roleLabel: text, label: text })),
});

export const SessionSchema = z.object({ party: text, name: text, roles: z.array(text) });
export const SignedOutSchema = z.object({ signedOut: z.literal(true), logoutUrl: z.url().optional() });
