import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker.js';
import { PROCEDURES } from '../../machines/index.js';
import { historyFromJSON } from '../support/history-json.js';

const dir = new URL('../histories/', import.meta.url).pathname;
// current/ is what RECORD_HISTORIES=1 npm test records; older folders keep histories written by
// earlier versions of the workflows, as procedures still open in production would have them.
const generations = readdirSync(dir).sort();
const files = generations.flatMap((g) =>
  readdirSync(join(dir, g))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(g, f)),
);

/**
 * The workflow id a history was recorded under, which a prepared start is sealed for (its input is
 * not sealed in these tests): replayed under another id it would be refused. Older starts never read it.
 */
function recordedId(json: {
  events?: Array<{ workflowExecutionStartedEventAttributes?: { input?: { payloads?: Array<{ data?: string }> } } }>;
}) {
  const data = json.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const start = data ? (JSON.parse(Buffer.from(data, 'base64').toString()) as { sealedFor?: { procedureId?: string } }) : undefined;
  return start?.sealedFor?.procedureId;
}

/** Recorded histories replayed by the current workflow code: a non-deterministic change fails here. */
describe('replay of recorded histories', () => {
  // One replay worker for all of them (a worker per history took a minute); each keeps its own test.
  // The worker replays them one after the other and answers in the same order.
  const results = new Map<string, ReplayResult>();
  beforeAll(async () => {
    const histories = files.map((file) => {
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      return { workflowId: recordedId(json) ?? file, history: historyFromJSON(json) };
    });
    let i = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      expect(r.workflowId).toBe(histories[i]!.workflowId);
      results.set(files[i++]!, r);
    }
  });

  it('has recorded histories of every procedure kind from the current code, and of each kind in every generation since its first', () => {
    expect(generations).toContain('current');
    expect(generations.length).toBeGreaterThan(1);
    // Dated generations sort before 'current'; a kind added later (定密纠正, 2026-12-07) starts where its first history is.
    const has = (g: string, kind: string) => files.some((f) => f.startsWith(`${g}/${kind}-`));
    for (const kind of Object.keys(PROCEDURES)) {
      const first = generations.findIndex((g) => has(g, kind));
      expect(first, `${kind}: no recorded history`).toBeGreaterThanOrEqual(0);
      for (const g of generations.slice(first)) expect(has(g, kind), `${g}/${kind}`).toBe(true);
    }
    // The five procedures of the first generation have histories from an earlier version of the code.
    for (const kind of ['unclear-matter', 'objection', 'leak', 'appraisal', 'annual-inspection'])
      expect(has(generations[0]!, kind), `${generations[0]}/${kind}`).toBe(true);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, () => {
      const history = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBeTruthy();
      const result = results.get(file);
      expect(result, 'replayed').toBeDefined();
      if (result?.error) throw result.error;
    });
  }
});
