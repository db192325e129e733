/**
 * The activities a procedure's history shows, regular and local (a deadline pass's batch since patch
 * `local-pass`, issue 28): a regular one with its input, a local one from its marker, with its result
 * (a local activity's marker holds no input). A worker that seals payloads (production's converter)
 * leaves them unread here: `input`/`result` are then undefined.
 */
import type { temporal } from '@temporalio/proto';
import { payloadConverter } from './converters.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type HistoryActivity =
  { local: false; type: string; input: unknown; eventId: number } | { local: true; type: string; result: unknown; eventId: number };

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

type Payload = temporal.api.common.v1.IPayload;
const plain = (p: Payload | undefined): unknown =>
  p && Buffer.from(p.metadata?.encoding ?? []).toString() === 'json/plain' ? payloadConverter.fromPayload(p) : undefined;

export function historyActivities(events: readonly HistoryEvent[]): HistoryActivity[] {
  return events.flatMap((e): HistoryActivity[] => {
    const eventId = Number(e.eventId);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) return [{ local: false, type: scheduled.activityType!.name!, input: plain(scheduled.input?.payloads?.[0]), eventId }];
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return [];
    // The marker's data is the SDK's own (never sealed): which activity, which attempt.
    const data = payloadConverter.fromPayload(marker.details!.data!.payloads![0]!) as { activity_type: string };
    return [{ local: true, type: data.activity_type, result: plain(marker.details!.result?.payloads?.[0]), eventId }];
  });
}
