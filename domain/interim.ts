import { levelRank, type Level } from './parties.js';
import { addMonthsDay, dateOf, dayOf } from './time.js';

type Term = { kind: 'years'; years: number } | { kind: 'until'; date: string } | { kind: 'condition'; condition: string };
type Position = { outcome: 'state-secret'; classification: { level: Level; term: Term; since?: string } } | { outcome: 'not-secret' };

export interface Interim {
  level: Level;
  term: Term;
  /** The day a year term runs from (Regs 19 para 2: 自标明的制发日起计算). */
  since?: string;
  /** The last day of protection; none for a term fixed by a condition. */
  endsOn?: string;
  basis: string;
}

/**
 * Interim protection while a decision on an objection is pending (Regs 26 para 3): the highest
 * of all claimed levels, and (local policy) the longest claimed term, compared as end dates. A
 * year term runs from its own start where the position states one, else from `termStart` (the
 * determined classification's start); a term fixed by a condition has no end, so it is longest.
 */
export function interimProtection(positions: Position[], termStart: string): Interim | undefined {
  const secrets = positions.flatMap((p) => (p.outcome === 'state-secret' ? [p.classification] : []));
  if (!secrets.length) return undefined;
  const level = secrets.map((c) => c.level).reduce((a, b) => (levelRank(b) > levelRank(a) ? b : a));
  const end = (c: { term: Term; since?: string }) =>
    c.term.kind === 'condition'
      ? Infinity
      : c.term.kind === 'until'
        ? dayOf(c.term.date)
        : addMonthsDay(dayOf(c.since ?? termStart), 12 * c.term.years);
  const longest = secrets.reduce((a, b) => (end(b) > end(a) ? b : a));
  const last = end(longest);
  return {
    level,
    term: longest.term,
    ...(longest.term.kind === 'years' ? { since: longest.since ?? termStart } : {}),
    ...(Number.isFinite(last) ? { endsOn: dateOf(last) } : {}),
    basis: 'Regs 26 para 3',
  };
}
