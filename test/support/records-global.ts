/**
 * vitest globalSetup: one embedded record database server (scripts/records-server.ts) for the
 * whole run; each test file or stack takes a database of its own on it (records.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecordsServer } from '../../scripts/records-server.js';
import { freePort } from './ports.js';

export default async function setup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bm-records-'));
  chmodSync(dataDir, 0o755); // the server may run as another user (root: "postgres")
  const server = await startRecordsServer({
    dataDir: join(dataDir, 'pg'),
    port: await freePort(),
    password: randomBytes(16).toString('hex'),
    logFile: join(dataDir, 'postgres.log'),
  });
  process.env.BM_TEST_RECORDS_ADMIN_URL = server.adminUrl;
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
