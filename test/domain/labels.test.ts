import { describe, expect, it } from 'vitest';
import { AUDIT_KIND_LABELS, beijingTime, SUBJECTS, subjectText, textInWords } from '../../domain/labels.zh.js';
import { eventLabel, notifyParams, stateLabel, stateNodes, viewInWords } from '../../machines/in-words.zh.js';
import { PROCEDURES } from '../../machines/index.js';
import { machineGraph } from '../../machines/graph.js';
import type { ProcedureView } from '../../domain/procedure-view.js';

const HAN = /\p{Script=Han}/u;
const CODE = /[A-Za-z]{2,}/;

describe('every state, event and notification in Chinese, from one place (issue 13)', () => {
  for (const def of Object.values(PROCEDURES)) {
    it(`${def.kind}: every state node, regions of parallel states too, has a Chinese label (state meta label)`, () => {
      const unlabelled = stateNodes(def)
        .map((n) => n.path.join('.'))
        .filter((p) => !HAN.test(stateLabel(def, p) ?? ''));
      expect(unlabelled).toEqual([]);
    });

    it(`${def.kind}: every event, and every event of a transition, has a Chinese label`, () => {
      const types = new Set([...Object.keys(def.events), ...machineGraph(def).transitions.map((t) => t.event)]);
      expect([...types].filter((t) => !HAN.test(eventLabel(def, t) ?? ''))).toEqual([]);
      expect(machineGraph(def).transitions.filter((t) => t.event !== 'always' && (!HAN.test(t.label) || CODE.test(t.label)))).toEqual([]);
    });

    it(`${def.kind}: every subject its notify uses has a text in SUBJECTS, without a code`, () => {
      const subjects = new Set(notifyParams(def).map((n) => n.subject));
      expect(subjects.size).toBeGreaterThan(0);
      expect([...subjects].filter((s) => !SUBJECTS[s])).toEqual([]);
      expect([...subjects].filter((s) => CODE.test(SUBJECTS[s]!))).toEqual([]);
    });
  }

  it('labels every audit kind; no subject text carries a code name', () => {
    expect(Object.values(AUDIT_KIND_LABELS).every((l) => HAN.test(l))).toBe(true);
    expect(Object.entries(SUBJECTS).filter(([, t]) => CODE.test(t))).toEqual([]);
  });

  it('shows instants in Beijing time, not UTC ISO strings', () => {
    expect(beijingTime('2025-09-26T16:30:00Z')).toBe('2025-09-27 00:30 北京时间');
    expect(beijingTime('2025-09-26T09:05:00+08:00')).toBe('2025-09-26 09:05 北京时间');
    expect(textInWords('报告期限：2025-09-26T01:00:00.000Z 届满（第1级，Regs 61 para 1; Regs 39）')).toBe(
      '报告期限：2025-09-26 09:00 北京时间 届满（第1级，《实施条例》第六十一条第一款、第三十九条）',
    );
    expect(subjectText('leak-reported')).toBe(SUBJECTS['leak-reported']);
  });

  it('puts the procedure view in words beside its machine-readable fields', () => {
    const def = PROCEDURES['objection']!;
    const view = {
      id: 'objection-1',
      kind: 'objection',
      label: def.label,
      basis: def.basis,
      state: 'awaitingClassifierDecision',
      stateLabel: '',
      activeStates: ['awaitingClassifierDecision'],
      closed: false,
      context: { route: { tier: 'provincial', basis: 'Regs 26 para 2(2)' }, inForce: { basis: 'Regs 26 para 1' } },
      deadlines: [{ basis: 'Regs 26 para 1' }],
      allowedEvents: [{ type: 'ESCALATE', label: '', by: [] }],
      audit: [
        {
          seq: 1,
          at: '2025-09-01T01:00:00Z',
          kind: 'event',
          actor: { id: 'x' },
          summary: 'ESCALATE：awaitingClassifierDecision → unanswered',
          basis: 'Regs 26 para 2',
          event: { type: 'ESCALATE', payload: {} },
          from: 'awaitingClassifierDecision',
          to: 'underAuthorityReview',
        },
        {
          seq: 2,
          at: '2025-09-01T01:00:00Z',
          kind: 'notification',
          actor: { id: 'x' },
          summary: '通知广东省国家保密局：objection-escalated',
          basis: 'Regs 26 para 2',
        },
      ],
      inbox: [
        {
          id: 'i',
          at: '2025-09-01T01:00:00Z',
          kind: 'notification',
          subject: 'objection-filed',
          recipients: [],
          deliveries: [],
          basis: 'Regs 26 para 1',
        },
      ],
      versions: {},
    } as unknown as ProcedureView;
    const words = viewInWords(def, view);
    expect(words).toMatchObject({
      basis: def.basis,
      basisText: '《实施条例》第二十六条',
      deadlines: [{ basis: 'Regs 26 para 1', basisText: '《实施条例》第二十六条第一款' }],
      allowedEvents: [{ type: 'ESCALATE', basisText: '《实施条例》第二十六条第二款' }],
    });
    expect(words.audit.map((a) => a.summaryText)).toEqual([
      `报保密行政管理部门确定：${stateLabel(def, 'awaitingClassifierDecision')} → ${stateLabel(def, 'underAuthorityReview')}`,
      `通知广东省国家保密局：${SUBJECTS['objection-escalated']}`,
    ]);
    expect(words.audit.map((a) => a.summaryText).filter((t) => CODE.test(t))).toEqual([]);
    expect(words.citations).toEqual({
      'Regs 26 para 2(2)': '《实施条例》第二十六条第二款第（二）项',
      'Regs 26 para 1': '《实施条例》第二十六条第一款',
    });
    expect(words.inbox[0]).toMatchObject({ subject: 'objection-filed', subjectText: SUBJECTS['objection-filed'], kindText: '通知' });
  });
});

/** An open leak procedure's view with the given audit trail and inbox. */
const leakView = (audit: unknown[], inbox: unknown[]) =>
  ({
    id: 'leak-1',
    kind: 'leak',
    label: PROCEDURES.leak.label,
    basis: PROCEDURES.leak.basis,
    state: 'open',
    stateLabel: '',
    activeStates: [],
    closed: false,
    context: {},
    deadlines: [],
    allowedEvents: [],
    audit,
    inbox,
    versions: {},
  }) as unknown as ProcedureView;

describe('the inbox names who acted, the timeline a parallel state by its regions’ labels (issue 13)', () => {
  const def = PROCEDURES.leak!;
  const zhang = { id: 'auth-440106', name: '广州市天河区国家保密局', person: { sub: 'u', name: '张某' }, roles: ['head'] };
  const view = leakView(
    [
      {
        seq: 1,
        at: '2025-09-30T02:00:00Z',
        kind: 'started',
        actor: { id: 'org-th-office', name: '广州市天河区某办' },
        by: '广州市天河区某办 马某（保密员）',
        summary: '泄密报告启动',
      },
      {
        seq: 2,
        at: '2025-09-30T03:00:00Z',
        kind: 'event',
        actor: zhang,
        by: '广州市天河区国家保密局 张某（负责人）',
        summary: '',
        event: { type: 'ORDER_STOP', payload: {} },
        from: 'open.toAuthority.pending + open.toSuperior.pending',
        to: 'open.toAuthority.reported + open.toSuperior.pending',
      },
      { seq: 3, at: '2025-09-30T03:00:00Z', kind: 'deadline-set', actor: { id: 'system' }, summary: '' },
    ],
    [
      { id: 'start:leak-reported:auth-440106', at: '', kind: 'notification', subject: 'leak-reported', recipients: [], deliveries: [] },
      {
        id: 'ORDER_STOP-3:leak-order-stop:org-th-office',
        at: '',
        kind: 'notification',
        subject: 'leak-order-stop',
        recipients: [],
        deliveries: [],
      },
      { id: 'k:reminder50%', at: '', kind: 'reminder', subject: '报告期限：已过期间的50%', recipients: [], deliveries: [] },
    ],
  );

  it('a notification names the person and the party whose start or event sent it; a reminder names nobody', () => {
    expect(viewInWords(def, view).inbox.map((i) => (i as { byText?: string }).byText)).toEqual([
      '广州市天河区某办 马某（保密员）',
      '广州市天河区国家保密局 张某（负责人）',
      undefined,
    ]);
  });

  it('an event in a parallel state is summarised by the labels of its regions’ states, not their ids', () => {
    const summary = viewInWords(def, view).audit[1]!.summaryText;
    expect(summary).toMatch(/^.+：.+ → .+$/);
    expect(summary).not.toMatch(/[A-Za-z]{2,}/);
  });
});

describe('failures of a channel in words (issue 13)', () => {
  it('the escalation of a channel down names the undelivered subject in words, and a failed delivery its reason', () => {
    expect(subjectText('通知渠道故障：leak-reported未能送达广东省国家保密局')).toBe(
      `通知渠道故障：「${SUBJECTS['leak-reported']}」未能送达广东省国家保密局`,
    );
    const def = PROCEDURES.leak!;
    const failed = (summary: string) =>
      viewInWords(def, leakView([{ seq: 1, at: '', kind: 'delivery-failed', actor: { id: 'system' }, summary }], [])).audit[0]!.summaryText;
    expect(failed('Webhook无法送达广东省国家保密局：webhook http://127.0.0.1:9/hook answered 500')).toBe(
      'Webhook无法送达广东省国家保密局：接收方答复 500',
    );
    expect(failed('电子邮件无法送达某局：no SMTP server configured (BM_SMTP_URL)')).toBe('电子邮件无法送达某局：未配置邮件服务器');
    expect(failed('电子邮件无法送达某局：Error: something else')).toBe('电子邮件无法送达某局：接收方未确认收到（技术原因见系统日志）');
  });
});
