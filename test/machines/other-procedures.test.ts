import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import { leakMachine, LeakStartSchema } from '../../machines/leak.js';
import { leakParties } from '../../domain/resolve-parties.js';
import { DEFAULT_POLICY, PolicySchema } from '../../domain/policy.js';
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

describe('泄密报告 machine (Regs 61)', () => {
  const input = (organId: string, policy = DEFAULT_POLICY) => {
    const s = LeakStartSchema.parse({ organId, incidentRef: 'I', summary: 'S', discoveredAt: '2025-09-30T21:30:00+08:00', remedialMeasures: 'M' });
    return { ...s, ...leakParties(reg, s), policy };
  };
  const events = [
    ev('REPORT_TO_AUTHORITY'), ev('REPORT_TO_SUPERIOR'), ev('RELAY'), ev('REPORT_RESULT', { result: 'R' }), ev('RECORD_MEASURES', { measures: 'M2' }),
    ev('DEADLINE_PASSED', { deadlineId: 'report-authority' }), ev('DEADLINE_PASSED', { deadlineId: 'report-superior' }),
  ];

  it('reaches every state and takes every event (organ with and without a superior, central organ)', () => {
    expectFullCoverage(leakMachine, [input('org-nj-bureau'), input('org-central-ministry')], events, (c: { relayIndex: number }) => c.relayIndex);
  });

  it('relays tier by tier from the same-level authority up to the national authority (Regs 61 para 2)', () => {
    const chain = (organId: string) => Object.entries(leakParties(reg, { organId }).parties).filter(([k]) => k.startsWith('relay')).map(([, p]) => p.id);
    expect(chain('org-th-office')).toEqual(['auth-440106', 'auth-440100', 'auth-440000', 'auth-000000']);
    expect(chain('org-gz-bureau')).toEqual(['auth-440100', 'auth-440000', 'auth-000000']);
    expect(chain('org-gd-dept')).toEqual(['auth-440000', 'auth-000000']);
    expect(chain('org-bj-chaoyang')).toEqual(['auth-110105', 'auth-110000', 'auth-000000']);
    expect(chain('org-central-ministry')).toEqual(['auth-000000']);
    expect(leakParties(reg, { organId: 'org-th-office' }).parties.superior!.id).toBe('org-gz-bureau');
    expect(leakParties(reg, { organId: 'org-bj-chaoyang' }).parties.superior).toBeUndefined();
  });

  it('guards: the relay ends at the national authority; the per-tier reading restarts the clock at each tier', () => {
    const perTier = input('org-gd-dept', PolicySchema.parse({ leakRelayReading: 'per-tier' }));
    const [s0] = transition(leakMachine, initialTransition(leakMachine, perTier as never)[0], ev('REPORT_TO_AUTHORITY') as never);
    expect(s0.context.relayClockFrom).toBe(at);
    const [s1] = transition(leakMachine, s0, { ...ev('RELAY'), at: '2025-10-01T00:00:00.000Z' } as never);
    expect(s1.context.relayClockFrom).toBe('2025-10-01T00:00:00.000Z');
    // Relayed to the national authority, the last tier: with nothing else pending, investigation starts.
    expect(s1.context.relayIndex).toBe(1);
    expect(s1.value).toBe('investigating');
  });
});
