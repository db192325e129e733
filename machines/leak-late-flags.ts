/**
 * 泄密报告: the report obligations missed, each flagged with the consequences its articles attach
 * (Regs 67 para 1(8), 69(1), 71; Law 47, 59), judged by when the report was made.
 */
import { LEAK_CONSEQUENCES, MEASURES_CONSEQUENCES, PERSON_REPORT_CONSEQUENCE } from '../domain/labels.zh.js';
import { HOUR_MS } from '../domain/time.js';
import type { LeakInput, LeakStart } from './leak-start.js';
import type { EventEnvelope } from './procedure.js';

/** Who reported late: a network operator or an organ, and whether it holds a 保密资质. */
type Reporter = { variant: LeakStart['variant']; licensedEnterprise: boolean };

export interface Consequence {
  basis: string;
  consequence: string;
}

/** A report obligation missed: judged by when the report was made (event.at, the fact's instant). */
export interface LateFlag {
  obligation: string;
  deadlineId: string;
  dueAt?: string;
  /** When the report was made; absent while it still has not been. */
  reportedAt?: string;
  /** Every consequence the articles attach, each with its article. */
  consequences: Consequence[];
}

/**
 * A late report's consequences: Regs 67 para 1(8) for an organ or unit; for a network operator Law 59
 * (its Law 34 duty); for an enterprise holding a 保密资质, Regs 71 para 1 and para 3(3) as well.
 */
function lateConsequences(c: Reporter): Consequence[] {
  const own = c.variant === 'network-operator' ? ['Law 59'] : ['Regs 67 para 1(8)'];
  const bases = c.licensedEnterprise ? [...own, 'Regs 71 para 1', 'Regs 71 para 3(3)'] : own;
  return bases.map((basis) => ({ basis, consequence: LEAK_CONSEQUENCES[basis]! }));
}

/**
 * Remedial measures not taken 立即 (edition 4): Regs 67 para 1(8) (未及时采取补救措施); for a network
 * operator Regs 69(1); for an enterprise holding a 保密资质, Regs 71 para 1 and para 3(3) as well.
 */
export function measuresConsequences(c: Reporter): Consequence[] {
  const own = c.variant === 'network-operator' ? ['Regs 69(1)'] : ['Regs 67 para 1(8)'];
  const bases = c.licensedEnterprise ? [...own, 'Regs 71 para 1', 'Regs 71 para 3(3)'] : own;
  return bases.map((basis) => ({ basis, consequence: MEASURES_CONSEQUENCES[basis]! }));
}
export const MEASURES = { deadlineId: 'remedy', obligation: '未及时采取补救措施' } as const;

/**
 * Edition 4, at the start: the person's report to the organ later than the policy period (Law 47
 * 及时), and measures first taken later than the policy period for 立即 from the organ's knowledge
 * (Regs 61 para 1), each flagged as a late report is.
 */
export function startFlags(input: LeakInput, licensedEnterprise: boolean): LateFlag[] {
  const discovered = Date.parse(input.discoveredAt);
  const known = Date.parse(input.knownAt ?? input.discoveredAt);
  const flags: LateFlag[] = [];
  const personDue = discovered + input.policy.leakPersonReportHours * HOUR_MS;
  if (known > personDue)
    flags.push({
      obligation: '发现人及时报告机关、单位',
      deadlineId: 'person-report',
      dueAt: new Date(personDue).toISOString(),
      reportedAt: new Date(known).toISOString(),
      consequences: [{ ...PERSON_REPORT_CONSEQUENCE }],
    });
  const remedyDue = known + input.policy.leakRemedyHours * HOUR_MS;
  if (input.measuresTakenAt !== undefined && Date.parse(input.measuresTakenAt) > remedyDue)
    flags.push({
      ...MEASURES,
      dueAt: new Date(remedyDue).toISOString(),
      reportedAt: new Date(Date.parse(input.measuresTakenAt)).toISOString(),
      consequences: measuresConsequences({ variant: input.variant, licensedEnterprise }),
    });
  return flags;
}

export const flagFor = (
  c: Reporter,
  p: { deadlineId: string; obligation: string },
  dueAt: string | undefined,
  reportedAt?: string,
): LateFlag => ({
  obligation: p.obligation,
  deadlineId: p.deadlineId,
  ...(dueAt ? { dueAt } : {}),
  ...(reportedAt ? { reportedAt } : {}),
  consequences: lateConsequences(c),
});

/** Sets or withdraws the flag of one obligation, keeping its place. */
export const withFlag = (flags: LateFlag[], deadlineId: string, flag: LateFlag | undefined): LateFlag[] =>
  flags.some((f) => f.deadlineId === deadlineId)
    ? flags.flatMap((f) => (f.deadlineId !== deadlineId ? [f] : flag ? [flag] : []))
    : flag
      ? [...flags, flag]
      : flags;

export type LateParams = { deadlineId: string; obligation: string };
export const operatorReport = { deadlineId: 'report-receiver', obligation: '立即报告' } as const;
export const dueOf = (e: EventEnvelope, id: string) => e.deadlines[id]?.dueAt;
