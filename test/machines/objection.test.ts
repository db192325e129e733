import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import {
  objectionEvents,
  objectionMachine,
  objectionProcedure,
  ObjectionStartSchema,
  type ObjectionContext,
} from '../../machines/objection.js';
import { activeDeadlines, eventBasisIn, stateMetaOf } from '../../machines/procedure.js';
import { objectionParties } from '../../domain/resolve-parties.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { SUBJECTS } from '../../domain/labels.zh.js';
import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { demoRegistry as reg } from '../support/demo.js';

const at = '2025-09-10T02:00:00.000Z';
const objector = { id: 'org-gz-institute' };
const classifier = { id: 'org-gz-bureau' };
const ev = (type: string, payload: Record<string, unknown> = {}, actor: { id: string } = { id: 'x' }, when = at) => ({
  type,
  actor,
  at: when,
  deadlines: {},
  ...payload,
});
const cls = (level: string, term: object = { kind: 'years', years: 5 }, scope = 'S', since?: string) => ({
  level,
  term,
  scope,
  ...(since ? { since } : {}),
});
const secretOf = (level: string, term?: object, scope?: string) => ({ outcome: 'state-secret', classification: cls(level, term, scope) });
const decide = (type: string, level: string | 'not-secret', actor?: { id: string }, when?: string) =>
  ev(type, { determination: level === 'not-secret' ? { outcome: 'not-secret' } : secretOf(level) }, actor, when);

const raw = (over: Record<string, unknown> = {}) => ({
  objectorId: 'org-gz-institute',
  classifierId: 'org-gz-bureau',
  matterRef: 'M',
  title: 'T',
  grounds: 'G',
  filedOn: '2025-09-01',
  determined: cls('secret'),
  claim: { outcome: 'not-secret' },
  ...over,
});
const input = (over: Record<string, unknown> = {}, edition = 2) => {
  const s = ObjectionStartSchema.parse(raw(over));
  return { ...s, ...objectionParties(reg, s), policy: DEFAULT_POLICY, edition };
};
/** The snapshot after the events, and the effects of the last one. */
function run(inp: ReturnType<typeof input>, events: Array<ReturnType<typeof ev>>) {
  let [s, effects] = initialTransition(objectionMachine, inp);
  for (const e of events) [s, effects] = transition(objectionMachine, s, e as never);
  return {
    s,
    ctx: s.context as ObjectionContext,
    effects: (effects as Array<{ type: string; params?: { to?: string; subject?: string } }>).map(({ type, params }) => ({ type, params })),
  };
}
const deadlineIds = (s: AnyMachineSnapshot) => activeDeadlines(s).map((d) => d.spec.id);

describe('异议处理 machine (Regs 26)', () => {
  const allEvents = [
    decide('CLASSIFIER_DECIDE', 'secret'),
    decide('CLASSIFIER_DECIDE', 'confidential'),
    ev('ACCEPT'),
    ev('ESCALATE'),
    decide('AUTHORITY_DECIDE', 'secret'),
    decide('AUTHORITY_DECIDE', 'not-secret'),
    ev('APPEAL'),
    decide('NATIONAL_DECIDE', 'secret'),
    decide('NATIONAL_DECIDE', 'confidential'),
    ev('NOTIFY_HOLDERS'),
    ev('WITHDRAW'),
    ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
  ];

  it('reaches every state and takes every event, on the provincial and the national route', () => {
    const { states, transitions } = coverage(
      objectionMachine,
      [input(), input({ classifierId: 'org-central-ministry' })],
      allEvents,
      (c: ObjectionContext) => JSON.stringify([c.positions, c.final?.determination]),
    );
    expect([...states].sort()).toEqual(restingLeaves(objectionMachine));
    const taken = new Set([...transitions].map((t) => t.split(':')[0]));
    expect(
      declaredTransitions(objectionMachine)
        .map((d) => d.split(': ')[1])
        .filter((e) => !taken.has(e)),
    ).toEqual([]);
    expect(transitions).toContain('AUTHORITY_DECIDE: underAuthorityReview -> provincialDecided');
    expect(transitions).toContain('AUTHORITY_DECIDE: underAuthorityReview -> decided');
    expect(transitions).toContain('AUTHORITY_DECIDE: underAuthorityReview -> removingMarkings');
    expect(transitions).toContain('NATIONAL_DECIDE: underNationalReview -> changingMarkings');
  });

  it('resolves at start the route of the originally determined level and both authorities it may go to (Regs 26 para 2)', () => {
    for (const kind of ['central', 'provincial', 'municipal', 'county', 'other', 'enterprise'] as const) {
      const c = reg.data.organs.find((o) => o.kind === kind)!;
      for (const level of ['top-secret', 'secret', 'confidential'] as const) {
        const expected = level === 'top-secret' || kind === 'central' ? 'auth-000000' : `auth-${c.region.slice(0, 2)}0000`;
        const r = objectionParties(reg, {
          objectorId: c.id === 'org-gz-institute' ? 'org-gz-bureau' : 'org-gz-institute',
          classifierId: c.id,
          determined: { level },
        });
        expect(r.parties.authority!.id, `${kind} × ${level}`).toBe(expected);
        expect(r.parties.national!.id).toBe('auth-000000');
        expect(r.parties.provincial?.id, kind).toBe(kind === 'central' ? undefined : `auth-${c.region.slice(0, 2)}0000`);
      }
    }
  });

  describe('the route by the matter as it now stands (Regs 26 para 2)', () => {
    it('an escalation after the classifier raised the level goes to the national authority (Regs 26 para 2(1))', () => {
      const { ctx, effects } = run(input({ determined: cls('secret') }), [
        decide('CLASSIFIER_DECIDE', 'top-secret', classifier),
        ev('ESCALATE', {}, objector),
      ]);
      expect(ctx.route).toMatchObject({ tier: 'national', basis: 'Regs 26 para 2(1)' });
      expect(ctx.route.reason).toContain('原定密机关、单位决定变更为绝密级');
      expect(ctx.parties.authority!.id).toBe('auth-000000');
      expect(effects).toContainEqual({
        type: 'notify',
        params: { to: 'authority', subject: 'objection-escalated', basis: 'Regs 26 para 2' },
      });
    });

    it('an escalation after a non-central classifier lowered top-secret to secret goes to its provincial authority (Regs 26 para 2(2))', () => {
      const start = input({ determined: cls('top-secret') });
      expect(start.parties.authority!.id).toBe('auth-000000');
      const { s, ctx } = run(start, [decide('CLASSIFIER_DECIDE', 'secret', classifier), ev('ESCALATE', {}, objector)]);
      expect(ctx.route).toMatchObject({ tier: 'provincial', basis: 'Regs 26 para 2(2)' });
      expect(ctx.parties.authority!.id).toBe('auth-440000');
      // The provincial authority decides, and its decision can be taken further.
      expect(
        run(start, [decide('CLASSIFIER_DECIDE', 'secret', classifier), ev('ESCALATE', {}, objector), decide('AUTHORITY_DECIDE', 'secret')])
          .s.value,
      ).toBe('provincialDecided');
      expect(stateMetaOf(s)?.responsible).toBe('authority');
    });

    it('a matter of a central classifier goes to the national authority whatever the level (Regs 26 para 2(1))', () => {
      const { ctx } = run(input({ classifierId: 'org-central-ministry', determined: cls('top-secret') }), [
        decide('CLASSIFIER_DECIDE', 'confidential', { id: 'org-central-ministry' }),
        ev('ESCALATE', {}, objector),
      ]);
      expect(ctx.route).toMatchObject({ tier: 'national', basis: 'Regs 26 para 2(1)' });
      expect(ctx.parties.authority!.id).toBe('auth-000000');
    });

    it('unanswered, or a decision that leaves no level (not a state secret), escalates by the originally determined level (Regs 26 para 2)', () => {
      const unanswered = run(input({ determined: cls('top-secret') }), [
        ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
        ev('ESCALATE', {}, objector),
      ]);
      expect(unanswered.ctx.parties.authority!.id).toBe('auth-000000');
      const notSecret = run(input({ determined: cls('top-secret'), claim: secretOf('secret') }), [
        decide('CLASSIFIER_DECIDE', 'not-secret', classifier),
        ev('ESCALATE', {}, objector),
      ]);
      expect(notSecret.ctx.route).toMatchObject({ tier: 'national', reason: expect.stringContaining('确定为绝密级') });
    });

    it('edition 1 keeps the route fixed at start, as its recorded histories ran', () => {
      const { ctx } = run(input({ determined: cls('secret') }, 1), [
        decide('CLASSIFIER_DECIDE', 'top-secret', classifier),
        ev('ESCALATE', {}, objector),
      ]);
      expect(ctx.parties.authority!.id).toBe('auth-440000');
    });
  });

  describe('interim protection (Regs 26 para 3; Regs 19 para 2)', () => {
    it('year terms run from the determined classification’s start and are compared as end dates (Regs 19 para 2; longest term: local policy)', () => {
      // Counted from the filing date, the determined 10 years would end in 2035 and win; from its start (2018-03-01) it ends 2028-03-01.
      const { ctx } = run(
        input({
          determined: cls('confidential', { kind: 'years', years: 10 }, 'S', '2018-03-01'),
          claim: { outcome: 'state-secret', classification: cls('secret', { kind: 'until', date: '2029-01-01' }) },
        }),
        [],
      );
      expect(ctx.interim).toEqual({
        level: 'secret',
        term: { kind: 'until', date: '2029-01-01' },
        endsOn: '2029-01-01',
        basis: 'Regs 26 para 3',
      });
    });

    it('a claim naming years runs from the determined start unless it states its own (Regs 19 para 2)', () => {
      const determined = cls('secret', { kind: 'years', years: 5 }, 'S', '2024-01-01');
      const fromDetermined = run(
        input({ determined, claim: { outcome: 'state-secret', classification: cls('secret', { kind: 'years', years: 8 }) } }),
        [],
      );
      expect(fromDetermined.ctx.interim).toMatchObject({ term: { kind: 'years', years: 8 }, since: '2024-01-01', endsOn: '2032-01-01' });
      const ownStart = run(
        input({
          determined,
          claim: { outcome: 'state-secret', classification: cls('secret', { kind: 'years', years: 8 }, 'S', '2025-06-01') },
        }),
        [],
      );
      expect(ownStart.ctx.interim).toMatchObject({ since: '2025-06-01', endsOn: '2033-06-01' });
    });

    it('an input without the start date (from before it was asked for) counts from the filing date', () => {
      expect(ObjectionStartSchema.safeParse(raw()).success).toBe(true);
      const { ctx } = run(input({ determined: cls('secret', { kind: 'years', years: 5 }) }), []);
      expect(ctx.termStart).toBe('2025-09-01');
      expect(ctx.interim).toMatchObject({ since: '2025-09-01', endsOn: '2030-09-01' });
    });

    it('ends with each decision, which applies until a further escalation, and protects again while the next decision is pending (Regs 26 para 3)', () => {
      const start = input({ determined: cls('confidential'), claim: secretOf('secret') });
      const steps = [
        decide('CLASSIFIER_DECIDE', 'confidential', classifier),
        ev('ESCALATE', {}, objector),
        decide('AUTHORITY_DECIDE', 'confidential'),
        ev('APPEAL', {}, objector),
        decide('NATIONAL_DECIDE', 'secret'),
      ];
      const after = (n: number) => run(start, steps.slice(0, n)).ctx;
      expect(after(0)).toMatchObject({ interim: { level: 'secret' } });
      expect(after(0).inForce).toBeUndefined();
      expect(after(1).interim).toBeUndefined();
      expect(after(1).inForce).toMatchObject({
        by: 'classifier',
        on: '2025-09-10',
        determination: { classification: { level: 'confidential' } },
      });
      expect(after(2)).toMatchObject({ interim: { level: 'secret' } });
      expect(after(2).inForce).toBeUndefined();
      expect(after(3).interim).toBeUndefined();
      expect(after(3).inForce).toMatchObject({ by: 'authority', basis: 'Regs 26 para 2(2)' });
      expect(after(4)).toMatchObject({ interim: { level: 'secret' } });
      expect(after(5).interim).toBeUndefined();
      expect(after(5).final).toMatchObject({ by: 'national', basis: 'Regs 26 para 2(2)' });
      expect(after(5).inForce).toEqual(after(5).final);
    });
  });

  describe('the later stages (Regs 26 para 2)', () => {
    const path = [
      decide('CLASSIFIER_DECIDE', 'secret', classifier, '2025-09-05T02:00:00Z'),
      ev('ESCALATE', {}, objector, '2025-09-08T02:00:00Z'),
      decide('AUTHORITY_DECIDE', 'confidential', { id: 'auth-440000' }, '2025-09-09T02:00:00Z'),
      ev('APPEAL', {}, objector, '2025-09-10T02:00:00Z'),
    ];
    it('the objector’s choice, the authority’s review and the national review have policy deadlines (本地策略) from the day of the step (Regs 26 para 2)', () => {
      const expected = [
        {
          state: 'classifierDecided',
          id: 'objector-choice',
          policy: 'objectionChoiceWorkingDays',
          from: ['classifierDecidedOn', '2025-09-05'],
          responsible: 'objector',
        },
        {
          state: 'underAuthorityReview',
          id: 'authority-review',
          policy: 'objectionReviewWorkingDays',
          from: ['escalatedOn', '2025-09-08'],
          responsible: 'authority',
        },
        {
          state: 'provincialDecided',
          id: 'appeal-choice',
          policy: 'objectionChoiceWorkingDays',
          from: ['provincialDecidedOn', '2025-09-09'],
          responsible: 'objector',
        },
        {
          state: 'underNationalReview',
          id: 'national-review',
          policy: 'objectionReviewWorkingDays',
          from: ['appealedOn', '2025-09-10'],
          responsible: 'national',
        },
      ];
      expected.forEach((x, i) => {
        const { s, ctx } = run(input({ determined: cls('confidential') }), path.slice(0, i + 1));
        expect(s.value).toBe(x.state);
        const [d] = activeDeadlines(s);
        expect(d!.spec).toMatchObject({
          id: x.id,
          n: { policy: x.policy },
          from: x.from[0],
          responsible: x.responsible,
          rule: 'working-days',
        });
        expect(d!.spec.label).toContain('本地策略');
        expect(d!.spec.basis).toMatch(/^Regs 26 para 2/);
        expect((ctx as unknown as Record<string, string>)[x.from[0]!]).toBe(x.from[1]);
      });
    });

    it('edition 1 declares none of them, so its recorded histories replay', () => {
      for (let i = 1; i <= path.length; i++)
        expect(deadlineIds(run(input({ determined: cls('confidential') }, 1), path.slice(0, i)).s)).toEqual([]);
    });

    it('edition 4: only the objector appeals a provincial decision, para 2’s subject (机关、单位…仍有异议的); its acceptance makes the decision final (Regs 26 para 2(2))', () => {
      const decided = run(input({ determined: cls('confidential') }, 4), path.slice(0, 3)).s;
      expect(decided.value).toBe('provincialDecided');
      expect(decided.can(ev('APPEAL', {}, classifier) as never)).toBe(false);
      expect(transition(objectionMachine, decided, ev('APPEAL', {}, objector) as never)[0].value).toBe('underNationalReview');
      const accepted = run(input({ determined: cls('confidential') }, 4), [...path.slice(0, 3), ev('ACCEPT', {}, objector)]);
      expect(accepted.ctx.final).toMatchObject({ by: 'authority', basis: 'Regs 26 para 2(2)' });
    });

    it('editions 2–3: the original classifier may also take a provincial decision to the national authority (Regs 26 para 2(2))', () => {
      expect(objectionEvents.APPEAL.by).toEqual(['objector', 'classifier']);
      const { s, ctx, effects } = run(input({ determined: cls('confidential') }), [...path.slice(0, 3), ev('APPEAL', {}, classifier)]);
      expect(s.value).toBe('underNationalReview');
      expect(ctx.appealedBy).toBe('classifier');
      expect(effects).toContainEqual({
        type: 'notify',
        params: { to: 'national', subject: 'objection-appealed', basis: 'Regs 26 para 2(2)' },
      });
    });

    it('the objector’s acceptance does not shut out the classifier’s appeal; the provincial decision is final when the appeal window passes unused (Regs 26 para 2(2))', () => {
      const accepted = [...path.slice(0, 3), ev('ACCEPT', {}, objector, '2025-10-20T02:00:00.000Z')];
      let r = run(input({ determined: cls('confidential') }), accepted);
      expect(r.s.value).toBe('provincialDecided');
      expect(r.ctx.acceptedOn).toBe('2025-10-20');
      // The objector waived its appeal; the classifier keeps its own.
      expect(r.s.can(ev('APPEAL', {}, objector) as never)).toBe(false);
      expect(run(input({ determined: cls('confidential') }), [...accepted, ev('APPEAL', {}, classifier)]).s.value).toBe(
        'underNationalReview',
      );
      r = run(input({ determined: cls('confidential') }), [
        ...accepted,
        ev('DEADLINE_PASSED', { deadlineId: 'appeal-choice' }, { id: 'system' }, '2025-11-01T16:00:00.000Z'),
      ]);
      expect(r.ctx.final).toMatchObject({ by: 'authority', basis: 'Regs 26 para 2(2)' });
      expect(r.effects.map((e) => e.params?.subject)).toContain('provincial-decision-final');
      // Edition 1 closed on the objector's acceptance, as its histories ran.
      expect(run(input({ determined: cls('confidential') }, 1), accepted).ctx.final).toMatchObject({ by: 'authority' });
    });

    it('the objector who never chooses: when its window passes the classifier’s decision stands and closes through the holders’ step (Regs 26 para 1; Law 23 para 2)', () => {
      const r = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'secret', classifier, '2025-09-10T02:00:00.000Z'),
        ev('DEADLINE_PASSED', { deadlineId: 'objector-choice' }, { id: 'system' }, '2025-09-24T16:00:00.000Z'),
      ]);
      expect(r.s.value).toBe('changingMarkings');
      expect(r.ctx.final).toMatchObject({ by: 'classifier', on: '2025-09-10' });
      expect(r.effects.map((e) => e.params?.subject)).toEqual(['classifier-decision-final', 'objection-final', 'markings-change-due']);
    });
  });

  describe('telling the holders (Law 23 para 2; Law 22 para 3; Regs 21 para 1)', () => {
    it('the markings period runs from the decision that changed the classification, not from the acceptance that ends the objection (Law 23 para 2: 及时)', () => {
      const { ctx } = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'secret', classifier, '2025-09-10T02:00:00.000Z'),
        ev('ACCEPT', {}, objector, '2025-09-20T02:00:00.000Z'),
      ]);
      expect(ctx).toMatchObject({ changedOn: '2025-09-10', finalOn: '2025-09-20', final: { by: 'classifier', on: '2025-09-10' } });
    });

    it('a classifier change stands when the objector withdraws: the holders are told before the procedure closes as withdrawn (Law 23 para 2; Regs 21 para 1)', () => {
      const { s, ctx, effects } = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'secret', classifier, '2025-09-10T02:00:00.000Z'),
        ev('WITHDRAW', {}, objector, '2025-09-15T02:00:00.000Z'),
      ]);
      expect(s.value).toBe('changingMarkings');
      expect(ctx).toMatchObject({
        withdrawnOn: '2025-09-15',
        changedOn: '2025-09-10',
        inForce: { by: 'classifier', on: '2025-09-10', determination: { classification: { level: 'secret' } } },
      });
      expect(effects.map((e) => e.params?.subject)).toEqual(['markings-change-due']);
      const done = transition(objectionMachine, s, ev('NOTIFY_HOLDERS', {}, classifier) as never)[0];
      expect(done.value).toBe('withdrawn');
      // Nothing changed: withdrawn at once.
      expect(run(input({ determined: cls('confidential') }), [ev('WITHDRAW', {}, objector)]).s.value).toBe('withdrawn');
    });

    it('withdrawn under review, the decision made before it applies again and is shown: the classifier’s, else the original (Regs 26 para 3)', () => {
      const escalated = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'confidential', classifier, '2025-09-10T02:00:00.000Z'),
        ev('ESCALATE', {}, objector),
        ev('WITHDRAW', {}, objector),
      ]);
      expect(escalated.s.value).toBe('withdrawn');
      expect(escalated.ctx.interim).toBeUndefined();
      expect(escalated.ctx.inForce).toMatchObject({
        by: 'classifier',
        on: '2025-09-10',
        basis: 'Regs 26 para 1',
        determination: { classification: { level: 'confidential' } },
      });
      const original = run(input({ determined: cls('confidential') }), [
        ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
        ev('ESCALATE', {}, objector),
        ev('WITHDRAW', {}, objector),
      ]);
      expect(original.ctx.inForce).toMatchObject({
        by: 'classifier',
        on: '2025-09-01',
        basis: '原定密机关、单位确定',
        determination: { classification: { level: 'confidential' } },
      });
      const provincial = [
        decide('CLASSIFIER_DECIDE', 'secret', classifier),
        ev('ESCALATE', {}, objector),
        decide('AUTHORITY_DECIDE', 'confidential', { id: 'auth-440000' }),
      ];
      const appealed = run(input({ determined: cls('confidential') }), [
        ...provincial,
        ev('APPEAL', {}, objector),
        ev('WITHDRAW', {}, objector),
      ]);
      expect(appealed.ctx.inForce).toMatchObject({ by: 'authority', basis: 'Regs 26 para 2(2)' });
    });

    it('the written notice on removal is a reading (本地策略): Law 22 para 3 has no notice duty (Law 22 para 3; Law 23 para 2)', () => {
      const meta = objectionMachine.root.states.removingMarkings!.meta!;
      expect(meta.label).toContain('书面通知知悉范围：本地策略');
      expect(meta.deadline).toMatchObject({ basis: 'Law 22 para 3', label: expect.stringContaining('书面通知知悉范围：本地策略') });
      expect(SUBJECTS['markings-removal-due']).toContain('（本地策略）');
    });

    it('a final decision that changes the level, term or scope has the original classifier notify the holders and change the markings before closing (Law 23 para 2; Regs 21 para 1)', () => {
      const { s, effects } = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'secret', classifier),
        ev('ACCEPT', {}, objector),
      ]);
      expect(s.value).toBe('changingMarkings');
      expect(stateMetaOf(s)).toMatchObject({ responsible: 'classifier', basis: 'Law 23 para 2; Regs 21 para 1' });
      expect(activeDeadlines(s)[0]!.spec).toMatchObject({
        id: 'markings',
        n: { policy: 'markingsWorkingDays' },
        from: 'changedOn',
        responsible: 'classifier',
      });
      expect(effects.map((e) => e.params?.subject)).toEqual(['objection-final', 'markings-change-due']);
      const done = transition(
        objectionMachine,
        s,
        ev('NOTIFY_HOLDERS', { noticeRef: '穗保〔2025〕1号' }, classifier, '2025-09-12T17:00:00Z') as never,
      )[0];
      expect(done.status).toBe('done');
      expect(done.context.holdersNotifiedOn).toBe('2025-09-13'); // Beijing date of the instant
    });

    it('a final decision that it is not a state secret has the markings removed: 解除国家秘密标志 (Law 22 para 3)', () => {
      const { s } = run(input({ determined: cls('top-secret') }), [
        ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
        ev('ESCALATE', {}, objector),
        decide('AUTHORITY_DECIDE', 'not-secret'),
      ]);
      expect(s.value).toBe('removingMarkings');
      expect(stateMetaOf(s)).toMatchObject({ label: expect.stringContaining('解除国家秘密标志'), basis: 'Law 22 para 3' });
    });

    it('telling the holders records its own rule: a change rests on Law 23 para 2 and Regs 21 para 1, a removal on Law 22 para 3 with the notice as local policy (Law 23 para 2 covers only 密级、保密期限和知悉范围变更)', () => {
      const basisNow = (s: AnyMachineSnapshot) => eventBasisIn(s as never, 'NOTIFY_HOLDERS', objectionEvents.NOTIFY_HOLDERS);
      const changed = run(input({ determined: cls('confidential') }), [
        decide('CLASSIFIER_DECIDE', 'secret', classifier),
        ev('ACCEPT', {}, objector),
      ]);
      expect(changed.s.value).toBe('changingMarkings');
      expect(basisNow(changed.s)).toBe('Law 23 para 2; Regs 21 para 1');
      const removed = run(input({ determined: cls('top-secret') }), [
        ev('DEADLINE_PASSED', { deadlineId: 'classifier-window' }),
        ev('ESCALATE', {}, objector),
        decide('AUTHORITY_DECIDE', 'not-secret'),
      ]);
      expect(removed.s.value).toBe('removingMarkings');
      expect(basisNow(removed.s)).toBe('Law 22 para 3; 本地策略');
      expect(basisNow(removed.s)).not.toContain('Law 23');
    });

    it('a decision that confirms the classification closes at once; edition 1 closes without the step', () => {
      expect(
        run(input({ determined: cls('secret') }), [decide('CLASSIFIER_DECIDE', 'secret', classifier), ev('ACCEPT', {}, objector)]).s.value,
      ).toBe('decided');
      expect(
        run(input({ determined: cls('confidential') }, 1), [decide('CLASSIFIER_DECIDE', 'secret', classifier), ev('ACCEPT', {}, objector)])
          .s.value,
      ).toBe('decided');
    });
  });

  it('a classifier decision made within the window but entered after it passed clears 未予处理 (Regs 26 para 1, 2)', () => {
    const dueAt = '2025-09-29T16:00:00.000Z';
    const lapsed = ev(
      'DEADLINE_PASSED',
      { deadlineId: 'classifier-window', deadlines: { 'classifier-window': { dueAt } } },
      { id: 'system' },
      dueAt,
    );
    expect(run(input(), [lapsed]).ctx).toMatchObject({ unanswered: true, classifierWindowDueAt: dueAt });
    const timely = run(input(), [lapsed, decide('CLASSIFIER_DECIDE', 'confidential', classifier, '2025-09-29T08:00:00.000Z')]);
    expect(timely.s.value).toBe('classifierDecided');
    expect(timely.ctx.unanswered).toBe(false);
    // Decided after the window: it stays 未予处理.
    expect(run(input(), [lapsed, decide('CLASSIFIER_DECIDE', 'confidential', classifier, '2025-09-30T02:00:00.000Z')]).ctx.unanswered).toBe(
      true,
    );
  });

  it('objector and classifier must be different organs: an organ cannot object to its own classification (Regs 26 para 1)', () => {
    const r = ObjectionStartSchema.safeParse(raw({ classifierId: 'org-gz-institute' }));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ['classifierId'],
      message: expect.stringContaining('must be another organ than the objector "org-gz-institute"'),
    });
  });

  it("holds the claim, the determined term and every decision to the Law 20 para 2 ceiling from the term's start (Regs 19 para 2)", () => {
    const claim = { outcome: 'state-secret', classification: cls('confidential', { kind: 'until', date: '2075-12-31' }) };
    // Interim protection must not become 秘密 until 2075: the claim is refused, quoting 除另有规定外.
    const start = ObjectionStartSchema.parse(raw({ determined: cls('secret', undefined, undefined, '2025-03-01'), claim }));
    expect(objectionProcedure.checkStart!(start).errors).toMatchObject([
      { field: 'claim.classification.term', messageZh: expect.stringContaining('除另有规定外') },
    ]);
    // Without a stated start, the filing date stands in (as for year terms).
    const late = ObjectionStartSchema.parse(raw({ determined: cls('secret', { kind: 'until', date: '2045-09-02' }) }));
    expect(objectionProcedure.checkStart!(late).errors).toMatchObject([
      { field: 'determined.term', message: expect.stringContaining('(2025-09-01: until 2045-09-01)') },
    ]);
    const decision = (over: object = {}) =>
      objectionEvents.AUTHORITY_DECIDE.schema.parse({ determination: { ...claim, classification: { ...claim.classification, ...over } } });
    expect(objectionEvents.AUTHORITY_DECIDE.check(decision(), { termStart: '2025-03-01' }).errors).toHaveLength(1);
    expect(objectionEvents.NATIONAL_DECIDE.check(decision({ otherProvision: '某专门规定' }), { termStart: '2025-03-01' })).toMatchObject({
      errors: [],
      notes: [expect.stringContaining('依另有规定：某专门规定')],
    });
  });

  it('dates a decision by the event instant in Beijing time, so a fact’s occurredAt counts', () => {
    expect(run(input(), [decide('CLASSIFIER_DECIDE', 'secret', classifier, '2025-09-04T16:30:00Z')]).ctx.classifierDecidedOn).toBe(
      '2025-09-05',
    );
  });

  it('marks the events that record a fact; cites only articles that contain the rule; says 原定密机关、单位 and claims no 终局', () => {
    expect(Object.entries(objectionEvents).filter(([, e]) => !e.fact)).toEqual([]);
    expect('basis' in objectionEvents.ACCEPT || 'basis' in objectionEvents.WITHDRAW).toBe(false);
    const texts = [
      ...Object.values(objectionEvents).map((e) => e.label),
      ...Object.values(objectionMachine.root.states).map((n) => n.meta?.label ?? ''),
      SUBJECTS['national-decided']!,
      SUBJECTS['classifier-decided']!,
    ];
    expect(texts.filter((t) => t.includes('终局'))).toEqual([]);
    expect(texts.filter((t) => /原定密机关(?!、单位)/.test(t))).toEqual([]);
  });
});
