import { levelRank, type Level } from './parties.js';
import { addMonthsDay, dayOf } from './time.js';

type Term = { kind: 'years'; years: number } | { kind: 'until'; date: string } | { kind: 'condition'; condition: string };
type Position = { outcome: 'state-secret'; classification: { level: Level; term: Term } } | { outcome: 'not-secret' };

export interface Interim {
  level: Level;
  term: Term;
  basis: string;
}

/**
 * Interim protection while an objection is open (Regs 26 para 3): the highest of all
 * claimed levels, and the longest claimed term. A term fixed by a condition has no end date,
 * so it counts as the longest. `since` dates the year-based terms.
 */
export function interimProtection(positions: Position[], since: string): Interim | undefined {
  const secrets = positions.flatMap((p) => (p.outcome === 'state-secret' ? [p.classification] : []));
  if (!secrets.length) return undefined;
  const level = secrets.map((c) => c.level).reduce((a, b) => (levelRank(b) > levelRank(a) ? b : a));
  const end = (t: Term) => (t.kind === 'condition' ? Infinity : t.kind === 'until' ? dayOf(t.date) : addMonthsDay(dayOf(since), 12 * t.years));
  const term = secrets.map((c) => c.term).reduce((a, b) => (end(b) > end(a) ? b : a));
  return { level, term, basis: 'Regs 26 para 3' };
}
