/**
 * Verifying a webhook call, for receivers (copy this file; it needs only node:crypto).
 *
 * Each call carries `X-Bm-Timestamp` (ISO 8601), `X-Bm-Signature: sha256=<hex HMAC-SHA256 of
 * "timestamp.body" with the receiver's own secret>` and `Idempotency-Key` (also the body's `id`).
 * A receiver accepts a call only if the signature matches in constant time, the timestamp lies in
 * a short window, and the key was not processed before: a resend after a crash carries the same
 * key and is answered 2xx without being processed again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookVerdict =
  /** Process it, then remember `key` as processed. */
  | { outcome: 'valid'; key: string }
  /** Already processed: answer 2xx, do nothing (a retry or a replay). */
  | { outcome: 'duplicate'; key: string }
  /** Answer 401 and drop it. */
  | { outcome: 'invalid'; reason: string };

export interface WebhookCallIn {
  /** The raw body, exactly as received (before any JSON parsing). */
  body: string;
  /** Request headers, lower-case names (as Node's `req.headers`). */
  headers: Record<string, string | string[] | undefined>;
  /** This receiver's secret: the one its registry contact's webhookSecretRef names. */
  secret: string;
  /** Keys already processed. */
  processed: { has(key: string): boolean };
  now?: number;
  /** How far the timestamp may lie from `now`, in seconds (default 300). */
  windowSeconds?: number;
}

const header = (h: WebhookCallIn['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export function verifyWebhook(call: WebhookCallIn): WebhookVerdict {
  const timestamp = header(call.headers, 'x-bm-timestamp') ?? '';
  const signature = header(call.headers, 'x-bm-signature') ?? '';
  const key = header(call.headers, 'idempotency-key') ?? '';
  const expected = Buffer.from(`sha256=${createHmac('sha256', call.secret).update(`${timestamp}.${call.body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { outcome: 'invalid', reason: 'signature does not match this receiver’s secret' };
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs((call.now ?? Date.now()) - at) > (call.windowSeconds ?? 300) * 1000)
    return { outcome: 'invalid', reason: `timestamp ${timestamp} outside the window` };
  let id: unknown;
  try {
    id = (JSON.parse(call.body) as { id?: unknown }).id;
  } catch {
    return { outcome: 'invalid', reason: 'body is not JSON' };
  }
  // The key is signed inside the body: a replay cannot pass under a fresh Idempotency-Key.
  if (!key || id !== key) return { outcome: 'invalid', reason: 'Idempotency-Key differs from the signed body id' };
  return call.processed.has(key) ? { outcome: 'duplicate', key } : { outcome: 'valid', key };
}
