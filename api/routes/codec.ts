import type { PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../problem.js';
import type { Authenticate } from '../server.js';

const JsonPayload = z.strictObject({ metadata: z.record(z.string(), z.string().max(1_000)).optional(), data: z.string().max(4_000_000).optional() });
const Body = z.object({ payloads: z.array(JsonPayload).max(1000) });

const toPayload = (p: z.infer<typeof JsonPayload>) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * The remote codec endpoint for the Temporal Web UI (POST /codec/decode, /codec/encode): an
 * authority's bearer token is required to see decoded payloads. CORS is open to `uiOrigin` only.
 */
export const codecRoutes = (codec: PayloadCodec, authenticate: Authenticate, uiOrigin: string): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/codec/')) return;
      reply.header('access-control-allow-origin', uiOrigin);
      reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-credentials', 'true');
    });
    app.options('/codec/:op', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());
    for (const op of ['decode', 'encode'] as const) {
      app.post(`/codec/${op}`, { schema: { body: Body, summary: `Temporal Web UI 远程编解码（${op}）`, tags: ['codec'] } }, async (req) => {
        const caller = await authenticate(req);
        if (caller.party.type !== 'authority') throw new ApiError(403, 'Forbidden', 'missing right: only a secrecy authority may read decoded payloads');
        const payloads = req.body.payloads.map(toPayload);
        return { payloads: (await (op === 'decode' ? codec.decode(payloads) : codec.encode(payloads))).map(toJson) };
      });
    }
  };
