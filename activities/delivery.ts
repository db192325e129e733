import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import nodemailer, { type Transporter } from 'nodemailer';
import { basisText } from '../domain/citation.js';
import { beijingTime, subjectText } from '../domain/labels.zh.js';
import type { DeliveryLedger } from './ledger.js';
import { procedureLog } from './log.js';
import { postWebhook } from './webhook-post.js';
import { deliveries } from './metrics.js';

export interface DeliveryConfig {
  /** The shared signing secret (BM_WEBHOOK_SECRET): only for receivers without their own, and never in production. */
  webhookSecret?: string;
  /** Each receiver's own signing secret, by party id (activities/webhook-secrets.ts). */
  webhookSecrets?: ReadonlyMap<string, string>;
  smtpUrl?: string;
  mailFrom: string;
  /** How long a webhook receiver has to answer, ms (10 s). */
  webhookDeadlineMs?: number;
  ledger: DeliveryLedger;
}

export interface DeliveryRequest {
  /** (procedure, entry, channel, recipient): the same key is never delivered twice. */
  key: string;
  channel: 'webhook' | 'email';
  address: string;
  recipient: { id: string; name: string; contact: string };
  message: { procedureId: string; procedureLabel: string; kind: string; subject: string; basis?: string; by?: string; at: string };
}

/** What one attempt of a batched delivery came to: sent (or sent before), failed for good, or worth retrying. */
export type DeliveryOutcome = { status: 'delivered' } | { status: 'failed' | 'retrying'; message: string };

/** HMAC-SHA256 over "timestamp.body", hex: what a receiver recomputes with its secret (activities/webhook-verify.ts). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function createDelivery(config: DeliveryConfig) {
  let transport: Transporter | undefined;
  const mailer = () => (transport ??= nodemailer.createTransport(config.smtpUrl!));

  async function webhook(req: DeliveryRequest): Promise<void> {
    const secret = config.webhookSecrets?.get(req.recipient.id) ?? config.webhookSecret;
    if (!secret)
      throw ApplicationFailure.nonRetryable(
        `no webhook secret for ${req.recipient.id}: set webhookSecretRef on its registry contact`,
        'WebhookSecretMissing',
      );
    // The machine-readable fields for the receiver's software, their words beside them for people.
    const words = {
      subjectText: subjectText(req.message.subject),
      ...(req.message.basis ? { basisText: basisText(req.message.basis) } : {}),
      atText: beijingTime(req.message.at),
    };
    const body = JSON.stringify({ id: req.key, ...req.message, ...words, recipient: req.recipient });
    const timestamp = new Date().toISOString();
    let status: number;
    try {
      status = await postWebhook(
        req.address,
        {
          'content-type': 'application/json',
          'idempotency-key': req.key,
          'x-bm-timestamp': timestamp,
          'x-bm-signature': `sha256=${webhookSignature(secret, timestamp, body)}`,
        },
        body,
        config.webhookDeadlineMs ?? 10_000,
      );
    } catch (e) {
      throw new Error(`webhook ${req.address} unreachable: ${(e as Error).message}`, { cause: e }); // retried with backoff
    }
    if (status >= 200 && status < 300) return;
    // A redirect is not followed: the signed message goes to the registered address or nowhere.
    if (status >= 300 && status < 400)
      throw ApplicationFailure.nonRetryable(
        `webhook ${req.address} answered ${status}, a redirect, which is not followed: register the final address`,
        'WebhookRedirected',
      );
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
    const message = `webhook ${req.address} answered ${status}`;
    if (permanent) throw ApplicationFailure.nonRetryable(message, 'WebhookRejected');
    throw new Error(message);
  }

  async function email(req: DeliveryRequest): Promise<void> {
    if (!config.smtpUrl) throw ApplicationFailure.nonRetryable('no SMTP server configured (BM_SMTP_URL)', 'EmailNotConfigured');
    const text = [
      `${req.recipient.name}：`,
      '',
      `${req.message.procedureLabel}（${req.message.procedureId}）`,
      subjectText(req.message.subject),
      req.message.basis ? `依据：${basisText(req.message.basis)}` : '',
      req.message.by ? `办理人：${req.message.by}` : '',
      `时间：${beijingTime(req.message.at)}`,
      '',
      '本邮件仅含程序元数据，不含国家秘密内容。',
    ].join('\n');
    await mailer().sendMail({
      from: config.mailFrom,
      to: `${req.recipient.contact} <${req.address}>`,
      subject: `【${req.message.procedureLabel}】${subjectText(req.message.subject)}`,
      text,
      messageId: `<${req.key.replace(/[^\w.-]/g, '.')}@baomi-procedures>`,
      headers: { 'Idempotency-Key': req.key },
    });
  }

  /** One attempt at one delivery, at most once per key (SPEC §4): counted by channel and result, logged with the procedure. */
  async function send(req: DeliveryRequest, activity: 'deliver' | 'deliverAll'): Promise<'sent' | 'already-sent'> {
    const log = procedureLog(req.message.procedureId, activity).child({ channel: req.channel, recipient: req.recipient.id });
    if (config.ledger.has(req.key)) {
      deliveries.inc({ channel: req.channel, result: 'already-sent' });
      log.info({ key: req.key }, 'already delivered');
      return 'already-sent';
    }
    try {
      await (req.channel === 'webhook' ? webhook(req) : email(req));
    } catch (e) {
      const result = final(e) ? 'failed' : 'retrying';
      deliveries.inc({ channel: req.channel, result });
      log.warn({ key: req.key, result, err: (e as Error).message }, 'delivery failed');
      throw e;
    }
    await config.ledger.record(req.key);
    deliveries.inc({ channel: req.channel, result: 'sent' });
    log.info({ key: req.key }, 'delivered');
    return 'sent';
  }

  return {
    /** Delivers one message on one channel, at most once per key; Temporal retries it with backoff (SPEC §4). */
    deliver: (req: DeliveryRequest): Promise<'sent' | 'already-sent'> => send(req, 'deliver'),

    /**
     * The deliveries of one workflow activation (a deadline storm's pass, a notice to several
     * recipients), each attempted once, concurrently, and never thrown: the workflow records what
     * went out and sends what may succeed later again through `deliver` (workflows/deliveries.ts).
     */
    async deliverAll(reqs: DeliveryRequest[]): Promise<DeliveryOutcome[]> {
      return Promise.all(
        reqs.map((req) =>
          send(req, 'deliverAll').then(
            (): DeliveryOutcome => ({ status: 'delivered' }),
            (e: unknown): DeliveryOutcome => ({ status: final(e) ? 'failed' : 'retrying', message: (e as Error).message }),
          ),
        ),
      );
    },
  };
}

/** A non-retryable failure is final; anything else may succeed on a later attempt. */
const final = (e: unknown) => e instanceof ApplicationFailure && e.nonRetryable;
