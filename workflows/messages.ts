import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EventRequest, EventResult, LinkedEventRequest, RecomputeRequest } from './types.js';
import type { Actor, ProcedureView } from '../domain/procedure-view.js';

/** An event of the procedure, validated against the current state before it is accepted. */
export const eventUpdate = defineUpdate<EventResult, [EventRequest]>('event');
/** Recompute provisional deadlines after a calendar update (SPEC §2): explicit and audited. */
export const recomputeDeadlinesUpdate = defineUpdate<{ changed: number }, [RecomputeRequest]>('recomputeDeadlines');
/**
 * Take the parties' contacts and escalation ladders from the registry in force (an operator, after
 * a registry change): explicit and audited, as the recorded ones were the registry's at the start.
 */
export const refreshRecipientsUpdate = defineUpdate<{ changed: boolean; registryVersion: string }, [RecomputeRequest]>('refreshRecipients');
/** An event another procedure records here (EventSpec.linkedFrom): sent by that procedure's activity only, never by the API. */
export const linkedEventUpdate = defineUpdate<EventResult, [LinkedEventRequest]>('linkedEvent');
export const viewQuery = defineQuery<ProcedureView>('view');
/** Answers once the procedure is prepared: sent with its start (update-with-start) by the starter. */
export const readyUpdate = defineUpdate<EventResult, [Actor]>('ready');
