import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker.js';
import { PROCEDURES } from '../../machines/index.js';

const dir = new URL('../histories/', import.meta.url).pathname;
// current/ is what RECORD_HISTORIES=1 npm test records; older folders keep histories written by
// earlier versions of the workflows, as procedures still open in production would have them.
const generations = readdirSync(dir).sort();
const files = generations.flatMap((g) =>
  readdirSync(join(dir, g))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(g, f)),
);

/** Recorded histories replayed by the current workflow code: a non-deterministic change fails here. */
describe('replay of recorded histories', () => {
  it('has recorded histories of every procedure kind from the current code and from an earlier version', () => {
    expect(generations).toContain('current');
    expect(generations.length).toBeGreaterThan(1);
    for (const g of generations)
      for (const kind of Object.keys(PROCEDURES))
        expect(
          files.some((f) => f.startsWith(`${g}/${kind}-`)),
          `${g}/${kind}`,
        ).toBe(true);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      // The SDK reads the history's JSON form itself (the form RECORD_HISTORIES writes).
      const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      expect(workflowType).toBeTruthy();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace('.json', ''));
    });
  }
});
