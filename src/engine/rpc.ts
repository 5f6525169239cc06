/**
 * The typed RPC between the page and the inference worker, built on comlink: the worker exposes
 * `WorkerApi`, the page holds a `Remote<WorkerApi>`. Errors cross it with their class, message and
 * details intact, because both sides install the same `throw` transfer handler.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { reviveError, serializeError, type SerializedError } from './errors';

let installed = false;

/** Replaces comlink's error transfer (which keeps only name and message) with ours. Idempotent. */
export function installErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get('throw');
  if (!original) throw new Error('comlink has no "throw" transfer handler to extend');
  const handler: TransferHandler<{ value: unknown }, SerializedError> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [serializeError(value), []],
    deserialize: (data) => {
      throw reviveError(data);
    },
  };
  transferHandlers.set('throw', handler);
  installed = true;
}
