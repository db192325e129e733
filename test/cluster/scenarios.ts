/**
 * One procedure of each kind for the real cluster, where time cannot be skipped: each goes
 * through its path in real time within minutes. The deadlines that fall due do so because the
 * start facts lie in the past (already overdue at the start: the alarm fires at once), and the
 * leak's 24-hour deadlines (Law 53; Regs 60) are made to pass during the run, while the faults
 * strike, by dating the discovery 24 hours minus a little before the start.
 * Events are those of the fault scenarios (test/faults/scenarios.ts), in the same order.
 */
import { SCENARIOS as FAULT_SCENARIOS, type Scenario, type Step } from '../faults/scenarios.js';

/** Seconds after the start at which the leak's 24-hour deadlines pass. */
export const LEAK_DUE_S = 75;

export interface ClusterStep extends Step {
  /** Seconds after the start before which the event is not sent. */
  notBeforeS: number;
}

export interface ClusterScenario extends Omit<Scenario, 'steps'> {
  steps: ClusterStep[];
  /** Some deadline falls due before it is met (its alarm must fire). */
  fallsDue: boolean;
}

const dayOf = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10); // Beijing date
const DAY = 86_400_000;

function steps(kind: string, notBeforeS: (step: Step, n: number) => number, only?: string[]): ClusterStep[] {
  const s = FAULT_SCENARIOS.find((x) => x.kind === kind)!;
  return s.steps.filter((step) => !only || only.includes(step.type)).map((step, n) => ({ ...step, notBeforeS: notBeforeS(step, n) }));
}

/** The scenarios for a run starting at `t0` (epoch ms). */
export function clusterScenarios(t0: number): ClusterScenario[] {
  const base = (kind: string) => FAULT_SCENARIOS.find((x) => x.kind === kind)!;
  const spaced = (from: number) => (_: Step, n: number) => from + 6 * n;
  return [
    {
      // Drafted 30 days ago: the report to the authority (Law 20; Regs 19) is overdue at the start.
      ...base('unclear-matter'),
      input: { ...base('unclear-matter').input, matterRef: 'C-UM-1', draftedOn: dayOf(t0 - 30 * DAY) },
      steps: steps('unclear-matter', spaced(10)),
      fallsDue: true,
    },
    {
      // Filed 45 days ago: the classifier's window (Regs 26) has passed at the start (未予处理).
      ...base('objection'),
      input: { ...base('objection').input, matterRef: 'C-OB-1', filedOn: dayOf(t0 - 45 * DAY) },
      steps: steps('objection', spaced(12)),
      fallsDue: true,
    },
    {
      // Discovered 24 hours minus LEAK_DUE_S before the start: both 24-hour reports pass during the run.
      ...base('leak'),
      input: { ...base('leak').input, incidentRef: 'C-LK-1', discoveredAt: new Date(t0 - DAY + LEAK_DUE_S * 1000).toISOString() },
      steps: steps('leak', (_, n) => LEAK_DUE_S + 60 + 4 * n),
      fallsDue: true,
    },
    {
      // Applied today: no deadline passes; the clock suspended, extended, concluded.
      ...base('appraisal'),
      input: { ...base('appraisal').input, caseRef: 'C-AP-1', appliedOn: dayOf(t0) },
      steps: steps('appraisal', spaced(14)),
      fallsDue: false,
    },
    {
      // Last year's report, due on 31 March (local policy): overdue at the start; filed, accepted.
      kind: 'annual-inspection',
      by: 'ent-gz-tech',
      input: { enterpriseId: 'ent-gz-tech', year: Number(dayOf(t0).slice(0, 4)) - 1 },
      steps: [
        { day: 0, type: 'SUBMIT_REPORT', by: 'ent-gz-tech', notBeforeS: 16 },
        { day: 0, type: 'ACCEPT', by: 'auth-440000', notBeforeS: 40 },
      ],
      final: 'closed',
      fallsDue: true,
    },
  ];
}
