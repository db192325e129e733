/**
 * Events one procedure records in another (EventSpec.linkedFrom; issue 26, Regs 71 para 3(3)):
 * the sending machine's `link` effect goes to an activity that finds the open procedures of the
 * kind about the party (Temporal visibility) and sends each the linkedEvent Update. It runs beside,
 * as a delivery does, without holding up the event that caused it; the procedure neither continues
 * as new nor closes before it settles. This procedure's audit trail records where it was recorded,
 * that there was none, or why it could not be.
 */
import { proxyActivities } from '@temporalio/workflow';
import { procedureOf } from '../machines/index.js';
import type { LinkParams, ProcedureDefinition } from '../machines/procedure.js';
import type { PartyRef } from '../domain/parties.js';
import { LINKED_ZH } from '../domain/labels.zh.js';
import type { Activities } from '../activities/index.js';
import type { LinkedDelivery } from '../activities/linked-events.js';
import { upsertAttributes } from './attributes.js';
import { ctx, record, SYSTEM, type Run } from './state.js';
import type { Effect } from './notices.js';

const links = proxyActivities<Activities>({
  // A list and an Update per open procedure found; retried with backoff, then recorded as not done.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

export function runLinks(run: Run, effects: readonly Effect[], type: string, by: string | undefined): void {
  for (const e of effects) {
    if (e.type !== 'link') continue;
    const link = e.params as LinkParams;
    const party = ctx(run).parties[link.party];
    const target = procedureOf(link.kind);
    if (!party || !target) continue;
    run.settling++;
    const p: Promise<void> = links
      .sendLinkedEvent({
        // One per event taken: a retried activity sends the same Update ids (the receiver answers a repeat, records it once).
        key: `${run.id}:${type}-${run.s.eventCounts[type] ?? 0}`,
        kind: link.kind,
        partyId: party.id,
        event: {
          type: link.event,
          payload: link.payload,
          from: { procedureId: run.id, kind: run.def.kind, label: run.def.label },
          ...(by ? { by } : {}),
          occurredAt: link.at,
        },
      })
      .then(
        (sent) => recordSent(run, link, party, target, sent),
        (err: unknown) => recordLinked(run, link, target, [LINKED_ZH.failed(party.name, target.label, failureText(err))]),
      )
      .finally(() => {
        run.settling--;
        run.inflight.delete(p);
        run.s.version++;
      });
    run.inflight.add(p);
  }
}

function recordSent(run: Run, link: LinkParams, party: PartyRef, target: ProcedureDefinition, sent: LinkedDelivery[]): void {
  const summaries = sent.length
    ? sent.map((r) =>
        r.refused ? LINKED_ZH.refused(party.name, target.label, r.year, r.refused) : LINKED_ZH.recorded(party.name, target.label, r.year),
      )
    : [LINKED_ZH.none(party.name, target.label)];
  recordLinked(run, link, target, summaries);
}

function recordLinked(run: Run, link: LinkParams, target: ProcedureDefinition, summaries: string[]): void {
  const basis = target.events[link.event]?.basis;
  for (const summary of summaries) record(run, { kind: 'linked', actor: SYSTEM, summary, ...(basis ? { basis } : {}) });
  upsertAttributes(run);
}

/** The activity's failure in its own words (its cause's message). */
const failureText = (err: unknown) => (err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err));
