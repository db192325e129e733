/**
 * The payload and failure converters of every client and worker, loaded by path (also into the
 * workflow bundle, worker/worker.ts). Outside the bundle the SDK `require`s this file as it is:
 * so it holds no type annotations and imports only from the SDK (types come from context).
 */
import {
  ApplicationFailure,
  BinaryPayloadConverter,
  CompositePayloadConverter,
  DefaultFailureConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from '@temporalio/common';

/**
 * What the codec (temporal/codec.ts) turns a payload into when it does not open (not sealed, an
 * unknown key id, a failed authentication tag): its content dropped, the reason in its place.
 * Reading it fails with that reason. So a plaintext Update is rejected before its validator runs
 * (nothing recorded), a plaintext start input never reaches the driver, and a client never shows
 * an unsealed answer (SPEC §5). The codec itself never throws on what an outsider sent: that
 * would fail the workflow task again and again.
 */
export const REFUSED_ENCODING = 'binary/refused-unsealed';

/** The default converters (undefined, bytes, JSON) and the refusal. */
export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new JsonPayloadConverter(),
  {
    encodingType: REFUSED_ENCODING,
    toPayload: () => undefined,
    fromPayload(payload) {
      throw ApplicationFailure.nonRetryable(new TextDecoder().decode(payload.data ?? new Uint8Array()), 'RefusedPayload');
    },
  },
);

/**
 * Failure messages and stack traces go into the payload that the codec seals (SPEC §5): a
 * refusal or an activity error may quote what a department sent. Every failure our SDKs write
 * carries them sealed in `encodedAttributes`; an application failure without them, or with an
 * unsealed one, was written by someone else (e.g. `temporal activity fail` from the CLI) and its
 * text is not believed: it becomes a refusal. Failures Temporal itself makes (timeouts,
 * cancellation, termination, the activity and child-workflow wrappers) carry no application
 * text and pass.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
const convert = failureConverter.failureToError.bind(failureConverter);
const refusal = () =>
  ApplicationFailure.create({
    type: 'UnsealedFailure',
    nonRetryable: true,
    message: 'refused: a failure not sealed by the payload codec; its message and details were dropped unread',
  });
// An own property: the causes, converted through `this.failureToError`, are checked too.
failureConverter.failureToError = (failure, converter, context) => {
  const encoding = failure.encodedAttributes?.metadata?.encoding;
  if (failure.applicationFailureInfo && (!encoding || new TextDecoder().decode(encoding) === REFUSED_ENCODING)) return refusal();
  try {
    return convert(failure, converter, context);
  } catch (e) {
    if (e instanceof ApplicationFailure && e.type === 'RefusedPayload') return refusal(); // unsealed details
    throw e;
  }
};
