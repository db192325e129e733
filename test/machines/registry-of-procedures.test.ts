/**
 * A procedure is registered in one place (issue 15): its definition carries its machine, its
 * events, its party resolver and its workflow type; the list in machines/index.ts makes the kinds
 * a union. A sixth definition (docs/adding-a-procedure.md's example, test/support/sixth-procedure) shows what
 * derives from a definition with no edit elsewhere.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { initialTransition } from 'xstate';
import { loadDeps } from '../../activities/deps.js';
import { prepareStart } from '../../activities/prepare.js';
import { eventLabel, notifyParams, stateLabel } from '../../machines/in-words.zh.js';
import { appraisalParties } from '../../domain/resolve-parties.js';
import { deadlineRequests } from '../../machines/deadline-requests.js';
import { machineGraph } from '../../machines/graph.js';
import { PROCEDURE_KINDS, PROCEDURES, procedureOf, type ProcedureKind } from '../../machines/index.js';
import { defineProcedure, machineInput, procedureRegistry, type WorkflowTypeOf } from '../../machines/procedure.js';
import * as workflows from '../../workflows/index.js';
import { exampleNoticeProcedure } from '../support/sixth-procedure/example-notice.js';
import * as exampleWorkflows from '../support/sixth-procedure/example-notice.workflow.js';

const deps = loadDeps({});
const start = { organId: 'org-gz-bureau', notifiedOn: '2025-09-26', matter: '某事项' };

describe('the registry of procedures', () => {
  it('exports each registered procedure’s workflow under its workflowType, and no other workflow but the bench’s no-ops', () => {
    // A workflow file left out of workflows/index.ts, or a workflow with no definition, fails to compile here.
    expectTypeOf<keyof typeof workflows>().toEqualTypeOf<
      WorkflowTypeOf<ProcedureKind> | 'noopWorkflow' | 'noopUpdateWorkflow' | 'noopTimerWorkflow'
    >();
    expect(Object.keys(workflows).sort()).toEqual(
      [...Object.values(PROCEDURES).map((d) => d.workflowType), 'noopWorkflow', 'noopUpdateWorkflow', 'noopTimerWorkflow'].sort(),
    );
    for (const def of Object.values(PROCEDURES)) expect(typeof workflows[def.workflowType], def.kind).toBe('function');
  });

  it('makes the kinds a union: a misspelt kind, workflow type or resolver fails to compile', () => {
    expectTypeOf<ProcedureKind>().toEqualTypeOf<
      'unclear-matter' | 'objection' | 'leak' | 'appraisal' | 'annual-inspection' | 'correction'
    >();
    // @ts-expect-error 'leek' is not a registered kind
    const misspelt: ProcedureKind = 'leek';
    expect(procedureOf(misspelt)).toBeUndefined();
    // @ts-expect-error the workflow type is the kind's name: exampleNoticeWorkflow
    defineProcedure({ ...exampleNoticeProcedure, workflowType: 'exampleWorkflow' });
    // @ts-expect-error the appraisal resolver takes an applicantId, not this procedure's start input
    defineProcedure({ ...exampleNoticeProcedure, parties: appraisalParties });
    expect(PROCEDURE_KINDS).toEqual(Object.keys(PROCEDURES));
  });

  it('refuses a kind defined twice, naming it', () => {
    expect(() => procedureRegistry([PROCEDURES.leak, exampleNoticeProcedure, PROCEDURES.leak])).toThrow(
      'procedure kind "leak" is defined twice; each kind names one procedure',
    );
  });

  describe('a sixth procedure: its machine file and its workflow file, and a line in the list', () => {
    const registry = procedureRegistry([...Object.values(PROCEDURES), exampleNoticeProcedure]);
    const def = registry['example-notice'];

    it('is looked up by its kind, and its workflow is exported under its workflowType', () => {
      expect(Object.keys(registry)).toEqual([...PROCEDURE_KINDS, 'example-notice']);
      expect(def).toBe(exampleNoticeProcedure);
      expect(Object.keys(exampleWorkflows)).toEqual([def.workflowType]);
    });

    it('is prepared as any other: the parties from its own resolver, the first state’s deadlines from its meta', () => {
      const { prepared } = prepareStart({ ...deps, email: false }, def, def.input.parse(start));
      expect(prepared.parties).toEqual({
        organ: expect.objectContaining({ id: 'org-gz-bureau' }),
        authority: expect.objectContaining({ id: 'auth-440100' }),
      });
      expect(Object.values(prepared.initialDeadlines!)).toEqual([
        expect.objectContaining({ rule: 'working-days', n: 5, from: '2025-09-26', basis: '本地策略' }),
      ]);
      const [first] = initialTransition(def.machine, machineInput(start, prepared));
      expect(deadlineRequests(first, prepared.policy).map((r) => r.spec.id)).toEqual(['acknowledgement']);
    });

    it('validates its start input, naming the field', () => {
      const r = def.input.safeParse({ ...start, notifiedOn: '26/9/2025' });
      expect(r.success).toBe(false);
      expect(new Set(r.error!.issues.map((i) => i.path.join('.')))).toEqual(new Set(['notifiedOn']));
    });

    it('has its statechart, state and event labels and notifications from its definition', () => {
      const graph = machineGraph(def);
      expect(graph.initial).toBe('awaitingAcknowledgement');
      expect(graph.transitions).toEqual([{ from: 'awaitingAcknowledgement', to: 'acknowledged', event: 'ACKNOWLEDGE', label: '确认收悉' }]);
      expect(graph.states.find((s) => s.id === 'awaitingAcknowledgement')).toMatchObject({
        responsible: 'authority',
        deadline: { rule: 'working-days', n: 5 },
      });
      expect(stateLabel(def, 'acknowledged')).toBe('已确认收悉');
      expect(eventLabel(def, 'ACKNOWLEDGE')).toBe('确认收悉');
      expect(notifyParams(def)).toEqual([{ to: 'authority', subject: 'example-notified', basis: '本地策略' }]);
    });
  });
});
