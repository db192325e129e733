import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { SA } from '../workflows/search-attributes.js';

/** The two attributes scope is decided on (scope.ts canSeeByAttributes). */
export interface Scope {
  parties: readonly string[];
  regionScope: readonly string[];
}

export const scopeOfAttributes = (sa: TypedSearchAttributes): Scope => ({
  parties: sa.get(SA.parties) ?? [],
  regionScope: sa.get(SA.regionScope) ?? [],
});

export function scopeOfPairs(pairs: readonly SearchAttributePair[]): Scope {
  const value = (name: string) => (pairs.find((p) => p.key.name === name)?.value as string[] | undefined) ?? [];
  return { parties: value(SA.parties.name), regionScope: value(SA.regionScope.name) };
}

/**
 * Each procedure's scope as this API last read it: from its start, a describe, or the board's read
 * model (the fallback lookup). An event whose sender this finds in scope goes straight to the
 * workflow, without a describe first (issue 14: the describe was a third of an event's round trip).
 *
 * Only for events: parties can change (an objection rerouted), so what is held may be stale, and
 * the workflow's own check of the sender against the parties (event-checks.ts) stays the authority
 * on who may send what. A caller this does not find in scope is always checked by a describe, so
 * an outsider still gets 404 without reaching the worker. At most `max` procedures are held,
 * the least recently stored dropped first.
 */
export class ScopeCache {
  private readonly held = new Map<string, Scope>();

  constructor(
    private readonly fallback: (id: string) => Scope | undefined = () => undefined,
    private readonly max = 50_000,
  ) {}

  get(id: string): Scope | undefined {
    return this.held.get(id) ?? this.fallback(id);
  }

  set(id: string, scope: Scope): void {
    this.held.delete(id);
    this.held.set(id, scope);
    if (this.held.size > this.max) this.held.delete(this.held.keys().next().value!);
  }

  get size(): number {
    return this.held.size;
  }
}
