/**
 * The other end of a comlink channel, in a thread of its own (node:worker_threads, run through
 * tsx), for rpc.test.ts: a separate realm with its own comlink module, so whether it has installed
 * our error transfer is up to it, as it is for a real Web Worker. The test thread and this one share
 * nothing but the MessagePort.
 */
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import { threadEndpoint } from './thread-endpoint';
import { ModelLoadError } from '../../src/engine/errors';
import { installErrorTransfer } from '../../src/engine/rpc';

/** What the test asks this thread to be. */
export interface PeerOptions {
  port: MessagePort;
  /** 'throw': expose PeerApi. 'call': call PeerApi.fail on the other side, post back what came. */
  role: 'throw' | 'call';
  /** Install our error transfer here (as inference.worker.ts does) or keep comlink's stock one. */
  install: boolean;
  /** For 'call': the kind to ask for. */
  kind?: string;
}

/** What a 'call' peer saw thrown, posted to the test thread. */
export interface Caught {
  isError: boolean;
  name: string;
  message: string;
  details: unknown;
}

/** What a 'throw' peer exposes. */
export interface PeerApi {
  /** Always fails: with the error `kind` names (a plain Error with `kind` as its message otherwise). */
  fail(kind: string): Promise<void>;
}

const peerApi: PeerApi = {
  fail(kind) {
    if (kind === 'load')
      throw new ModelLoadError('Could not load pocket-chat-3m (fp32) on WASM: protobuf parsing failed', { modelId: 'pocket-chat-3m' });
    if (kind === 'range') throw new RangeError('offset is outside the bounds of the DataView');
    if (kind === 'string') throw 'a thrown string'; // eslint-disable-line @typescript-eslint/only-throw-error -- what some libraries do
    throw new Error(kind);
  },
};

function isOptions(x: unknown): x is PeerOptions {
  return typeof x === 'object' && x !== null && 'port' in x && x.port instanceof MessagePort && 'role' in x && 'install' in x;
}

function run(options: PeerOptions): void {
  if (options.install) installErrorTransfer();
  if (options.role === 'throw') {
    expose(peerApi, threadEndpoint(options.port));
    return;
  }
  wrap<PeerApi>(threadEndpoint(options.port))
    .fail(options.kind ?? 'plain')
    .then(
      () => parentPort?.postMessage({ isError: false, name: '', message: 'no rejection', details: null } satisfies Caught),
      (error: unknown) => {
        const e = error instanceof Error ? error : null;
        const details = e && 'details' in e ? e.details : null;
        parentPort?.postMessage({
          isError: e !== null,
          name: e?.name ?? typeof error,
          message: e?.message ?? String(error),
          details,
        } satisfies Caught);
      },
    );
}

const options: unknown = workerData;
if (!isOptions(options)) throw new Error('comlink-peer: workerData must be PeerOptions');
run(options);
