import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, EventRequest, EventResult, ProcedureView, RecomputeRequest } from './types.js';

/** An event of the procedure, validated against the current state before it is accepted. */
export const eventUpdate = defineUpdate<EventResult, [EventRequest]>('event');
/** Recompute provisional deadlines after a calendar update (SPEC §2): explicit and audited. */
export const recomputeDeadlinesUpdate = defineUpdate<{ changed: number }, [RecomputeRequest]>('recomputeDeadlines');
export const viewQuery = defineQuery<ProcedureView>('view');
/** Answers once the procedure is prepared: sent with its start (update-with-start) by the starter. */
export const readyUpdate = defineUpdate<EventResult, [Actor]>('ready');
