import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { webhookSignature } from '../../activities/delivery.js';
import { freePort } from './ports.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  header(name: string): string | undefined;
  text: string;
}

/** A real SMTP server on loopback that keeps what it receives (decoded enough to read). */
export async function smtpReceiver(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = chunks.join('');
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const headers = new Map<string, string>();
        for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
          const i = line.indexOf(':');
          if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
        }
        const body = rest.join('\n\n');
        const cte = headers.get('content-transfer-encoding')?.toLowerCase();
        const text =
          cte === 'base64'
            ? Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8')
            : cte === 'quoted-printable'
              ? decodeQuotedPrintable(body)
              : body;
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          header: (name) => decodeMimeWords(headers.get(name.toLowerCase())),
          text,
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeMimeWords(v: string | undefined): string | undefined {
  return v?.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

export interface WebhookCall {
  key: string;
  validSignature: boolean;
  body: Record<string, unknown>;
}

/**
 * A webhook receiver on loopback: verifies the HMAC signature and the timestamp, and keeps
 * every call; `unique()` is what it processed, deduplicated by Idempotency-Key.
 */
export async function webhookReceiver(
  secret: string,
  /** Sees each call; its answer (a status, or a promise of one: the response waits) replaces the default. */
  onCall?: (call: WebhookCall, req: IncomingMessage) => number | void | Promise<number | void>,
) {
  const calls: WebhookCall[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-bm-timestamp'] ?? '');
      const call = {
        key: String(req.headers['idempotency-key'] ?? ''),
        validSignature:
          req.headers['x-bm-signature'] === `sha256=${webhookSignature(secret, timestamp, body)}` &&
          Math.abs(Date.now() - Date.parse(timestamp)) < 300_000,
        body: JSON.parse(body) as Record<string, unknown>,
      };
      calls.push(call);
      const code = (await onCall?.(call, req)) ?? status;
      res.writeHead(code).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    unique: () => [...new Map(calls.filter((c) => c.validSignature).map((c) => [c.key, c])).values()],
    /** Answers every call with this status from now on (e.g. 503 while "down"). */
    respondWith: (code: number) => void (status = code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
