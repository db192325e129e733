import type { PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../problem.js';
import { PayloadsSchema } from '../response-schemas.js';

const JsonPayload = z.strictObject({
  metadata: z.record(z.string(), z.string().max(1_000)).optional(),
  data: z.string().max(4_000_000).optional(),
});
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
 * The remote codec endpoint for the Temporal Web UI (POST /codec/decode). The UI's request names
 * only the namespace (`X-Namespace`), never the workflow a payload belongs to, so the caller's
 * jurisdiction cannot be checked per payload: decoding is reserved to the national authority,
 * whose jurisdiction is every procedure. Any other party reads its procedures through the API,
 * which checks scope. There is no /codec/encode: sealing a payload is what lets a message into a
 * workflow, and only the API and the worker may do it. CORS is open to `uiOrigin` only.
 */
export const codecRoutes =
  (codec: PayloadCodec, uiOrigin: string): FastifyPluginAsyncZod =>
  async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/codec/')) return;
      reply.header('access-control-allow-origin', uiOrigin);
      reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-credentials', 'true');
    });
    app.options('/codec/decode', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());
    app.post(
      '/codec/decode',
      {
        schema: {
          body: Body,
          response: { 200: PayloadsSchema },
          summary: 'Temporal Web UI 远程解码（仅国家保密行政管理部门）',
          tags: ['codec'],
        },
      },
      async (req) => {
        const caller = await req.authenticate();
        if (caller.party.type !== 'authority' || caller.party.tier !== 'national') {
          throw new ApiError(
            403,
            'Forbidden',
            `missing right: the Web UI's decode requests do not name the procedure, so only the national authority, whose jurisdiction is every procedure, may decode payloads here; ${caller.party.id} reads the procedures of its jurisdiction through GET /api/procedures/{id}`,
          );
        }
        return { payloads: (await codec.decode(req.body.payloads.map(toPayload))).map(toJson) };
      },
    );
  };
