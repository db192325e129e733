/**
 * Sends an event one procedure records in another (EventSpec.linkedFrom; workflows/linked-send.ts):
 * finds the open procedures of the kind in which the party takes part, through Temporal visibility
 * by the search attributes every procedure carries (BmKind, BmParties, BmClosed), and sends each the
 * linkedEvent Update with the worker's own client. The API never sends that Update.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { eventRejection } from '../api/procedure-client.js';
import { linkedEventUpdate, viewQuery } from '../workflows/messages.js';
import { SA } from '../workflows/search-attributes.js';
import type { LinkedEventRequest } from '../workflows/types.js';

export interface LinkedSend {
  /** Stable per sending event: with the receiver's id, the Update id (a retry is answered, not applied again). */
  key: string;
  kind: string;
  partyId: string;
  event: Omit<LinkedEventRequest, 'sealedFor'>;
}

/** Where it went: recorded, or refused with the receiver's reason (in Chinese). */
export interface LinkedDelivery {
  procedureId: string;
  year?: unknown;
  refused?: string;
}

/** A visibility query's string literal: a registry id or a kind, quotes escaped. */
const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function sendLinkedEvent(req: LinkedSend): Promise<LinkedDelivery[]> {
  const { client } = Context.current();
  const query = `${SA.kind.name} = ${literal(req.kind)} AND ${SA.parties.name} = ${literal(req.partyId)} AND ${SA.closed.name} = false AND ExecutionStatus = 'Running'`;
  const out: LinkedDelivery[] = [];
  for await (const wf of listed(client.workflow.list({ query }))) {
    const handle = client.workflow.getHandle(wf.workflowId);
    const year = (await handle.query(viewQuery)).context.year;
    const updateId = `${req.key}:${wf.workflowId}`;
    try {
      await handle.executeUpdate(linkedEventUpdate, {
        args: [{ ...req.event, sealedFor: { procedureId: wf.workflowId, updateId } }],
        updateId,
      });
      out.push({ procedureId: wf.workflowId, year });
    } catch (err) {
      const refused = eventRejection(err);
      // Not ready (being prepared, or moving to its next run): the activity is retried.
      if (!refused || refused.code === 'not-ready') throw err;
      out.push({ procedureId: wf.workflowId, year, refused: refused.messageZh ?? refused.message });
    }
  }
  return out;
}

/** gRPC status UNIMPLEMENTED: a server with no visibility (the time-skipping test server) will not have it on a retry. */
const UNIMPLEMENTED = 12;

async function* listed<T>(rows: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* rows;
  } catch (err) {
    const code = (err as { cause?: { code?: number } }).cause?.code;
    if (code !== UNIMPLEMENTED) throw err;
    throw ApplicationFailure.nonRetryable(`this Temporal server lists no workflows (${(err as Error).message})`, 'NoVisibility');
  }
}
