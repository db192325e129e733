import { jurisdictionPrefix, regionPrefixes } from '../domain/parties.js';
import type { PartyRef } from '../domain/parties.js';
import { ALL, partyKey, regionKey } from './board-index.js';

/**
 * Who may see a procedure: a party of it; an authority whose jurisdiction contains the
 * region of one of its parties; the national authority sees all.
 */
export function canSee(caller: PartyRef, parties: PartyRef[]): boolean {
  return canSeeByAttributes(
    caller,
    parties.map((p) => p.id),
    parties.flatMap((p) => regionPrefixes(p.region)),
  );
}

/** The visibility query clause that lists what a caller may see. */
export function scopeQuery(caller: PartyRef): string {
  if (caller.type === 'authority' && caller.tier === 'national') return '';
  const own = `BmParties = '${caller.id}'`;
  if (caller.type !== 'authority') return own;
  return `(${own} OR BmRegionScope = '${jurisdictionPrefix(caller.region)}')`;
}

/** canSee on search attributes alone: the parties' ids and their regions' jurisdiction prefixes. */
export function canSeeByAttributes(caller: PartyRef, parties: readonly string[], regionScope: readonly string[]): boolean {
  if (parties.includes(caller.id)) return true;
  if (caller.type !== 'authority') return false;
  return caller.tier === 'national' || regionScope.includes(jurisdictionPrefix(caller.region));
}

/** The board index's scope keys (board-index.ts) of what canSeeByAttributes lets the caller see. */
export function scopeKeys(caller: PartyRef): string[] {
  if (caller.type === 'authority' && caller.tier === 'national') return [ALL];
  if (caller.type !== 'authority') return [partyKey(caller.id)];
  return [regionKey(jurisdictionPrefix(caller.region)), partyKey(caller.id)];
}
