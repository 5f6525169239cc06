/**
 * The typed RPC between the page and its workers, built on comlink: a worker exposes its API, the
 * page holds a `Remote` of it. Errors cross it with their class, message and details intact when
 * both sides install the `throw` transfer handler below, and with name and message when only one
 * side does: our wire form keeps comlink's own shape, so either side's comlink can read the other's.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { reviveError, serializeError, type SerializedError } from './errors';

/**
 * What crosses the channel for a thrown value. comlink's stock handler sends
 * `{ isError: true, value: { name, message, stack } }` for an Error and `{ isError: false, value }`
 * for anything else; ours always sends the first form, with `details` added.
 */
export type ThrownOnTheWire = { isError: true; value: Partial<SerializedError> } | { isError: false; value: unknown };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function stringField(from: Record<string, unknown>, key: string): string | undefined {
  const v = from[key];
  return typeof v === 'string' ? v : undefined;
}

function detailsField(from: Record<string, unknown>): SerializedError['details'] {
  const d = from['details'];
  if (!isRecord(d)) return {};
  const details: SerializedError['details'] = {};
  for (const [k, v] of Object.entries(d)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  return details;
}

/**
 * The error a thrown value on the wire stands for, whichever comlink handler sent it. A form it
 * cannot read still becomes an Error that says so, never one without a message.
 */
export function errorFromWire(data: unknown): Error {
  if (isRecord(data) && data['isError'] === true && isRecord(data['value'])) {
    const v = data['value'];
    const stack = stringField(v, 'stack');
    return reviveError({
      name: stringField(v, 'name') ?? 'Error',
      message: stringField(v, 'message') ?? '(the worker sent an error without a message)',
      details: detailsField(v),
      ...(stack ? { stack } : {}),
    });
  }
  if (isRecord(data) && data['isError'] === false) {
    const value = data['value'];
    return value instanceof Error ? value : new Error(`The worker threw a value that is not an Error: ${String(value)}`);
  }
  return new Error(`The worker's error reply could not be read (a ${typeof data}, not comlink's error form).`);
}

let installed = false;

/** Replaces comlink's error transfer (which keeps only name and message) with ours. Idempotent. */
export function installErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get('throw');
  if (!original) throw new Error('comlink has no "throw" transfer handler to extend');
  const handler: TransferHandler<{ value: unknown }, ThrownOnTheWire> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize: ({ value }) => [{ isError: true, value: serializeError(value) }, []],
    deserialize: (data) => {
      throw errorFromWire(data);
    },
  };
  transferHandlers.set('throw', handler);
  installed = true;
}
