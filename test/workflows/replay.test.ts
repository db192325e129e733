import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker.js';
import { PROCEDURES } from '../../machines/index.js';

const dir = new URL('../histories/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/**
 * Recorded histories (RECORD_HISTORIES=1 npm test re-records them) replayed by the current
 * workflow code: a non-deterministic change fails here.
 */
describe('replay of recorded histories', () => {
  it('has recorded histories of every procedure kind', () => {
    for (const kind of Object.keys(PROCEDURES)) expect(files.some((f) => f.startsWith(`${kind}-`)), kind).toBe(true);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      expect(workflowType).toBeTruthy();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace('.json', ''));
    });
  }
});
