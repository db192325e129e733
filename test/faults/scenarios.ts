/**
 * One scenario per procedure kind for the fault tests: the events each party sends, on which
 * day after the common start, through a path where timers matter (reminders, overdue
 * escalations, and deadlines that move the procedure on by themselves). Every procedure stays
 * open until day 40 or later.
 */
import type { Role } from '../../domain/parties.js';
import type { ProcedureKind } from '../../machines/index.js';

export const START = '2026-03-02T02:00:00Z'; // Monday 10:00 Beijing time

export interface Step {
  /** Days after START (fractions allowed) at which the event is sent. */
  day: number;
  type: string;
  by: string;
  /** The person acting for the party, where the event requires a role (e.g. the head, Regs 63). */
  person?: { sub: string; name: string; roles: Role[] };
  payload?: Record<string, unknown>;
}

export interface Scenario {
  kind: ProcedureKind;
  by: string;
  input: Record<string, unknown>;
  steps: Step[];
  /** The state the procedure closes in. */
  final: string;
}

/** The provincial authority's head: its binding decisions are signed by the 负责人 (edition 5, 本地策略), as its extension (Regs 63). */
const GD_HEAD = { sub: 'p-gd-head', name: '张某', roles: ['head' as const] };
const secret = { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' } };

export const SCENARIOS: Scenario[] = [
  {
    // Reported late (overdue reminders and escalation first), determined, holders told late, filed late.
    kind: 'unclear-matter',
    by: 'org-gz-bureau',
    input: {
      organId: 'org-gz-bureau',
      matterRef: 'F-UM-1',
      title: '故障测试事项',
      proposal: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
      draftedOn: '2026-03-02',
      protectiveMeasures: '按机密级保护',
    },
    steps: [
      { day: 16, type: 'SUBMIT_REPORT', by: 'org-gz-bureau', payload: { reportNumber: '穗故〔2026〕1号' } },
      { day: 20, type: 'DETERMINE', by: 'auth-440000', person: GD_HEAD, payload: { determination: secret } },
      // The determination lowered the proposal: the organ tells the holders (Law 23 para 2), late.
      { day: 30, type: 'NOTIFY_HOLDERS', by: 'org-gz-bureau', payload: { noticeRef: '穗故〔2026〕2号' } },
      { day: 40, type: 'FILE_RECORD', by: 'auth-440000', payload: { filingNumber: '粤保备〔2026〕1号' } },
    ],
    final: 'closed',
  },
  {
    // The classifier lets its window pass (未予处理, by the deadline itself); escalated, decided by
    // the province, appealed, decided by the national authority.
    kind: 'objection',
    by: 'org-gz-institute',
    input: {
      objectorId: 'org-gz-institute',
      classifierId: 'org-gz-bureau',
      matterRef: 'F-OB-1',
      title: '故障测试异议',
      determined: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' },
      claim: { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' } },
      grounds: '应属机密级',
      filedOn: '2026-03-02',
    },
    steps: [
      { day: 30, type: 'ESCALATE', by: 'org-gz-institute' },
      { day: 33, type: 'AUTHORITY_DECIDE', by: 'auth-440000', person: GD_HEAD, payload: { determination: secret } },
      { day: 35, type: 'APPEAL', by: 'org-gz-institute' },
      {
        day: 42,
        type: 'NATIONAL_DECIDE',
        by: 'auth-000000',
        person: { sub: 'p-nat-head', name: '冯某', roles: ['head'] },
        payload: { determination: secret },
      },
    ],
    final: 'decided',
  },
  {
    // 24-hour obligations missed and relayed late, tier by tier; the authority's order; the result.
    kind: 'leak',
    by: 'org-th-office',
    input: {
      organId: 'org-th-office',
      incidentRef: 'F-LK-1',
      summary: '故障测试泄密事件',
      discoveredAt: '2026-03-02T10:00:00+08:00',
      remedialMeasures: '封存',
    },
    steps: [
      // Days with fractions keep each event clear of the alarm instants (24 h from discovery or receipt, 50%, 80%).
      { day: 0.3, type: 'REPORT_TO_SUPERIOR', by: 'org-th-office' },
      { day: 2.15, type: 'REPORT_TO_AUTHORITY', by: 'org-th-office', payload: { reportNumber: '天保〔2026〕1号' } },
      { day: 2.7, type: 'RELAY', by: 'auth-440106' },
      { day: 4.25, type: 'RELAY', by: 'auth-440100' },
      { day: 5.35, type: 'RELAY', by: 'auth-440000' },
      // After the relay: the authority's Regs 60 order, measures still recorded, its 处理建议, then the written result.
      { day: 6.3, type: 'ORDER_STOP', by: 'auth-440106', payload: { order: '停止使用涉事设备' } },
      { day: 10.3, type: 'RECORD_MEASURES', by: 'org-th-office', payload: { measures: '追回载体' } },
      { day: 20.3, type: 'PROPOSE_HANDLING', by: 'auth-440106', payload: { proposal: '对直接责任人员给予处分' } },
      { day: 43.45, type: 'REPORT_RESULT', by: 'org-th-office', payload: { result: '已查明' } },
    ],
    final: 'closed',
  },
  {
    // Accepted, the clock suspended for an expert, extended once, concluded.
    kind: 'appraisal',
    by: 'org-gz-procuratorate',
    input: {
      applicantId: 'org-gz-procuratorate',
      caseRef: 'F-AP-1',
      appliedOn: '2026-03-02',
      items: [
        { ref: 'A1', description: '文件甲' },
        { ref: 'A2', description: '文件乙' },
      ],
    },
    steps: [
      { day: 1, type: 'ACCEPT', by: 'auth-440000' },
      { day: 5, type: 'START_CONSULTATION', by: 'auth-440000', payload: { reason: '技术问题', expert: '专家' } },
      { day: 10, type: 'END_CONSULTATION', by: 'auth-440000' },
      {
        day: 28,
        type: 'EXTEND',
        by: 'auth-440000',
        person: GD_HEAD,
        payload: { reason: '事项复杂' },
      },
      {
        day: 45,
        type: 'CONCLUDE',
        by: 'auth-440000',
        person: GD_HEAD,
        payload: {
          conclusions: [
            { ref: 'A1', outcome: 'state-secret', level: 'secret' },
            { ref: 'A2', outcome: 'not-secret' },
          ],
        },
      },
    ],
    final: 'concluded',
  },
  {
    // Rectification missed: the deadline itself proposes a suspension (Regs 71 para 2(2));
    // the suspension's end starts the review by itself; the review passes.
    kind: 'annual-inspection',
    by: 'ent-gz-tech',
    input: { enterpriseId: 'ent-gz-tech', year: 2025 },
    steps: [
      { day: 0, type: 'SUBMIT_REPORT', by: 'ent-gz-tech' },
      { day: 1, type: 'ORDER_RECTIFICATION', by: 'auth-440000', payload: { dueDate: '2026-03-20', items: '台账不全' } },
      { day: 20, type: 'SUSPEND_BUSINESS', by: 'auth-440000', person: GD_HEAD, payload: { until: '2026-04-10', downgrade: false } },
      { day: 41, type: 'SUSPENSION_REVIEW_PASSED', by: 'auth-440000' },
    ],
    final: 'closed',
  },
];
