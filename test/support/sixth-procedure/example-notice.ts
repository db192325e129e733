/**
 * 示例：书面告知 — the worked example of docs/adding-a-procedure.md, not a statutory procedure:
 * an organ tells its same-level secrecy authority of a matter in writing, and the authority
 * acknowledges it within 5 working days. Its workflow is ./example-notice.workflow.ts;
 * test/machines/registry-of-procedures.test.ts checks what derives from it.
 */
import { assertEvent, assign, setup } from 'xstate';
import { z } from 'zod';
import { authorityRef, organRef, type Registry } from '../../../domain/registry/registry.js';
import { DateSchema, shortText } from '../../../machines/common.js';
import {
  defineProcedure,
  eventDate,
  notifyEffect,
  type DriverInput,
  type MachineEvents,
  type ProcedureContext,
  type ProcedureDefinition,
  type StateMeta,
} from '../../../machines/procedure.js';

const ExampleNoticeStartSchema = z.strictObject({
  organId: z.string().min(1).describe('告知的机关、单位'),
  notifiedOn: DateSchema.describe('告知日期'),
  matter: shortText().describe('告知事项（非涉密）'),
});
type ExampleNoticeStart = z.infer<typeof ExampleNoticeStartSchema>;

const exampleNoticeEvents = {
  ACKNOWLEDGE: {
    label: '确认收悉',
    by: ['authority'],
    basis: '本地策略',
    fact: true,
    schema: z.strictObject({ note: shortText().optional() }),
  },
} satisfies ProcedureDefinition['events'];

interface ExampleNoticeContext extends ProcedureContext {
  notifiedOn: string;
  matter: string;
  acknowledgedOn?: string;
}

const exampleNoticeMachine = setup({
  types: {
    meta: {} as StateMeta,
    context: {} as ExampleNoticeContext,
    events: {} as MachineEvents<typeof exampleNoticeEvents>,
    input: {} as ExampleNoticeStart & DriverInput,
  },
  actions: {
    notify: notifyEffect,
    acknowledge: assign(({ event }) => {
      assertEvent(event, 'ACKNOWLEDGE');
      return { acknowledgedOn: eventDate(event) };
    }),
  },
}).createMachine({
  id: 'example-notice',
  context: ({ input }) => ({
    parties: input.parties,
    region: input.region,
    edition: input.edition,
    notifiedOn: input.notifiedOn,
    matter: input.matter,
  }),
  initial: 'awaitingAcknowledgement',
  states: {
    awaitingAcknowledgement: {
      meta: {
        label: '待确认收悉',
        responsible: 'authority',
        basis: '本地策略',
        deadline: {
          id: 'acknowledgement',
          label: '确认收悉期限（5个工作日，本地策略）',
          rule: 'working-days',
          n: 5,
          from: 'notifiedOn',
          basis: '本地策略',
          responsible: 'authority',
        },
      },
      entry: { type: 'notify', params: { to: 'authority', subject: 'example-notified', basis: '本地策略' } },
      on: { ACKNOWLEDGE: { target: 'acknowledged', actions: 'acknowledge' } },
    },
    acknowledged: { type: 'final', meta: { label: '已确认收悉' } },
  },
});

export const exampleNoticeProcedure = defineProcedure({
  kind: 'example-notice',
  label: '示例：书面告知',
  basis: '本地策略',
  workflowType: 'exampleNoticeWorkflow',
  machine: exampleNoticeMachine,
  input: ExampleNoticeStartSchema,
  // The organ and its same-level secrecy authority (a resolver that does not take this input fails to compile).
  parties: (registry: Registry, input: Pick<ExampleNoticeStart, 'organId'>) => {
    const organ = registry.organ(input.organId);
    return { parties: { organ: organRef(organ), authority: authorityRef(registry.sameLevelAuthority(organ)) }, region: organ.region };
  },
  startedBy: 'organId',
  startFact: 'notifiedOn',
  events: exampleNoticeEvents,
});
