import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadDeps } from '../../activities/deps.js';
import { buildServer, type ApiDeps } from '../../api/server.js';
import type { RecordStore } from '../../records/store.js';
import { AesGcmCodec } from '../../temporal/codec.js';
import { testRecordStore } from './records.js';

/**
 * The API alone, with nothing behind it but its record database (a Temporal address nothing listens
 * on): for what is decided before a call reaches Temporal — sign-in and sign-out, identity, the rate
 * limit, the denial log. Fast: no dev server, no worker.
 */
export interface BareApi {
  app: FastifyInstance;
  jwtKey: Uint8Array;
  /** The record database (the denial log's table `denials`): the one passed, else one of its own, closed with the app. */
  records: RecordStore;
}

export async function bareApi(over: Partial<ApiDeps> = {}): Promise<BareApi> {
  const deps = loadDeps({});
  const jwtKey = over.jwtKey ?? new TextEncoder().encode('bare-api-test-key-of-sufficient-length');
  const records = over.records ?? (await testRecordStore());
  const app = await buildServer({
    client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    taskQueue: 'bare-api-test',
    registry: deps.registry,
    calendar: deps.calendar,
    policy: deps.policy,
    codec: new AesGcmCodec(new Map([['k', Buffer.alloc(32, 1)]]), 'k'),
    idSecret: new TextEncoder().encode('bare-api-test-id-secret-of-sufficient-length'),
    ...over,
    records,
    jwtKey,
  });
  // A record database of its own closes after the app (an onClose hook would run before the denial log's last write: hooks run last-added first).
  if (!over.records) {
    const close = app.close.bind(app);
    let closed: Promise<void> | undefined;
    Object.assign(app, { close: () => (closed ??= close().then(() => records.close())) });
  }
  return { app, jwtKey, records };
}
