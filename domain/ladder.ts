import type { PartyRef } from './parties.js';
import type { Registry } from './registry/registry.js';
import type { Contact } from './registry/schema.js';
import { authorityRef, organRef } from './registry/registry.js';

export interface EscalationTarget {
  party: PartyRef;
  contact: Contact;
  role: 'secrecy-officer' | 'superior-organ' | 'same-level-authority' | 'higher-authority' | 'named-authority';
}

/**
 * The escalation ladder (SPEC §1, local policy): an organ's overdue step goes first to
 * its own secrecy officer, then to its superior organ and its same-level authority; an
 * authority's overdue step goes one tier up per rung, up to the national authority.
 * A step for which a statute names the authority (`named`, e.g. Regs 48 para 3: the one that
 * granted the licence) goes to that authority, which holds the power to act on it (Regs 71);
 * the ladder ends there and reminders go on.
 */
export function escalationTargets(reg: Registry, responsible: PartyRef, rung: number, named?: PartyRef): EscalationTarget[] {
  if (named) return rung <= 1 ? [{ party: named, contact: reg.contactOf(named.id), role: 'named-authority' }] : [];
  if (responsible.type === 'organ') {
    const organ = reg.organ(responsible.id);
    if (rung <= 1) return [{ party: organRef(organ), contact: organ.secrecyOfficer, role: 'secrecy-officer' }];
    if (rung > 2) return []; // the ladder ends here; reminders go on
    const out: EscalationTarget[] = [];
    const superior = reg.superiorOf(organ);
    if (superior) out.push({ party: organRef(superior), contact: superior.secrecyOfficer, role: 'superior-organ' });
    const same = reg.sameLevelAuthority(organ);
    out.push({ party: authorityRef(same), contact: same.contact, role: 'same-level-authority' });
    return out;
  }
  let a = reg.authority(responsible.id);
  for (let i = 0; i < rung; i++) {
    const up = reg.nextTierUp(a);
    if (!up) return []; // past the national authority the ladder ends; reminders go on
    a = up;
  }
  return [{ party: authorityRef(a), contact: a.contact, role: 'higher-authority' }];
}

/**
 * A party's whole ladder, rung 1 first, up to its last rung with a target: what
 * `escalationTargets` gives at each rung without a named authority (a rung past the end has none).
 * Recorded with the start, so that an alarm's escalation needs no registry lookup (issue 14).
 */
export function escalationLadder(reg: Registry, responsible: PartyRef): EscalationTarget[][] {
  const ladder: EscalationTarget[][] = [];
  for (let rung = 1; ; rung++) {
    const targets = escalationTargets(reg, responsible, rung);
    if (!targets.length) return ladder;
    ladder.push(targets);
  }
}
