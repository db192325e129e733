import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into the payload that the codec seals (SPEC §5): a
 * refusal or an activity error may quote what a department sent. Loaded by path, so that the
 * workflow bundle carries it too (worker/worker.ts).
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
