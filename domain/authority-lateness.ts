/**
 * The secrecy authorities' own lateness (Regs 72; Law 61): a step an authority must take — a
 * relay (Regs 61 para 2), a determination (Regs 25 para 2), a decision or review on an objection
 * (Regs 26), an appraisal's conclusion (Regs 63) — taken after its deadline, judged by when it was
 * really taken (the deadline's `metAt`, the fact's instant), or still not taken once it passed.
 * Flagged like an organ's late report, each with the consequences the articles attach. Pure.
 */
import type { PartyRef } from './parties.js';

/** What a deadline record says of itself (procedure-view.ts DeadlineRecord). */
interface Step {
  key: string;
  label: string;
  basis?: string;
  responsible: PartyRef;
  policy: boolean;
  obligation: boolean;
  status: string;
  dueAt: string;
  metAt?: string;
  dueFired: boolean;
}

export interface Consequence {
  basis: string;
  /** The basis in the statute's words (domain/citation.ts). */
  basisText?: string;
  consequence: string;
}

export interface AuthorityLate {
  deadlineKey: string;
  label: string;
  basis?: string;
  authority: PartyRef;
  dueAt: string;
  /** When the step was really taken; absent while it still has not been. */
  takenAt?: string;
  /** The period is local policy (本地策略), not the statute's. */
  policy: boolean;
  consequences: Consequence[];
  /** That the lateness may be 未依法履行职责 is a reading (本地策略): the competent organ decides. */
  reading: string;
}

/** Every step of an authority taken late, lapsed, or passed while it runs; `consequences` gives each its articles' words. */
export function authorityLateness(
  deadlines: readonly Step[],
  words: { consequences: readonly Consequence[]; reading: string },
): AuthorityLate[] {
  return deadlines.flatMap((d) => {
    if (!d.obligation || d.responsible.type !== 'authority') return [];
    const late = d.status === 'met_late' || d.status === 'lapsed' || ((d.status === 'running' || d.status === 'suspended') && d.dueFired);
    if (!late) return [];
    return [
      {
        deadlineKey: d.key,
        label: d.label,
        ...(d.basis ? { basis: d.basis } : {}),
        authority: d.responsible,
        dueAt: d.dueAt,
        ...(d.status === 'met_late' && d.metAt ? { takenAt: d.metAt } : {}),
        policy: d.policy,
        consequences: [...words.consequences],
        reading: words.reading,
      },
    ];
  });
}
