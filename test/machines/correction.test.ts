import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { correctionEvents, correctionMachine, correctionProcedure, CorrectionStartSchema } from '../../machines/correction.js';
import { correctionParties } from '../../domain/resolve-parties.js';
import { NotEntitledError } from '../../domain/errors.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { CURRENT_EDITION, machineInput } from '../../machines/procedure.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';

const actor = { id: 'x' };
const at = '2025-10-09T02:00:00.000Z';
const ev = (type: string, payload: Record<string, unknown> = {}) => ({ type, actor, at, deadlines: {}, ...payload });
const corrected = {
  correction: { outcome: 'state-secret', classification: { level: 'confidential', term: { kind: 'years', years: 5 }, scope: '项目组' } },
};
const start = (notifierId: string, organId = 'org-th-office') => {
  const s = CorrectionStartSchema.parse({
    notifierId,
    organId,
    matterRef: 'M-1',
    title: '某事项',
    improper: 'determination',
    finding: '不应定为机密级',
    notifiedOn: '2025-10-08',
  });
  return machineInput(s, { ...correctionParties(reg, s), policy: DEFAULT_POLICY }, CURRENT_EDITION);
};
type Snap = SnapshotFrom<typeof correctionMachine>;
const send = (s: Snap, ...events: Array<ReturnType<typeof ev>>) =>
  events.reduce((acc, e) => transition(correctionMachine, acc, e as never)[0] as Snap, s);

describe('定密纠正 machine (Law 50; Regs 24)', () => {
  it('reaches every state and takes every transition: notified by a secrecy authority, by the superior organ, by the organ itself', () => {
    const { states, transitions } = coverage(
      correctionMachine,
      [start('auth-440106'), start('org-gz-bureau'), start('org-th-office')],
      [ev('CORRECT', corrected), ev('CORRECT_DIRECTLY', corrected), ev('NOTIFY_HOLDERS'), ev('REPORT_CORRECTION')],
    );
    expect([...states].sort()).toEqual(restingLeaves(correctionMachine));
    const taken = new Set([...transitions].map((t) => t.split(':')[0]));
    expect(
      declaredTransitions(correctionMachine)
        .map((d) => d.split(': ')[1])
        .filter((e) => !taken.has(e!)),
    ).toEqual([]);
  });

  it('the organ corrects 及时 (policy working days from the notice), tells the holders and changes the markings, and reports the correction to the notifier', () => {
    let s = initialTransition(correctionMachine, start('auth-440106') as never)[0] as Snap;
    expect(s.value).toBe('correcting');
    expect(deadlineRequests(s, DEFAULT_POLICY)[0]).toMatchObject({
      fromPolicy: true,
      spec: { id: 'correction', basis: 'Law 50; Regs 24', responsible: 'organ' },
      period: { rule: 'working-days', n: 10, from: '2025-10-08' },
    });
    s = send(s, ev('CORRECT', corrected));
    expect(s.value).toBe('notifyingHolders');
    expect(deadlineRequests(s, DEFAULT_POLICY)[0]).toMatchObject({ spec: { id: 'markings' }, period: { from: '2025-10-09' } });
    s = send(s, ev('NOTIFY_HOLDERS'));
    expect(deadlineRequests(s, DEFAULT_POLICY)[0]).toMatchObject({ spec: { id: 'report', basis: 'Law 50; Regs 24; 本地策略' } });
    const [done, effects] = transition(correctionMachine, s, ev('REPORT_CORRECTION') as never);
    expect(done.status).toBe('done');
    expect(effects.filter((a) => a.type === 'notify').map((a) => a.params)).toEqual([
      { to: 'notifier', subject: 'correction-reported', basis: 'Law 50; Regs 24' },
    ]);
  });

  it('only a superior organ corrects directly (Regs 24); a secrecy authority notifies (Law 50)', () => {
    const bySuperior = initialTransition(correctionMachine, start('org-gz-bureau') as never)[0] as Snap;
    expect(send(bySuperior, ev('CORRECT_DIRECTLY', corrected)).context).toMatchObject({
      correctedBy: 'notifier',
      correctedOn: '2025-10-09',
    });
    const byAuthority = initialTransition(correctionMachine, start('auth-440106') as never)[0] as Snap;
    expect(byAuthority.can(ev('CORRECT_DIRECTLY', corrected) as never)).toBe(false);
  });

  it('who may notify: a secrecy authority with jurisdiction over the organ, its superior organ, or the organ itself', () => {
    expect(correctionParties(reg, { notifierId: 'auth-000000', organId: 'org-th-office' }).parties.notifier!.id).toBe('auth-000000');
    expect(() => correctionParties(reg, { notifierId: 'auth-110000', organId: 'org-th-office' })).toThrow(NotEntitledError);
    expect(() => correctionParties(reg, { notifierId: 'org-gz-institute', organId: 'org-th-office' })).toThrow(NotEntitledError);
  });

  it('holds the corrected term to the Law 20 para 2 ceiling, and cites the articles', () => {
    const d = correctionEvents.CORRECT.schema.parse({
      correction: {
        outcome: 'state-secret',
        classification: { level: 'confidential', term: { kind: 'until', date: '2050-01-01' }, scope: 'x' },
      },
    });
    expect(correctionEvents.CORRECT.check(d, { notifiedOn: '2025-10-08' }).errors).toHaveLength(1);
    expect(correctionProcedure.basis).toBe('Law 50; Regs 24');
  });
});
