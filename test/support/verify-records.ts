import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { ROOT } from '../../scripts/temporal-binaries.js';
import type { Finding } from '../../records/verify.js';
import { testRecordKeysEnv } from './records.js';
import type { Stack } from './stack.js';

/** What an operator's script (verify-records, recompute-provisional) is run with against a stack: its record, Temporal, task queue and codec key. */
export const operatorEnv = (stack: Stack, taskQueue: string): NodeJS.ProcessEnv => ({
  ...process.env,
  BM_RECORDS_URL: stack.records.url,
  ...testRecordKeysEnv(),
  TEMPORAL_ADDRESS: stack.address,
  TEMPORAL_TASK_QUEUE: taskQueue,
  BM_CODEC_KEYS: `test-1:${Buffer.alloc(32, 7).toString('base64')}`,
  BM_CODEC_KEY_ID: 'test-1',
  BM_DATA_DIR: stack.dataDir,
});

/** `npm run verify-records` as an operator runs it, against a stack (its record, Temporal and task queue): JSON and text agree. */
export async function verifyRecordsOn(
  stack: Stack,
  taskQueue: string,
  ...args: string[]
): Promise<{ code: number; findings: Finding[]; text: string }> {
  const env = operatorEnv(stack, taskQueue);
  const run = (extra: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/verify-records.ts'), '--grace-seconds', '0', ...extra], {
      env,
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
  const json = await run(['--json', ...args]);
  const text = await run(args);
  expect(text.code).toBe(json.code);
  return { code: json.code, findings: (JSON.parse(json.out) as { findings: Finding[] }).findings, text: text.out };
}
