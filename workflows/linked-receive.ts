/**
 * The receiving side of an event one procedure records in another (EventSpec.linkedFrom;
 * linked-send.ts): taken only through the linkedEvent Update, from the procedure kind the event
 * names; checked like an event (state, payload, guards) before anything is recorded.
 */
import { handledEvents } from '../machines/procedure.js';
import { REJECTIONS_ZH } from '../domain/rejections.zh.js';
import { apply, applyOnce, machineEvent, validateSealed } from './events.js';
import { allowedEvents, closed, invalidEvent, result, stateLabel, stateName, type Run } from './state.js';
import type { EventRejection, EventResult, LinkedEventRequest } from './types.js';

/** Why a linked event cannot be recorded now, or undefined. */
function linkedRejection(run: Run, req: LinkedEventRequest): EventRejection | undefined {
  const base = { state: stateName(run), allowedEvents: allowedEvents(run).map((e) => e.type) };
  const spec = run.def.events[req?.type];
  if (!spec?.linkedFrom || spec.linkedFrom !== req.from?.kind)
    return {
      ...base,
      code: 'not-authorized',
      message: `${String(req?.type)} is not an event a ${String(req?.from?.kind)} procedure records in ${run.def.kind}`,
      messageZh: REJECTIONS_ZH.notLinkedFrom(spec?.label ?? String(req?.type)),
    };
  if (closed(run) || !handledEvents(run.snapshot).includes(req.type))
    return {
      ...base,
      code: 'not-allowed-in-state',
      message: `state ${stateName(run)} (${stateLabel(run)}) does not accept ${req.type}`,
      messageZh: REJECTIONS_ZH.notInState(spec.label, stateLabel(run), []),
    };
  const payload = spec.schema.safeParse(req.payload ?? {});
  if (!payload.success)
    return {
      ...base,
      code: 'invalid-payload',
      message: `invalid ${req.type}: ${payload.error.message}`,
      messageZh: REJECTIONS_ZH.invalidPayload(spec.label, []),
    };
  if (!run.snapshot.can(machineEvent(run, req.type, payload.data as Record<string, unknown>, actorOf(req), req.occurredAt)))
    return {
      ...base,
      code: 'guard-refused',
      message: `${req.type} is not possible in state ${stateName(run)} now (${spec.basis ?? run.def.basis})`,
      messageZh: REJECTIONS_ZH.guardRefused(spec.label, stateLabel(run), spec.basis ?? run.def.basis),
    };
  return undefined;
}

/** The sender as the audit trail names it: the deciding person, in the sending procedure. */
const actorOf = (req: LinkedEventRequest) => ({
  id: req.from.procedureId,
  name: req.by ? `${req.by}（${req.from.label}）` : req.from.label,
});

/** The linkedEvent Update's validator: sealed for this procedure and Update, and acceptable now. */
export const validateLinked = (run: Run, req: LinkedEventRequest): void =>
  validateSealed(run, req?.sealedFor, () => linkedRejection(run, req));

/** The linkedEvent Update's handler: recorded as the event, by the sending procedure; a repeat is answered, not applied. */
export const handleLinked = (run: Run, req: LinkedEventRequest): Promise<EventResult> =>
  applyOnce(run, async () => {
    const problem = linkedRejection(run, req);
    if (problem) throw invalidEvent(problem);
    const spec = run.def.events[req.type]!;
    await apply(
      run,
      req.type,
      spec.schema.parse(req.payload) as Record<string, unknown>,
      actorOf(req),
      spec.label,
      spec.basis,
      req.occurredAt,
    );
    return result(run);
  });
