import type { DataConverter } from '@temporalio/common';
import { FAILURE_CONVERTER_PATH, PAYLOAD_CONVERTER_PATH } from '../../temporal/codec.js';

/**
 * The converters of production without the codec, for tests whose clients hold no key (the
 * time-skipping server, restarts): activity failures carry their text as the workflow's failure
 * converter expects (temporal/converters.ts).
 */
export const unsealedDataConverter: DataConverter = {
  payloadConverterPath: PAYLOAD_CONVERTER_PATH,
  failureConverterPath: FAILURE_CONVERTER_PATH,
};
