import { describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../workflows/shared-modules.js';
import * as deadlineTypes from '../../domain/deadline/types.js';
import { computeDeadline } from '../../domain/deadline/compute.js';
import { loadCalendar } from '../../activities/calendar-file.js';
import { calendarOf } from '../../workflows/calendars.js';
import { SCENARIOS } from '../faults/scenarios.js';

/** As the SDK freezes the modules it shares between workflows (reusable-vm.js deepFreeze). */
function deepFreeze(object: unknown, visited = new WeakSet<object>()): void {
  if (object == null || (typeof object !== 'object' && typeof object !== 'function') || visited.has(object)) return;
  visited.add(object);
  if (typeof object === 'object') {
    for (const name of [...Object.getOwnPropertyNames(object), ...Object.getOwnPropertySymbols(object)]) {
      try {
        deepFreeze((object as Record<PropertyKey, unknown>)[name], visited);
      } catch {
        // some objects cannot be frozen (typed arrays): as in the SDK
      }
    }
  }
  Object.freeze(object);
}

describe('the machines shared, frozen, by every workflow of a worker thread', () => {
  deepFreeze(PROCEDURES);
  deepFreeze(deadlineTypes);

  it('still validate start inputs and events, valid or not, without touching the frozen schemas', () => {
    for (const s of SCENARIOS) {
      const def = PROCEDURES[s.kind]!;
      expect(def.input.safeParse(s.input).success, s.kind).toBe(true);
      for (const step of s.steps)
        expect(def.events[step.type]!.schema.safeParse(step.payload ?? {}).success, `${s.kind} ${step.type}`).toBe(true);
    }
    const probes = [
      undefined,
      null,
      {},
      [],
      '',
      'x',
      0,
      true,
      { date: '2025-13-45' },
      { dueDate: 'tomorrow', items: '' },
      { determination: { outcome: 'state-secret' } },
    ];
    for (const def of Object.values(PROCEDURES)) {
      for (const probe of probes) {
        expect(() => def.input.safeParse(probe)).not.toThrow();
        for (const event of Object.values(def.events)) expect(() => event.schema.safeParse(probe)).not.toThrow();
      }
    }
  });

  it('still refuse a malformed date, with the field and the reason', () => {
    const r = PROCEDURES['unclear-matter']!.input.safeParse({ ...SCENARIOS[0]!.input, draftedOn: '2025-9-1' });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toContainEqual(expect.objectContaining({ path: ['draftedOn'], message: 'expected a date YYYY-MM-DD' }));
  });

  it('leave the deadline engine working in the workflow on the calendar a start recorded: a request parsed by its frozen schema, a refusal with its field', () => {
    const cal = calendarOf(loadCalendar().snapshot());
    const suspended = computeDeadline(cal, {
      rule: 'working-days',
      n: 10,
      from: '2025-09-26',
      suspensions: [{ from: '2025-09-29', to: '2025-10-09' }],
      extensions: [{ days: 2 }],
    });
    expect(suspended).toMatchObject({ provisional: false, suspensions: [{ from: '2025-09-29' }] });
    expect(() => computeDeadline(cal, { rule: 'working-days', n: 10, from: '2025-09-26', suspensions: [{ from: 'x', to: 'y' }] })).toThrow(
      expect.objectContaining({ name: 'DeadlineError', field: 'suspensions.0.from' }),
    );
    expect(calendarOf(loadCalendar().snapshot())).toBe(cal);
  });
});
