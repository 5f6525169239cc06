/**
 * The page's handle on one started inference worker: its typed RPC, how it is told about the
 * page (stop flag, token batching, request log), and how it ends, by itself or by us.
 */
import { proxy, releaseProxy, wrap, type Endpoint, type Remote } from 'comlink';
import type { WorkerApi } from './worker/api';
import { WorkerCrashedError } from './errors';

/**
 * What the engine needs of a worker: a comlink endpoint that can be killed, and that reports an
 * uncaught error as an `error` event. A DOM `Worker` is one; Node tests use a MessagePort.
 */
export interface WorkerEndpoint extends Endpoint {
  terminate(): void;
}

/** What a new worker is told before its first request. */
export interface WorkerSetup {
  stopBuffer: SharedArrayBuffer | ArrayBuffer;
  tokenBatchMs: number;
  onRequest?: ((url: string, at: number) => void) | undefined;
}

/** The text of a worker's `error` event (an ErrorEvent in browsers; any Event in tests). */
function errorText(event: Event): string {
  const message = 'message' in event ? event.message : undefined;
  return typeof message === 'string' && message ? message : 'unknown error';
}

/** One worker, from start to end. */
export class WorkerConnection {
  /** The worker's API; unusable (comlink throws) once the worker was terminated. */
  readonly api: Remote<WorkerApi>;
  private readonly deathListeners = new Set<(error: WorkerCrashedError) => void>();
  private ended = false;

  constructor(
    private readonly worker: WorkerEndpoint,
    setup: WorkerSetup,
  ) {
    worker.addEventListener('error', (event) => {
      this.die(new WorkerCrashedError(`The inference worker crashed: ${errorText(event)}. It will restart on the next request.`));
    });
    this.api = wrap<WorkerApi>(worker);
    void this.api.init(setup.stopBuffer, { tokenBatchMs: setup.tokenBatchMs });
    const onRequest = setup.onRequest;
    // Each new worker reports its own requests; a restarted one starts a new subscription.
    if (onRequest) void this.api.watchRequests(proxy((url: string, at: number) => onRequest(url, at))).catch(() => undefined);
  }

  /**
   * Calls `listener` once if the worker dies by itself (an uncaught error); returns the way to
   * stop listening. A load and an answer each listen for the time they run. Not called when we
   * terminate the worker: whoever does so settles its own operation.
   */
  onDeath(listener: (error: WorkerCrashedError) => void): () => void {
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  /**
   * The message-based stop (see WorkerApi.stop). A worker already gone has nothing to stop, and
   * its released proxy would throw.
   */
  requestStop(requestId: number): void {
    if (!this.ended) void this.api.stop(requestId).catch(() => undefined);
  }

  /** Kills the worker (the only way to stop running wasm). Idempotent. */
  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.deathListeners.clear();
    this.api[releaseProxy]();
    this.worker.terminate();
  }

  private die(error: WorkerCrashedError): void {
    if (this.ended) return;
    const listeners = [...this.deathListeners];
    this.terminate();
    for (const listener of listeners) listener(error);
  }
}
