import { coverage, declaredTransitions, restingLeaves } from '../support/paths.js';
import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  unclearMatterMachine,
  unclearMatterEvents,
  unclearMatterProcedure,
  UnclearMatterStartSchema,
  type UnclearMatterInput,
} from '../../machines/unclear-matter.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import {
  activeDeadlines,
  activePaths,
  eventBasisIn,
  handledEvents,
  stateMetaOf,
  type ProcedureSnapshot,
} from '../../machines/procedure.js';
import { unclearMatterParties } from '../../domain/resolve-parties.js';
import { demoRegistry } from '../support/demo.js';

const at = '2025-10-09T02:00:00.000Z';
const actor = { id: 'x' };
const start = (
  organId: string,
  level: 'top-secret' | 'secret' | 'confidential',
  variant: 'unclear' | 'beyond-authority' = 'unclear',
  edition = 2,
): UnclearMatterInput => {
  const s = UnclearMatterStartSchema.parse({
    organId,
    matterRef: 'M-1',
    title: '某事项',
    variant,
    draftedOn: '2025-09-26',
    protectiveMeasures: '先行保护',
    proposal: { level, term: { kind: 'years', years: 10 }, scope: '项目组' },
  });
  return { ...s, ...unclearMatterParties(demoRegistry, s), edition } as UnclearMatterInput;
};
const determination = {
  outcome: 'state-secret',
  classification: { level: 'secret', term: { kind: 'years', years: 5 }, scope: '项目组' },
} as const;
const events = [
  { type: 'SUBMIT_REPORT', actor, at },
  { type: 'DETERMINE', determination, actor, at },
  { type: 'FILE_RECORD', actor, at },
  { type: 'REFER', actor, at },
  { type: 'SUPERIOR_DETERMINE', determination: { outcome: 'not-secret' }, actor, at },
  { type: 'NOTIFY_HOLDERS', actor, at },
] as never[];
/** The proposal as it was: a determination that changes nothing. */
const confirmed = {
  outcome: 'state-secret',
  classification: { level: 'secret', term: { kind: 'years', years: 10 }, scope: '项目组' },
} as const;
const run = (input: UnclearMatterInput, list: unknown[]) => {
  let [s, effects] = initialTransition(unclearMatterMachine, input);
  for (const e of list) [s, effects] = transition(unclearMatterMachine, s, e as never);
  return { s, effects: effects.map((a) => (a.params as { subject?: string } | undefined)?.subject) };
};
const leavesOf = (s: ProcedureSnapshot) => activePaths(s).sort();

// Resting top-level states: the parallel one is checked through its regions, the transient `applying` passes at once.
const STATES = Object.keys(unclearMatterMachine.root.states).filter(
  (s) => unclearMatterMachine.root.states[s]!.type !== 'parallel' && s !== 'applying',
);

describe('不明确事项报送 machine (pure)', () => {
  it('reaches every state and takes every transition, on both routes and variants', () => {
    const inputs = [
      start('org-gz-bureau', 'secret'),
      start('org-gz-bureau', 'top-secret'),
      start('org-central-ministry', 'secret'),
      start('org-th-office', 'secret', 'beyond-authority'),
    ];
    const { states, transitions } = coverage(unclearMatterMachine, inputs, [
      ...events,
      { type: 'DETERMINE', determination: confirmed, actor, at },
      { type: 'DETERMINE', determination: { outcome: 'not-secret' }, actor, at },
    ]);
    expect([...states].sort()).toEqual(restingLeaves(unclearMatterMachine));
    expect([...transitions].sort()).toEqual([
      'DETERMINE: underDetermination -> awaitingFiling',
      'DETERMINE: underDetermination -> changingMarkings',
      'DETERMINE: underDetermination -> closed',
      'DETERMINE: underDetermination -> filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.changingMarkings',
      'DETERMINE: underDetermination -> filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.removingMarkings',
      'DETERMINE: underDetermination -> removingMarkings',
      'FILE_RECORD: awaitingFiling -> closed',
      'FILE_RECORD: filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.changingMarkings -> filingAndMarkings.filing.filed+filingAndMarkings.markings.changingMarkings',
      'FILE_RECORD: filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.done -> closed',
      'FILE_RECORD: filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.removingMarkings -> filingAndMarkings.filing.filed+filingAndMarkings.markings.removingMarkings',
      'NOTIFY_HOLDERS: changingMarkings -> closed',
      'NOTIFY_HOLDERS: filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.changingMarkings -> filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.done',
      'NOTIFY_HOLDERS: filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.removingMarkings -> filingAndMarkings.filing.awaitingFiling+filingAndMarkings.markings.done',
      'NOTIFY_HOLDERS: filingAndMarkings.filing.filed+filingAndMarkings.markings.changingMarkings -> closed',
      'NOTIFY_HOLDERS: filingAndMarkings.filing.filed+filingAndMarkings.markings.removingMarkings -> closed',
      'NOTIFY_HOLDERS: removingMarkings -> closed',
      'REFER: awaitingReferral -> underSuperiorDetermination',
      'SUBMIT_REPORT: awaitingReport -> underDetermination',
      'SUPERIOR_DETERMINE: underSuperiorDetermination -> removingMarkings',
    ]);
  });

  it('guard beyondOwnAuthority: a matter within a superior’s 定密权限 is referred, others reported (Law 17 para 3; Regs 25)', () => {
    expect(initialTransition(unclearMatterMachine, start('org-th-office', 'secret', 'beyond-authority'))[0].value).toBe('awaitingReferral');
    expect(initialTransition(unclearMatterMachine, start('org-th-office', 'secret'))[0].value).toBe('awaitingReport');
  });

  it('guard decidedByProvincialAuthority: a provincial decision must be filed, a national one closes (Regs 25 para 2)', () => {
    const decide = (input: UnclearMatterInput) => {
      const [s0] = initialTransition(unclearMatterMachine, input);
      const [s1] = transition(unclearMatterMachine, s0, events[0]!);
      return transition(unclearMatterMachine, s1, { type: 'DETERMINE', determination: confirmed, actor, at } as never);
    };
    const [prov, provEffects] = decide(start('org-gz-bureau', 'secret'));
    expect(prov.value).toBe('awaitingFiling');
    expect(provEffects.map((a) => [a.type, (a.params as { to: string }).to])).toContainEqual(['notify', 'organ']);
    expect(decide(start('org-central-ministry', 'secret'))[0].value).toBe('closed');
  });

  it('records the receipt date from the event instant in Beijing time, which starts the authority’s clock', () => {
    const [s0] = initialTransition(unclearMatterMachine, start('org-gz-bureau', 'secret'));
    const [s1] = transition(unclearMatterMachine, s0, { type: 'SUBMIT_REPORT', actor, at: '2025-10-09T16:30:00.000Z' } as never);
    expect(s1.context.receivedOn).toBe('2025-10-10'); // 00:30 on 10-10 in Beijing
    expect(stateMetaOf(s1)?.deadline).toMatchObject({ from: 'receivedOn', n: 10, rule: 'working-days', basis: 'Regs 25 para 2' });
  });

  it('each state names who acts, and each deadline its rule, period and article', () => {
    for (const name of STATES) {
      const meta = unclearMatterMachine.root.states[name]!.meta!;
      expect(meta.label, name).toBeTruthy();
      if (name !== 'closed') expect(meta.responsible, name).toBeTruthy();
      if (meta.deadline) expect(meta.deadline.basis).toMatch(/^(Regs|Law) \d+/);
    }
  });

  it('every event the machine handles has a schema and a sender', () => {
    const [s0] = initialTransition(unclearMatterMachine, start('org-gz-bureau', 'secret'));
    expect(handledEvents(s0)).toEqual(['SUBMIT_REPORT']);
    const handled = new Set(
      declaredTransitions(unclearMatterMachine)
        .map((d) => d.split(': ')[1])
        .filter((e) => !e!.startsWith('xstate.')),
    );
    expect([...handled].sort()).toEqual(Object.keys(unclearMatterEvents).sort());
  });

  it('edition 4: the authority records when it received the report, and its 10 working days run from that day (Regs 25 para 2 接到报告后)', () => {
    const submitted = run(start('org-gz-bureau', 'secret', 'unclear', 4), [{ type: 'SUBMIT_REPORT', actor, at }]).s;
    const from = (s: ProcedureSnapshot) => deadlineRequests(s, DEFAULT_POLICY).find((r) => r.spec.id === 'determination')!.period.from;
    expect(from(submitted)).toBe('2025-10-09'); // until the receipt is recorded: the day of submission (本地策略)
    const received = transition(unclearMatterMachine, submitted, {
      type: 'RECEIVE_REPORT',
      actor,
      at: '2025-10-13T01:00:00.000Z',
    } as never)[0];
    expect(from(received)).toBe('2025-10-13');
    // Editions before keep the submission as the receipt.
    const before = run(start('org-gz-bureau', 'secret', 'unclear', 3), [{ type: 'SUBMIT_REPORT', actor, at }]).s;
    expect(before.can({ type: 'RECEIVE_REPORT', actor, at: '2025-10-13T01:00:00.000Z' } as never)).toBe(false);
  });

  describe("the term ceiling, counted from the term's start (Law 20 para 2; Regs 19 para 2)", () => {
    const drafted = (proposal: Record<string, unknown>) =>
      UnclearMatterStartSchema.parse({
        organId: 'org-gz-bureau',
        matterRef: 'M-1',
        title: '某事项',
        draftedOn: '2025-09-26',
        protectiveMeasures: '先行保护',
        proposal: { scope: 'x', ...proposal },
      });
    const errorsOf = (proposal: Record<string, unknown>) => unclearMatterProcedure.checkStart!(drafted(proposal)).errors;

    it('refuses a year term beyond the ceiling for the level, quoting 除另有规定外', () => {
      const [e] = errorsOf({ level: 'confidential', term: { kind: 'years', years: 11 } });
      expect(e).toMatchObject({ field: 'proposal.term' });
      expect(e!.message).toContain('除另有规定外 (Law 20 para 2)');
      expect(e!.messageZh).toContain('除另有规定外，秘密级不超过10年');
    });

    it('refuses an end date beyond the ceiling from the 拟定日期 (秘密 until 2080, drafted 2025), and one beyond it from the stated 制发日', () => {
      expect(errorsOf({ level: 'confidential', term: { kind: 'until', date: '2080-12-31' } })).toMatchObject([
        { field: 'proposal.term', message: expect.stringContaining('(2025-09-26: until 2035-09-26)') },
      ]);
      // The last day the ceiling allows is still within it; the day after is not.
      expect(errorsOf({ level: 'confidential', term: { kind: 'until', date: '2035-09-26' } })).toEqual([]);
      expect(errorsOf({ level: 'confidential', term: { kind: 'until', date: '2035-09-27' } })).toHaveLength(1);
      expect(errorsOf({ level: 'confidential', since: '2024-01-10', term: { kind: 'until', date: '2034-06-30' } })).toHaveLength(1);
      expect(errorsOf({ level: 'top-secret', term: { kind: 'until', date: '2055-09-26' } })).toEqual([]);
    });

    it('accepts a longer term with the other provision stated, and keeps it as a note for the audit trail', () => {
      const r = unclearMatterProcedure.checkStart!(
        drafted({ level: 'confidential', term: { kind: 'until', date: '2080-12-31' }, otherProvision: '某专门规定第五条' }),
      );
      expect(r.errors).toEqual([]);
      expect(r.notes).toEqual([expect.stringContaining('依另有规定：某专门规定第五条')]);
    });

    it("checks a determination from the proposal's start: 秘密 until 2090 refused; a condition needs its latest date within the ceiling (本地策略)", () => {
      const determine = unclearMatterEvents.DETERMINE.check;
      const context = {
        proposal: drafted({ level: 'confidential', term: { kind: 'years', years: 10 } }).proposal,
        draftedOn: '2025-09-26',
      };
      const d = (term: unknown) =>
        unclearMatterEvents.DETERMINE.schema.parse({
          determination: { outcome: 'state-secret', classification: { level: 'confidential', term, scope: 'x' } },
        });
      expect(determine(d({ kind: 'until', date: '2090-01-01' }), context).errors).toMatchObject([
        { field: 'determination.classification.term' },
      ]);
      // Law 20 para 2 binds a condition too: without its latest date it is refused, naming the field and the last day allowed.
      const unbounded = determine(d({ kind: 'condition', condition: '项目结束' }), context).errors;
      expect(unbounded).toMatchObject([{ field: 'determination.classification.term.latest' }]);
      expect(unbounded[0]!.messageZh).toContain('以解密条件确定保密期限的，也受保密期限上限约束');
      expect(unbounded[0]!.messageZh).toContain('请填写「最迟解密时间」（解密条件届时仍未成就的，届时解密；不晚于 2035-09-26；本地策略）');
      expect(determine(d({ kind: 'condition', condition: '项目结束', latest: '2035-09-26' }), context).errors).toEqual([]);
      expect(determine(d({ kind: 'condition', condition: '项目结束', latest: '2035-09-27' }), context).errors).toMatchObject([
        { field: 'determination.classification.term', messageZh: expect.stringContaining('除另有规定外') },
      ]);
      // 除另有规定外: the other provision stated, the unbounded condition is recorded with a note.
      const other = {
        outcome: 'state-secret',
        classification: {
          level: 'confidential',
          term: { kind: 'condition', condition: '项目结束' },
          scope: 'x',
          otherProvision: '某专门规定',
        },
      };
      expect(determine(unclearMatterEvents.DETERMINE.schema.parse({ determination: other }), context)).toEqual({
        errors: [],
        notes: [expect.stringContaining('解密条件未写明最迟解密时间')],
      });
    });
  });

  describe('telling the holders after the determination (Law 23 para 2; Law 22 para 3; Regs 21 para 1)', () => {
    const report = { type: 'SUBMIT_REPORT', actor, at };
    const determine = (d: unknown, when = at) => ({ type: 'DETERMINE', determination: d, actor, at: when });
    const notify = { type: 'NOTIFY_HOLDERS', noticeRef: '通知1号', actor, at: '2025-10-13T17:00:00.000Z' };

    it('a determination that changes the proposal has the organ notify the holders in writing and change the markings within the policy period (Law 23 para 2; Regs 21 para 1)', () => {
      const { s, effects } = run(start('org-gz-bureau', 'top-secret'), [report, determine(determination)]);
      expect(s.value).toBe('changingMarkings');
      expect(effects).toEqual(['determined', 'markings-change-due']);
      expect(stateMetaOf(s)).toMatchObject({ responsible: 'organ', basis: 'Law 23 para 2; Regs 21 para 1' });
      expect(activeDeadlines(s).map((d) => d.spec)).toEqual([
        expect.objectContaining({
          id: 'markings',
          n: { policy: 'markingsWorkingDays' },
          from: 'decidedOn',
          responsible: 'organ',
          rule: 'working-days',
        }),
      ]);
      const done = run(start('org-gz-bureau', 'top-secret'), [report, determine(determination), notify]).s;
      expect(done.value).toBe('closed');
      expect(done.context.holdersNotifiedOn).toBe('2025-10-14'); // the Beijing date of the instant
    });

    it('a determination that it is not a state secret has the markings removed: 解除国家秘密标志 (Law 22 para 3)', () => {
      const { s, effects } = run(start('org-gz-bureau', 'top-secret'), [report, determine({ outcome: 'not-secret' })]);
      expect(s.value).toBe('removingMarkings');
      expect(effects).toEqual(['determined', 'markings-removal-due']);
      expect(stateMetaOf(s)).toMatchObject({ label: expect.stringContaining('解除国家秘密标志'), basis: 'Law 22 para 3' });
    });

    it('telling the holders records Law 23 para 2 and Regs 21 para 1 after a change, Law 22 para 3 with the notice as local policy after a finding of no secret, also beside the filing', () => {
      const basisAfter = (level: 'top-secret' | 'secret', d: unknown) =>
        eventBasisIn(run(start('org-gz-bureau', level), [report, determine(d)]).s, 'NOTIFY_HOLDERS', unclearMatterEvents.NOTIFY_HOLDERS);
      expect(basisAfter('top-secret', determination)).toBe('Law 23 para 2; Regs 21 para 1');
      expect(basisAfter('top-secret', { outcome: 'not-secret' })).toBe('Law 22 para 3; 本地策略');
      expect(basisAfter('secret', { outcome: 'not-secret' })).toBe('Law 22 para 3; 本地策略'); // filingAndMarkings.markings.removingMarkings
    });

    it('a provincial determination that changes the proposal is filed while the holders are told, each with its own deadline (Regs 25 para 2; Law 23 para 2)', () => {
      const { s } = run(start('org-gz-bureau', 'secret'), [report, determine(determination)]);
      expect(leavesOf(s)).toEqual(['filingAndMarkings.filing.awaitingFiling', 'filingAndMarkings.markings.changingMarkings']);
      expect(activeDeadlines(s).map((d) => [d.spec.id, d.spec.responsible])).toEqual([
        ['filing', 'authority'],
        ['markings', 'organ'],
      ]);
      const after = run(start('org-gz-bureau', 'secret'), [report, determine(determination), notify, { type: 'FILE_RECORD', actor, at }]).s;
      expect(after.value).toBe('closed');
    });

    it('the superior’s determination in the beyond-authority variant is applied the same way (Law 17 para 3; Law 22 para 3)', () => {
      const { s } = run(start('org-th-office', 'secret', 'beyond-authority'), [
        { type: 'REFER', actor, at },
        { type: 'SUPERIOR_DETERMINE', determination: { outcome: 'not-secret' }, actor, at },
      ]);
      expect(s.value).toBe('removingMarkings');
      expect(activeDeadlines(s)[0]!.spec.responsible).toBe('organ');
    });

    it('a determination as proposed closes (or is filed) at once; edition 1 closes or files as it did, without the step', () => {
      expect(
        run(start('org-gz-bureau', 'top-secret'), [
          report,
          determine({ ...confirmed, classification: { ...confirmed.classification, level: 'top-secret' } }),
        ]).s.value,
      ).toBe('closed');
      expect(run(start('org-gz-bureau', 'top-secret', 'unclear', 1), [report, determine(determination)]).s.value).toBe('closed');
      expect(run(start('org-gz-bureau', 'secret', 'unclear', 1), [report, determine({ outcome: 'not-secret' })]).s.value).toBe(
        'awaitingFiling',
      );
      expect(
        run(start('org-th-office', 'secret', 'beyond-authority', 1), [
          { type: 'REFER', actor, at },
          { type: 'SUPERIOR_DETERMINE', determination: { outcome: 'not-secret' }, actor, at },
        ]).s.value,
      ).toBe('closed');
    });
  });

  it('the beyond-authority variant shows its own route: the superior organ, or with none the secrecy authority (Law 17 para 3; Regs 17 para 2)', () => {
    expect(start('org-th-office', 'secret', 'beyond-authority').route).toMatchObject({
      tier: 'superior',
      basis: 'Law 17 para 3; Regs 17 para 2',
      reason: expect.stringContaining('报请上级机关、单位确定'),
    });
    const none = start('org-bj-chaoyang', 'secret', 'beyond-authority');
    expect(none.route).toMatchObject({
      tier: 'provincial',
      basis: 'Law 17 para 3; Regs 17 para 2',
      reason: expect.stringContaining('没有上级机关、单位的'),
    });
    expect(none.parties.superior!.id).toBe('auth-110000');
    expect(start('org-th-office', 'secret').route).toMatchObject({ tier: 'provincial', basis: 'Regs 25 para 1' });
  });

  it('marks the events that record a fact, and dates them by the event instant', () => {
    expect(Object.entries(unclearMatterEvents).filter(([, e]) => !e.fact)).toEqual([]);
    const { s } = run(start('org-gz-bureau', 'secret'), [
      { type: 'SUBMIT_REPORT', actor, at },
      { type: 'DETERMINE', determination, actor, at: '2025-10-15T16:10:00.000Z' },
    ]);
    expect(s.context.decidedOn).toBe('2025-10-16');
  });
});
