import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import { objectionMachine, ObjectionStartSchema } from '../../machines/objection.js';
import { appraisalMachine, AppraisalStartSchema } from '../../machines/appraisal.js';
import { annualInspectionMachine } from '../../machines/annual-inspection.js';
import { annualInspectionParties, appraisalParties, objectionParties } from '../../domain/resolve-parties.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';

const actor = { id: 'x' };
const at = '2025-09-10T02:00:00.000Z';
const ev = (type: string, payload: Record<string, unknown> = {}, deadlines: Record<string, { dueAt: string }> = {}) => ({ type, actor, at, deadlines, ...payload });
const secret = { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' } };

/** Every resting state reached and every declared event taken somewhere along the generated paths. */
function expectFullCoverage(machine: AnyStateMachine, inputs: unknown[], events: unknown[], key?: (context: never) => unknown) {
  const { states, transitions } = coverage(machine, inputs, events, key);
  expect([...states].sort()).toEqual(restingLeaves(machine));
  const taken = new Set([...transitions].map((t) => t.split(':')[0]));
  const declared = new Set(declaredTransitions(machine).map((d) => d.split(': ')[1]));
  expect([...declared].filter((e) => !taken.has(e))).toEqual([]);
  return transitions;
}

describe('异议处理 machine (Regs 26)', () => {
  const input = (classifierId: string, level: string) => {
    const s = ObjectionStartSchema.parse({
      objectorId: 'org-gz-institute', classifierId, matterRef: 'M', title: 'T', grounds: 'G', filedOn: '2025-09-01',
      determined: { level, term: { kind: 'years', years: 5 }, scope: 'S' }, claim: { outcome: 'not-secret' },
    });
    return { ...s, ...objectionParties(reg, s), policy: DEFAULT_POLICY };
  };
  const events = [
    ev('CLASSIFIER_DECIDE', { determination: secret }), ev('ACCEPT'), ev('ESCALATE'), ev('AUTHORITY_DECIDE', { determination: secret }),
    ev('APPEAL'), ev('NATIONAL_DECIDE', { determination: secret }), ev('WITHDRAW'), ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
  ];

  it('reaches every state and takes every event, on the provincial and the national route', () => {
    const t = expectFullCoverage(objectionMachine, [input('org-gz-bureau', 'secret'), input('org-central-ministry', 'secret')], events);
    expect(t).toContain('AUTHORITY_DECIDE: underAuthorityReview -> provincialDecided');
    expect(t).toContain('AUTHORITY_DECIDE: underAuthorityReview -> decided');
  });

  it('routes by the determined level and the original classifier (Regs 26 para 2)', () => {
    for (const kind of ['central', 'provincial', 'municipal', 'county', 'other', 'enterprise'] as const) {
      const classifier = reg.data.organs.find((o) => o.kind === kind)!;
      for (const level of ['top-secret', 'secret', 'confidential'] as const) {
        const expected = level === 'top-secret' || kind === 'central' ? 'auth-000000' : `auth-${classifier.region.slice(0, 2)}0000`;
        expect(objectionParties(reg, { objectorId: 'org-gz-institute', classifierId: classifier.id, determined: { level } }).parties.authority!.id, `${kind} × ${level}`).toBe(expected);
      }
    }
  });
});

describe('国家秘密鉴定 machine (Regs 63)', () => {
  const input = (applicantId: string) => {
    const s = AppraisalStartSchema.parse({ applicantId, caseRef: 'C', appliedOn: '2025-09-01', items: [{ ref: 'A1', description: 'D' }] });
    return { ...s, ...appraisalParties(reg, s), policy: DEFAULT_POLICY };
  };
  const running = { conclusion: { dueAt: '2025-10-09T16:00:00.000Z' } };
  const events = [
    ev('REQUEST_AMENDMENT', { missing: 'M' }), ev('AMENDED'), ev('ACCEPT'), ev('REJECT', { reason: 'R' }), ev('OBJECT', { reason: 'R' }), ev('ACCEPT_REJECTION'),
    ev('REVIEW_ACCEPT'), ev('REVIEW_UPHOLD'), ev('EXTEND', { approver: 'A', reason: 'R' }, running), ev('START_CONSULTATION', { reason: 'R', expert: 'E' }),
    ev('EXTEND_CONSULTATION', { reason: 'R' }), ev('END_CONSULTATION'), ev('CONCLUDE', { conclusions: [{ ref: 'A1', outcome: 'not-secret' }] }), ev('WITHDRAW'),
  ];

  it('reaches every state and takes every event', () => {
    expectFullCoverage(appraisalMachine, [input('org-gz-procuratorate')], events);
  });

  it('routes a local applicant to its provincial authority, a central one to the national authority (Regs 63 para 1)', () => {
    for (const o of reg.data.organs) {
      expect(appraisalParties(reg, { applicantId: o.id }).parties.authority!.id, o.id).toBe(o.kind === 'central' ? 'auth-000000' : `auth-${o.region.slice(0, 2)}0000`);
    }
  });

  it('guard canExtend: once, and only before the deadline passes', () => {
    const [accepted] = transition(appraisalMachine, initialTransition(appraisalMachine, input('org-gz-procuratorate') as never)[0], ev('ACCEPT') as never);
    expect(accepted.can(ev('EXTEND', { approver: 'A', reason: 'R' }, running) as never)).toBe(true);
    expect(accepted.can({ ...ev('EXTEND', { approver: 'A', reason: 'R' }, running), at: '2025-10-09T16:00:01.000Z' } as never)).toBe(false);
    const [extended] = transition(appraisalMachine, accepted, ev('EXTEND', { approver: 'A', reason: 'R' }, running) as never);
    expect(extended.can(ev('EXTEND', { approver: 'A', reason: 'R' }, running) as never)).toBe(false);
  });
});

describe('保密资质年度自检 machine (Regs 48, 71)', () => {
  const input = { enterpriseId: 'ent-gz-tech', year: 2025, ...annualInspectionParties(reg, { enterpriseId: 'ent-gz-tech', year: 2025 }, DEFAULT_POLICY), policy: DEFAULT_POLICY };
  const events = [
    ev('SUBMIT_REPORT'), ev('ACCEPT'), ev('ORDER_RECTIFICATION', { dueDate: '2025-10-31', items: 'I' }), ev('RECTIFICATION_REPORTED', { summary: 'S' }),
    ev('RECTIFICATION_ACCEPTED'), ev('RECTIFICATION_FAILED', { findings: 'F' }), ev('SUSPEND_BUSINESS', { until: '2025-12-31', downgrade: false }), ev('DOWNGRADE'),
    ev('NEW_BUSINESS_DURING_SUSPENSION', { findings: 'F' }), ev('SUSPENSION_REVIEW_PASSED'), ev('SUSPENSION_REVIEW_FAILED', { findings: 'F' }), ev('REVOKE'),
    ev('DEADLINE_PASSED', { deadlineId: 'rectification' }), ev('DEADLINE_PASSED', { deadlineId: 'suspension-end' }),
  ];

  it('reaches every state and takes every event', () => {
    expectFullCoverage(annualInspectionMachine, [input], events);
  });

  it('the report is due on 31 March of the following year (local policy), from the authority that granted the licence', () => {
    expect(input.derived).toMatchObject({ reportFrom: '2025-12-31', reportDays: 90, dueDate: '2026-03-31' });
    expect(input.parties.authority!.id).toBe('auth-440000');
  });

  it('guard endsAfterToday: a rectification deadline in the past is refused', () => {
    const [s] = transition(annualInspectionMachine, initialTransition(annualInspectionMachine, input as never)[0], ev('SUBMIT_REPORT') as never);
    expect(s.can(ev('ORDER_RECTIFICATION', { dueDate: '2025-09-01', items: 'I' }) as never)).toBe(false);
    expect(s.can(ev('ORDER_RECTIFICATION', { dueDate: '2025-09-30', items: 'I' }) as never)).toBe(true);
  });
});
