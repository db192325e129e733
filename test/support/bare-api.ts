import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadDeps } from '../../activities/deps.js';
import { denialLog } from '../../api/denials.js';
import { buildServer, type ApiDeps } from '../../api/server.js';
import { AesGcmCodec } from '../../temporal/codec.js';

/**
 * The API alone, with nothing behind it (a Temporal address nothing listens on): for what is
 * decided before a call reaches Temporal — sign-in and sign-out, identity, the rate limit, the
 * denial log. Fast: no dev server, no worker.
 */
export interface BareApi {
  app: FastifyInstance;
  jwtKey: Uint8Array;
  /** The denial log's folder (api-denials.jsonl). */
  dataDir: string;
}

export async function bareApi(over: Partial<ApiDeps> = {}): Promise<BareApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bm-bare-api-'));
  const deps = loadDeps({ dataDir });
  const jwtKey = over.jwtKey ?? new TextEncoder().encode('bare-api-test-key-of-sufficient-length');
  const app = await buildServer({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    taskQueue: 'bare-api-test',
    registry: deps.registry,
    calendar: deps.calendar,
    policy: deps.policy,
    denials: denialLog(dataDir),
    codec: new AesGcmCodec(new Map([['k', Buffer.alloc(32, 1)]]), 'k'),
    idSecret: new TextEncoder().encode('bare-api-test-id-secret-of-sufficient-length'),
    ...over,
    jwtKey,
  });
  return { app, jwtKey, dataDir };
}
