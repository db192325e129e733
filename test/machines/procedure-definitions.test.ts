import { describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../machines/index.js';
import { PolicySchema } from '../../domain/policy.js';

/** Rules every procedure definition must follow, whatever its kind. */
describe.each(Object.values(PROCEDURES))('procedure $kind', (def) => {
  const states = Object.entries(def.machine.root.states);

  it('declares every delay it uses (an undeclared delay name fires at once)', () => {
    const declared = new Set(Object.keys(def.machine.implementations.delays ?? {}));
    for (const [name, node] of states) {
      for (const t of node.after) {
        const delay = String(t.eventType).match(/^xstate\.after\.(.+)\./)?.[1];
        expect(delay !== undefined && (declared.has(delay) || /^\d+$/.test(delay)), `${name}: delay ${t.eventType}`).toBe(true);
      }
    }
  });

  it('gives every deadline a period from the statute or a local-policy key that exists', () => {
    const policyKeys = Object.keys(PolicySchema.shape);
    for (const [, node] of states) {
      const d = node.meta?.deadline;
      if (!d) continue;
      if (typeof d.n === 'number') expect(d.n).toBeGreaterThan(0);
      else if ('policy' in d.n) expect(policyKeys).toContain(d.n.policy);
      else expect(d.n.context).toMatch(/^\w+$/);
      if (d.remindersDaysBefore) expect(policyKeys).toContain(d.remindersDaysBefore);
      if (d.policyKey) expect(policyKeys).toContain(d.policyKey);
    }
  });

  it('has a label for every event and names its senders', () => {
    for (const [type, spec] of Object.entries(def.events)) {
      expect(spec.label, type).toBeTruthy();
      // An event another procedure records (EventSpec.linkedFrom) has no party to send it, and names that procedure.
      if (spec.linkedFrom) expect(spec.by.length === 0 && spec.linkedFrom in PROCEDURES, type).toBe(true);
      else expect(spec.by.length, type).toBeGreaterThan(0);
    }
  });
});
