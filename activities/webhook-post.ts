/**
 * One webhook POST over node:http(s), with a keep-alive connection pool per scheme. Node 20's
 * `fetch` (undici and its web streams) cost ~0.3 ms of CPU a request, node:http ~0.03 ms: a
 * deadline storm's 3.5 webhooks a pass made fetch some 5 % of the worker's CPU (issue 28).
 *
 * What fetch was asked for, kept: a redirect is never followed (node:http follows none; the caller
 * refuses a 3xx), the whole exchange has a deadline, TLS is verified against the usual CAs. The
 * answer's body is read and dropped, so that its connection goes back to the pool.
 */
import http from 'node:http';
import https from 'node:https';

/** Connections per receiver host kept open and reused (what one worker sends at once). */
const MAX_SOCKETS = 64;
const pools = {
  'http:': { module: http, agent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }) },
  'https:': { module: https, agent: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }) },
} as const;

/** POSTs `body` to `address`; resolves with the answer's status, rejects when no answer came within `deadlineMs`. */
export function postWebhook(address: string, headers: Record<string, string>, body: string, deadlineMs: number): Promise<number> {
  const url = new URL(address);
  const pool = url.protocol === 'http:' || url.protocol === 'https:' ? pools[url.protocol] : undefined;
  if (!pool) return Promise.reject(new Error(`${url.protocol} is not http: or https:`));
  return new Promise((resolve, reject) => {
    const req = pool.module.request(
      url,
      { method: 'POST', agent: pool.agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        // The status is all that counts: a body cut short (the receiver gone) changes nothing.
        res.on('error', () => undefined);
        res.once('close', () => clearTimeout(timer));
      },
    );
    // Until the answer is read to its end: a receiver that never finishes loses its connection.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${deadlineMs / 1000} s`)), deadlineMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}
