import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { DEFAULT_POLICY } from '../../domain/policy.js';
import { leakParties } from '../../domain/resolve-parties.js';
import { leakProcedure } from '../../machines/leak.js';
import { LeakStartSchema } from '../../machines/leak-start.js';
import { CURRENT_EDITION, machineInput } from '../../machines/procedure.js';
import { RUN_LIMITS, appliedBefore, rememberApplied, updateHash } from '../../workflows/continue-as-new.js';
import { continuingRejection, eventRejection } from '../../workflows/events.js';
import { openRun, setSnapshot, view } from '../../workflows/state.js';
import type { DriverState } from '../../workflows/driver-state.js';
import { demoRegistry as reg } from '../support/demo.js';

const organ = { id: 'org-th-office', name: '天河区某办公室' };
const authority = { id: 'auth-440106' };
const start = LeakStartSchema.parse({
  organId: 'org-th-office',
  incidentRef: 'I',
  summary: 'S',
  discoveredAt: '2025-09-30T21:30:00+08:00',
  remedialMeasures: 'M',
}) as Record<string, unknown>;
const resolved = leakParties(reg, start as never);
const prepared = { ...resolved, policy: DEFAULT_POLICY, registryVersion: 'test', channels: ['webhook' as const] };
const at = '2025-09-30T15:00:00.000Z';
/** A run of the earliest histories: no technical patch taken at its start. */
const EARLIEST = { lean: false, localPass: false };

/** A state as a run of the driver leaves it: the machine moved by a few events, an audit trail, an inbox, a deadline. */
function stateAfterEvents(): { state: DriverState; snapshot: ReturnType<typeof initialTransition>[0] } {
  let [snapshot] = initialTransition(leakProcedure.machine, machineInput(start, prepared, CURRENT_EDITION));
  for (const [type, payload] of [
    ['REPORT_TO_AUTHORITY', {}],
    ['RECORD_MEASURES', { measures: '更换密码' }],
    ['RECORD_MEASURES', { measures: '封存设备' }],
  ] as const) {
    [snapshot] = transition(leakProcedure.machine, snapshot, { type, actor: organ, at, deadlines: {}, ...payload } as never);
  }
  const state: DriverState = {
    machine: leakProcedure.machine.getPersistedSnapshot(snapshot),
    starter: organ,
    prepared,
    edition: CURRENT_EDITION,
    deadlines: [],
    audit: [{ seq: 1, at, kind: 'started', actor: organ, summary: '泄密报告启动' }],
    inbox: [
      {
        id: 'start:leak-reported:auth-440106',
        at,
        kind: 'notification',
        subject: 'leak-reported',
        recipients: [],
        deliveries: [{ channel: 'webhook', to: 'auth-440106', status: 'pending' }],
      },
    ],
    calendarVersion: 'cn-2025',
    version: 7,
    deliveryFailures: 1,
    lastResponsible: organ as never,
    eventCounts: { REPORT_TO_AUTHORITY: 1, RECORD_MEASURES: 2 },
    applied: [],
    run: 1,
  };
  return { state, snapshot };
}

describe('the driver state is one plain value that continue-as-new carries (issue 12)', () => {
  it('round-trips through JSON: the restored run has the same machine state, context, allowed events and view', () => {
    const { state, snapshot } = stateAfterEvents();
    const before = openRun(leakProcedure, 'leak-1', state, RUN_LIMITS, EARLIEST, snapshot);
    const carried = JSON.parse(JSON.stringify(state)) as DriverState;
    expect(carried).toEqual(state);
    const after = openRun(leakProcedure, 'leak-1', carried, RUN_LIMITS, EARLIEST);
    expect(after.snapshot.value).toEqual(snapshot.value);
    expect(after.snapshot.context).toEqual(snapshot.context);
    expect(view(after)).toEqual(view(before));
    // The restored snapshot goes on as the original would: the same next transition.
    const next = { type: 'RECORD_MEASURES', measures: '加密传输', actor: organ, at, deadlines: {} } as never;
    const [a] = transition(leakProcedure.machine, before.snapshot, next);
    const [b] = transition(leakProcedure.machine, after.snapshot, next);
    expect(b.context).toEqual(a.context);
    setSnapshot(after, b);
    expect(after.s.machine).toEqual(leakProcedure.machine.getPersistedSnapshot(a));
    expect((after.s.machine as unknown as { context: { measures: unknown[] } }).context.measures).toHaveLength(4);
  });

  it('a repeatable event beyond its per-procedure cap is refused as limit-reached, naming the cap and the article; below the cap it is accepted (本地策略; Regs 61 para 1)', () => {
    const { state, snapshot } = stateAfterEvents();
    const run = openRun(leakProcedure, 'leak-1', state, RUN_LIMITS, EARLIEST, snapshot);
    const req = { type: 'RECORD_MEASURES', payload: { measures: '再次封存' }, actor: organ };
    expect(eventRejection(run, req, true)).toBeUndefined();
    run.s.eventCounts.RECORD_MEASURES = leakProcedure.events.RECORD_MEASURES!.max!;
    expect(eventRejection(run, req, true)).toMatchObject({
      code: 'limit-reached',
      message:
        'RECORD_MEASURES (记录补救措施) is recorded at most 500 times in one procedure (本地策略) and has been 500 times; nothing was recorded (Regs 61 para 1; Regs 39)',
    });
    // The authority's own steps have their own caps: one used up does not block another.
    expect(eventRejection(run, { type: 'ORDER_STOP', payload: { order: '停止' }, actor: authority }, true)).toBeUndefined();
  });

  it('every refusal has its words in Chinese for the pages beside the stable code and the English message: the state, the event, the parties by name, the article in the statute’s words (issue 13)', () => {
    const { state, snapshot } = stateAfterEvents();
    const run = openRun(leakProcedure, 'leak-1', state, RUN_LIMITS, EARLIEST, snapshot);
    const zh = (req: Parameters<typeof eventRejection>[1]) => {
      const r = eventRejection(run, req, true);
      return r && { code: r.code, messageZh: r.messageZh };
    };
    expect(zh({ type: 'DESTROY', actor: organ })).toEqual({
      code: 'unknown-event',
      messageZh: expect.stringMatching(/^泄密报告没有此项办理事项；本程序的办理事项为：「[^」]+」、/),
    });
    expect(zh({ type: 'REPORT_TO_RECEIVER', payload: {}, actor: organ })?.code).toBe('not-allowed-in-state');
    expect(zh({ type: 'REPORT_TO_RECEIVER', payload: {}, actor: organ })?.messageZh).toMatch(
      /^当前步骤「[^」]+」不能办理「[^」]+」；现在可以办理：「/,
    );
    expect(
      zh({ type: 'ORDER_STOP', payload: { order: '停止' }, actor: { ...organ, person: { sub: 'u', name: '李某' }, roles: ['head'] } }),
    ).toEqual({
      code: 'not-authorized',
      messageZh: `「${leakProcedure.events.ORDER_STOP!.label}」只能由${run.s.prepared.parties.authority!.name}办理，天河区某办公室 李某（负责人）不能办理。本次未作记录。`,
    });
    expect(zh({ type: 'ORDER_STOP', payload: {}, actor: authority })).toEqual({
      code: 'invalid-payload',
      messageZh: `「${leakProcedure.events.ORDER_STOP!.label}」的填写不符合要求（责令事项），请按各项说明更正。本次未作记录。`,
    });
    run.s.eventCounts.RECORD_MEASURES = 500;
    expect(zh({ type: 'RECORD_MEASURES', payload: { measures: '再次封存' }, actor: organ })).toEqual({
      code: 'limit-reached',
      messageZh:
        '「记录补救措施」在一个程序中最多记录 500 次（本地策略），已记录 500 次（《实施条例》第六十一条第一款、第三十九条）。本次未作记录。',
    });
    // Every Chinese refusal is free of codes: no event types, state ids, party ids or article codes.
    for (const req of [
      { type: 'REPORT_TO_RECEIVER', payload: {}, actor: organ },
      { type: 'ORDER_STOP', payload: {}, actor: organ },
      { type: 'RECORD_MEASURES', payload: { measures: 'x' }, actor: organ },
    ])
      expect(eventRejection(run, req, true)?.messageZh).not.toMatch(/[A-Z]{2,}_|[a-z]+[A-Z][a-zA-Z]+|Regs |Law |para|org-|auth-/);
    run.continuing = true;
    expect(continuingRejection(run)).toMatchObject({
      code: 'not-ready',
      messageZh: '程序正在转入新的运行记录，请稍后再次提交；本次未作记录。',
    });
  });

  it('every repeatable event has a cap: the leak’s measures and the authority’s steps, the annual 警告, the appraisal’s amendments and consultations', async () => {
    const { PROCEDURES } = await import('../../machines/index.js');
    const caps = Object.fromEntries(
      Object.values(PROCEDURES).flatMap((d) =>
        Object.entries(d.events)
          .filter(([, e]) => e.max)
          .map(([t, e]) => [`${d.kind} ${t}`, e.max]),
      ),
    );
    expect(caps).toMatchObject({
      'leak RECORD_MEASURES': 500,
      'leak ORDER_STOP': 50,
      'annual-inspection WARN': 50,
      'appraisal START_CONSULTATION': 50,
      'appraisal REQUEST_AMENDMENT': 20,
    });
  });

  it('applied Update ids are kept hashed, the latest RUN_LIMITS.appliedKept, and found again', () => {
    const { state, snapshot } = stateAfterEvents();
    const run = openRun(leakProcedure, 'leak-1', state, RUN_LIMITS, EARLIEST, snapshot);
    expect(updateHash('org-th-office:key-1')).toMatch(/^[0-9a-f]{16}$/);
    expect(updateHash('org-th-office:key-1')).not.toBe(updateHash('org-th-office:key-2'));
    for (let i = 0; i < RUN_LIMITS.appliedKept + 5; i++) rememberApplied(run, updateHash(`k-${i}`));
    expect(run.s.applied).toHaveLength(RUN_LIMITS.appliedKept);
    expect(appliedBefore(run, updateHash('k-0'))).toBeUndefined();
    expect(appliedBefore(run, updateHash(`k-${RUN_LIMITS.appliedKept + 4}`))).toEqual({
      id: updateHash(`k-${RUN_LIMITS.appliedKept + 4}`),
      seq: 0,
    });
    expect(JSON.stringify(run.s.applied)).not.toContain('k-');
  });
});
