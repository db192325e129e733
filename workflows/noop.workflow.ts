import { condition, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

/** A workflow that does nothing: the baseline of `npm run bench` (raw Temporal starts). */
export async function noopWorkflow(): Promise<void> {}

/** An Update that does nothing: the baseline of an event's round trip (`npm run bench`). */
export const noopUpdate = defineUpdate<void>('noop');

/** A workflow that answers `noopUpdate` and otherwise waits: the bench's raw Update round trip. */
export async function noopUpdateWorkflow(): Promise<void> {
  setHandler(noopUpdate, () => {});
  await condition(() => false);
}

/** A workflow whose one timer fires at an instant and that then ends: the raw baseline of a deadline storm. */
export async function noopTimerWorkflow(atMs: number): Promise<void> {
  await sleep(Math.max(1, atMs - Date.now()));
}
