import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { loadDeps } from '../../activities/deps.js';
import { issueToken, type TokenSubject } from '../../api/auth.js';
import type { Role } from '../../domain/parties.js';
import { buildServer, type ApiDeps } from '../../api/server.js';
import { startDevServer, type DevServer } from '../../scripts/dev-server.js';
import { bundleWorkflows, createWorker } from '../../worker/worker.js';
import { AesGcmCodec, sealedDataConverter } from '../../temporal/codec.js';
import { freePort } from './ports.js';
import { testRecordStore } from './records.js';
import type { RecordStore } from '../../records/store.js';

/** The real system on loopback: a dev server (SQLite in a temp folder), a worker, the API. */
export interface Stack {
  url: string;
  /** The Temporal frontend, for clients that must not decode (e.g. to read what is stored). */
  address: string;
  client: Client;
  /** The codec the worker and the API seal with (to read what the server stores). */
  codec: AesGcmCodec;
  dataDir: string;
  app: FastifyInstance;
  /** The HS256 key the API verifies tokens with (to craft tokens an attacker could not). */
  jwtKey: Uint8Array;
  /** The API's HMAC key of the ids made from Idempotency-Key (to compute an id an attacker could not). */
  idSecret: Uint8Array;
  /** A token of a test person acting for the party, by default with every role but admin. */
  token(partyId: string, over?: Partial<Omit<TokenSubject, 'party'>> & { ttlSeconds?: number }): Promise<string>;
  /** The case file the worker appends to and the API reads closed procedures from. */
  records: RecordStore;
  /** Another API instance on the same Temporal, with other options. */
  extraApp(over: Partial<ApiDeps>): Promise<FastifyInstance>;
  /** Shuts the worker down (a worker held back: nothing of the procedures runs until `startWorker`). */
  stopWorker(): Promise<void>;
  /** A new worker on the same task queue, as the first. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

const TEST_ROLES: Role[] = ['secrecy-officer', 'classification-officer', 'head'];

export async function startStack(
  taskQueue = 'api-test',
  o: {
    registry?: unknown;
    api?: Partial<ApiDeps>;
    /** a test bundle's entry instead of workflows/index.ts */
    workflowsPath?: string;
    /** the calendar file the worker and the API read (again when it changes), as BM_CALENDAR_FILE names it */
    calendarFile?: string;
  } = {},
): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bm-stack-'));
  const registryFile = o.registry ? join(dataDir, 'registry.json') : undefined;
  if (registryFile) writeFileSync(registryFile, JSON.stringify(o.registry));
  const server: DevServer = await startDevServer({
    dbFile: join(dataDir, 'temporal.sqlite'),
    port: await freePort(),
    uiPort: await freePort(),
  });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const deps = loadDeps({ ...(registryFile ? { registryFile } : {}), ...(o.calendarFile ? { calendarFile: o.calendarFile } : {}) });
  const records = await testRecordStore();
  // Everything encrypted, as in production (SPEC §5).
  const codec = new AesGcmCodec(new Map([['test-1', Buffer.alloc(32, 7)]]), 'test-1');
  const bundle = o.workflowsPath ? { bundle: await bundleWorkflows(o.workflowsPath) } : {};
  const launch = async () => {
    const worker = await createWorker(native, { namespace: 'default', taskQueue }, deps, {
      dataConverter: sealedDataConverter(codec),
      records,
      ...bundle,
    });
    return { worker, running: worker.run() };
  };
  let current: Awaited<ReturnType<typeof launch>> | undefined = await launch();
  const stopWorker = async () => {
    const w = current;
    current = undefined;
    w?.worker.shutdown();
    await w?.running;
  };
  const client = new Client({ connection, dataConverter: sealedDataConverter(codec) });
  const jwtKey = new TextEncoder().encode('test-signing-key-of-sufficient-length');
  const idSecret = new TextEncoder().encode('test-id-secret-of-sufficient-length');
  const base: ApiDeps = {
    client,
    taskQueue,
    registry: deps.registry,
    calendar: deps.calendar,
    policy: deps.policy,
    jwtKey,
    idSecret,
    codec,
    records,
    ...o.api,
  };
  const app = await buildServer(base);
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  const extra: FastifyInstance[] = [];
  return {
    url: `http://127.0.0.1:${port}`,
    address: server.address,
    client,
    codec,
    dataDir,
    app,
    jwtKey,
    records,
    idSecret,
    token: (id, { ttlSeconds, ...over } = {}) =>
      issueToken(
        jwtKey,
        { party: id, sub: `test:${id}`, name: `${deps.registry.party(id).name}测试人员`, roles: TEST_ROLES, ...over },
        ttlSeconds ? { ttlSeconds } : {},
      ),
    async extraApp(over) {
      const a = await buildServer({ ...base, ...over });
      extra.push(a);
      return a;
    },
    stopWorker,
    async startWorker() {
      current ??= await launch();
    },
    async stop() {
      await Promise.all([app, ...extra].map((a) => a.close()));
      await stopWorker();
      await connection.close();
      await native.close();
      await server.stop();
      await records.close();
    },
  };
}

/** A JSON request to the stack's API as a test person of `as` (its token), answered with the status and the parsed body. */
export async function callAs(stack: Stack, method: string, path: string, as: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await stack.token(as)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}
