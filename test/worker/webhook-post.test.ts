import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/activity';
import { createDelivery, type DeliveryRequest } from '../../activities/delivery.js';
import { DeliveryLedger } from '../../activities/ledger.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

/** A receiver on loopback: what it was sent, on how many connections. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void, server: Server = createServer()) {
  const bodies: string[] = [];
  let connections = 0;
  server.on('connection', () => connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => (bodies.push(body), answer(req, res)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const { port } = server.address() as { port: number };
  return { port, bodies, connections: () => connections };
}

const request = (key: string, address: string): DeliveryRequest => ({
  key,
  channel: 'webhook',
  address,
  recipient: { id: 'org-gz-bureau', name: '广州某局', contact: '保密办' },
  message: { procedureId: 'leak-x', procedureLabel: '泄密报告', kind: 'reminder', subject: 's', at: new Date().toISOString() },
});

const delivery = (deadlineMs = 10_000) =>
  createDelivery({ webhookSecret: 'x'.repeat(32), mailFrom: 'a@b', ledger: new DeliveryLedger(), webhookDeadlineMs: deadlineMs });

/** The failure a delivery ended with, and whether Temporal would retry it (a redirect: test/security/webhook-forgery.test.ts). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error) => ({
      message: e.message,
      retried: !(e instanceof ApplicationFailure && e.nonRetryable),
      type: (e as ApplicationFailure).type,
    }),
  );

describe('a webhook POST (node:http, issue 28)', () => {
  it('delivers the signed message and sends the next one on the same connection', async () => {
    const hook = await receiver((_, res) => res.end('ok'));
    const d = delivery();
    expect(await d.deliver(request('a', `http://127.0.0.1:${hook.port}/hook`))).toBe('sent');
    expect(await d.deliver(request('b', `http://127.0.0.1:${hook.port}/hook`))).toBe('sent');
    expect(hook.bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toEqual(['a', 'b']);
    expect(hook.connections()).toBe(1);
  });

  it('gives up on a refusal (4xx) and retries an overload (429) or a server error (5xx)', async () => {
    for (const [status, retried] of [
      [403, false],
      [429, true],
      [503, true],
    ] as const) {
      const hook = await receiver((_, res) => res.writeHead(status).end('no'));
      const f = await failure(delivery().deliver(request(`s${status}`, `http://127.0.0.1:${hook.port}/hook`)));
      expect(f).toMatchObject({ retried, message: expect.stringContaining(`answered ${status}`) });
    }
  });

  it('takes the status of an answer whose body the receiver cuts short', async () => {
    const hook = await receiver((_, res) => {
      res.writeHead(200, { 'content-length': '1000' }).write('partial');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    expect(await delivery().deliver(request('cut', `http://127.0.0.1:${hook.port}/hook`))).toBe('sent');
    await new Promise((r) => setTimeout(r, 200));
  });

  it('drops a receiver that does not answer within the deadline (retried later)', async () => {
    let gone = false;
    const hook = await receiver((req) => req.socket.once('close', () => (gone = true)));
    const f = await failure(delivery(300).deliver(request('slow', `http://127.0.0.1:${hook.port}/hook`)));
    expect(f).toMatchObject({ retried: true, message: expect.stringMatching(/unreachable: no answer within 0\.3 s/) });
    await expect.poll(() => gone).toBe(true);
  });

  it('refuses a receiver whose TLS certificate is not trusted, before sending anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
    const hook = await receiver((_, res) => res.end('ok'), tls);
    const f = await failure(delivery().deliver(request('tls', `https://127.0.0.1:${hook.port}/hook`)));
    expect(f).toMatchObject({ retried: true, message: expect.stringMatching(/unreachable: self[- ]signed certificate/) });
    expect(hook.bodies).toEqual([]);
  });
});
