import { getSimplePaths } from 'xstate/graph';
import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import { unclearMatterMachine, unclearMatterEvents, UnclearMatterStartSchema, type UnclearMatterInput } from '../../machines/unclear-matter.js';
import { handledEvents, stateMetaOf } from '../../machines/procedure.js';
import { unclearMatterParties } from '../../domain/resolve-parties.js';
import { demoRegistry } from '../support/demo.js';

const at = '2025-10-09T02:00:00.000Z';
const actor = { id: 'x' };
const start = (organId: string, level: 'top-secret' | 'secret' | 'confidential', variant: 'unclear' | 'beyond-authority' = 'unclear'): UnclearMatterInput => {
  const s = UnclearMatterStartSchema.parse({
    organId, matterRef: 'M-1', title: '某事项', variant, draftedOn: '2025-09-26', protectiveMeasures: '先行保护',
    proposal: { level, term: { kind: 'years', years: 10 }, scope: '项目组' },
  });
  return { ...s, ...unclearMatterParties(demoRegistry, s) } as UnclearMatterInput;
};
const determination = { outcome: 'state-secret', classification: { level: 'secret', term: { kind: 'years', years: 5 }, scope: '项目组' } } as const;
const events = [
  { type: 'SUBMIT_REPORT', actor, at },
  { type: 'DETERMINE', determination, actor, at },
  { type: 'FILE_RECORD', actor, at },
  { type: 'REFER', actor, at },
  { type: 'SUPERIOR_DETERMINE', determination: { outcome: 'not-secret' }, actor, at },
] as never[];

const STATES = Object.keys(unclearMatterMachine.root.states);

describe('不明确事项报送 machine (pure)', () => {
  it('reaches every state and takes every transition over the generated paths', () => {
    const seenStates = new Set<string>();
    const seenTransitions = new Set<string>();
    // Both routes (provincial, national) and both variants, so every guard takes both sides.
    for (const input of [start('org-gz-bureau', 'secret'), start('org-gz-bureau', 'top-secret'), start('org-th-office', 'secret', 'beyond-authority')]) {
      const paths = getSimplePaths(unclearMatterMachine, { input, events });
      for (const path of paths) {
        seenStates.add(String(path.state.value));
        for (let i = 1; i < path.steps.length; i++) seenTransitions.add(`${String(path.steps[i - 1]!.state.value)} -${path.steps[i]!.event.type}-> ${String(path.steps[i]!.state.value)}`);
      }
    }
    // 'drafted' is transient (eventless): the machine passes through it at once.
    expect([...seenStates].sort()).toEqual(STATES.filter((s) => s !== 'drafted').sort());
    expect([...seenTransitions].sort()).toEqual([
      'awaitingFiling -FILE_RECORD-> closed',
      'awaitingReferral -REFER-> underSuperiorDetermination',
      'awaitingReport -SUBMIT_REPORT-> underDetermination',
      'underDetermination -DETERMINE-> awaitingFiling',
      'underDetermination -DETERMINE-> closed',
      'underSuperiorDetermination -SUPERIOR_DETERMINE-> closed',
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
      return transition(unclearMatterMachine, s1, events[1]!);
    };
    const [prov, provEffects] = decide(start('org-gz-bureau', 'confidential'));
    expect(prov.value).toBe('awaitingFiling');
    expect(provEffects.map((a) => [a.type, (a.params as { to: string }).to])).toContainEqual(['notify', 'organ']);
    expect(decide(start('org-central-ministry', 'confidential'))[0].value).toBe('closed');
  });

  it('records the receipt date from the event instant in Beijing time, which starts the authority’s clock', () => {
    const [s0] = initialTransition(unclearMatterMachine, start('org-gz-bureau', 'secret'));
    const [s1] = transition(unclearMatterMachine, s0, { type: 'SUBMIT_REPORT', actor, at: '2025-10-09T16:30:00.000Z' } as never);
    expect(s1.context.receivedOn).toBe('2025-10-10'); // 00:30 on 10-10 in Beijing
    expect(stateMetaOf(s1)?.deadline).toMatchObject({ from: 'receivedOn', n: 10, rule: 'working-days', basis: 'Regs 25 para 2' });
  });

  it('each state names who acts, and each deadline its rule, period and article', () => {
    for (const name of STATES) {
      const meta = unclearMatterMachine.root.states[name]!.meta as { label: string; responsible?: string; deadline?: { basis: string } };
      expect(meta.label, name).toBeTruthy();
      if (name !== 'closed') expect(meta.responsible, name).toBeTruthy();
      if (meta.deadline) expect(meta.deadline.basis).toMatch(/^(Regs|Law) \d+/);
    }
  });

  it('every event the machine handles has a schema and a sender', () => {
    const [s0] = initialTransition(unclearMatterMachine, start('org-gz-bureau', 'secret'));
    expect(handledEvents(s0)).toEqual(['SUBMIT_REPORT']);
    const handled = new Set(Object.values(unclearMatterMachine.root.states).flatMap((s) => s.ownEvents));
    expect([...handled].sort()).toEqual(Object.keys(unclearMatterEvents).sort());
  });

  it('refuses a term beyond the Law 20 ceiling for the level', () => {
    const r = UnclearMatterStartSchema.safeParse({ ...start('org-gz-bureau', 'confidential'), proposal: { level: 'confidential', term: { kind: 'years', years: 11 }, scope: 'x' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('Law 20');
  });
});
