/**
 * The in-browser engine, as the page sees it: a proxy to the inference worker. The worker is
 * started lazily on first use, so the page paints and responds before any model code loads.
 *
 * This class only wires the parts together: a WorkerConnection (the worker and its comlink RPC),
 * a Watchdog per load, a GenerationStream per answer (stop, stall watchdog, worker death, events
 * as an async iterable). Every operation listens for the death of the worker it runs on for as
 * long as it runs; nothing is shared between a load and an answer.
 *
 * Stop is immediate: the page writes the request id into a shared stop flag that the worker
 * reads after every token. If the worker does not finish within `stopGraceMs` (a hung kernel),
 * it is terminated and restarted; the answer so far is kept by the caller.
 *
 * Faults: a generation that goes `stallTimeoutMs` without any event, or a load that goes
 * `loadStallTimeoutMs` without progress (a hung or vanished worker, a dead download), fails with
 * WorkerCrashedError, and a DeviceFaultError (lost GPU, out of memory) ends the worker too.
 * Either way the next call starts a fresh worker, with no model loaded.
 */
import { proxy, transfer } from 'comlink';
import { StopFlag } from './worker/stop-flag';
import type { WorkerFault } from './worker/api';
import type { GpuBufferReading } from './worker/gpu-buffer-meter';
import { DeviceFaultError, WorkerCrashedError } from './errors';
import { GenerationStream } from './generation-stream';
import { installErrorTransfer } from './rpc';
import { Watchdog } from './watchdog';
import { WorkerConnection, type WorkerEndpoint } from './worker-connection';
import type {
  ChatMessage,
  Engine,
  GenerationEvent,
  GenerationParams,
  LoadOptions,
  LoadProgress,
  LoadedModel,
  ModelRef,
} from './engine-types';

/** How a BrowserEngine is set up; everything but `createWorker` has a default. */
export interface BrowserEngineOptions {
  /**
   * Creates the module worker (`new Worker(new URL(...), {type: 'module'})` in main.ts); any
   * comlink endpoint that can be terminated and reports crashes as `error` events will do.
   */
  createWorker: () => WorkerEndpoint;
  /** Told about every request the worker makes (URL, epoch ms), for the privacy meter. */
  onWorkerRequest?: (url: string, at: number) => void;
  /** How long a stopped generation may take to wind down before the worker is killed. */
  stopGraceMs?: number;
  /**
   * How long a generation may go without any event before the worker counts as hung. Generous:
   * prefill of a long prompt on a big model can take a minute on a CPU, and Stop always works.
   */
  stallTimeoutMs?: number;
  /**
   * How long a load may go without progress (download bytes, a phase change) before the worker
   * counts as hung, or the download as dead. Longer than for generation: creating the session of
   * a large model reports nothing for a while, and Cancel always works.
   */
  loadStallTimeoutMs?: number;
  /** Epoch-based ms, for the trace of an answer the page ends itself (a stop the worker ignored). */
  now?: () => number;
  /**
   * Tokens leave the worker at most once per this many ms (the page paints once a frame anyway);
   * 0 sends each token in a message of its own. See TimedStreamer.
   */
  tokenBatchMs?: number;
}

/** Default of `BrowserEngineOptions.stallTimeoutMs`: two minutes. */
export const DEFAULT_STALL_TIMEOUT_MS = 120_000;
/** Default of `BrowserEngineOptions.loadStallTimeoutMs`: five minutes. */
export const DEFAULT_LOAD_STALL_TIMEOUT_MS = 300_000;
/** Default of `BrowserEngineOptions.tokenBatchMs`: about a frame. */
export const DEFAULT_TOKEN_BATCH_MS = 16;
const DEFAULT_STOP_GRACE_MS = 3000;

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** The Engine that runs models in the inference worker (see the module comment). */
export class BrowserEngine implements Engine {
  readonly kind = 'browser' as const;
  private connection: WorkerConnection | null = null;
  private readonly stopFlag = new StopFlag();
  private nextRequestId = 1;
  private loaded: LoadedModel | null = null;
  /** See `BrowserEngineOptions.stallTimeoutMs`; settable so tests can shorten it. */
  stallTimeoutMs: number;
  /** See `BrowserEngineOptions.loadStallTimeoutMs`; settable so tests can shorten it. */
  loadStallTimeoutMs: number;

  constructor(private readonly options: BrowserEngineOptions) {
    installErrorTransfer();
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.loadStallTimeoutMs = options.loadStallTimeoutMs ?? DEFAULT_LOAD_STALL_TIMEOUT_MS;
  }

  /** Fault injection (see WorkerApi.injectFault), for end-to-end tests of recovery. */
  async injectFault(kind: WorkerFault, afterTokens?: number): Promise<void> {
    if (!this.connection) throw new Error('The inference worker is not running.');
    await this.connection.api.injectFault(kind, afterTokens);
  }

  /** The worker's live WebGPU buffers and their peak since the model began loading; null without a worker or WebGPU. */
  async gpuMemory(): Promise<GpuBufferReading | null> {
    return this.connection ? this.connection.api.gpuMemory() : null;
  }

  /** Whether the worker has been started (for tests of lazy start). */
  get started(): boolean {
    return this.connection !== null;
  }

  /** The model loaded in the current worker, if any. */
  get current(): LoadedModel | null {
    return this.loaded;
  }

  private ensureWorker(): WorkerConnection {
    if (this.connection) return this.connection;
    const connection = new WorkerConnection(this.options.createWorker(), {
      stopBuffer: this.stopFlag.view.buffer,
      tokenBatchMs: this.options.tokenBatchMs ?? DEFAULT_TOKEN_BATCH_MS,
      onRequest: this.options.onWorkerRequest,
    });
    connection.onDeath(() => this.retire(connection));
    this.connection = connection;
    return connection;
  }

  /** Kills the worker (the only way to stop running wasm); the next call starts a fresh one. */
  terminate(): void {
    this.connection?.terminate();
    this.connection = null;
    this.loaded = null;
  }

  /** Kills `connection` if it is still the current worker: a late timer must not kill its successor. */
  private retire(connection: WorkerConnection): void {
    if (connection === this.connection) this.terminate();
    else connection.terminate();
  }

  async load(model: ModelRef, options: LoadOptions = {}): Promise<LoadedModel> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw abortError();
    const connection = this.ensureWorker();
    this.loaded = null;
    // A failed load can still report progress afterwards (sibling downloads finish in the
    // worker); once the load has settled, those reports must not revive a "loading" state.
    let settled = false;
    // Settles when the load ends other than by the worker's reply: stopped by the user (abort)
    // or by the watchdog, or the worker died.
    let rejectStopped: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      rejectStopped = reject;
    });
    // No sign of progress for too long: a hung worker or a dead download. Either way, kill it.
    const watchdog = new Watchdog(
      () => this.loadStallTimeoutMs,
      (timeout) => {
        this.retire(connection);
        rejectStopped(
          new WorkerCrashedError(
            `Loading ${model.id} showed no progress for ${Math.round(timeout / 1000)} s (a stalled download or a hung worker), so it was stopped. Files that finished downloading stay cached: try again.`,
            { modelId: model.id, stalledMs: timeout },
          ),
        );
      },
    );
    const progress = proxy((p: LoadProgress) => {
      if (settled) return;
      watchdog.touch();
      onProgress?.(p);
    });
    const onAbort = (): void => {
      // A download or session creation cannot be interrupted inside the worker: kill it.
      this.retire(connection);
      rejectStopped(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const stopListening = connection.onDeath(rejectStopped);
    watchdog.touch();
    try {
      this.loaded = await Promise.race([connection.api.load(model, progress), stopped]);
      return this.loaded;
    } catch (error) {
      // A lost device stays lost in this worker: the next attempt (often WASM) gets a fresh one.
      if (error instanceof DeviceFaultError) this.retire(connection);
      throw error;
    } finally {
      settled = true;
      watchdog.stop();
      stopListening();
      // Once loaded, the load's signal must not kill the worker under a later answer.
      signal?.removeEventListener('abort', onAbort);
    }
  }

  chat(messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
    const connection = this.ensureWorker();
    const requestId = this.nextRequestId++;
    // Events come on a port of their own, one way (see EventSink); the stream closes its end.
    const events = new MessageChannel();
    const stream = new GenerationStream({
      requestId,
      port: events.port1,
      stopFlag: this.stopFlag,
      worker: {
        requestStop: (id) => connection.requestStop(id),
        kill: () => this.retire(connection),
        onDeath: (listener) => connection.onDeath(listener),
      },
      stallTimeoutMs: () => this.stallTimeoutMs,
      stopGraceMs: this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
      now: this.options.now ?? (() => performance.timeOrigin + performance.now()),
      signal,
    });
    connection.api
      .generate(requestId, [...messages], params, transfer(events.port2, [events.port2]))
      .catch((error: unknown) => stream.fail(error instanceof Error ? error : new Error(String(error))));
    return stream;
  }

  /**
   * Frees the model and ends its worker: a wasm heap never shrinks, so the memory goes back to the
   * system only with the worker. The next load starts a fresh one.
   */
  async unload(): Promise<void> {
    this.loaded = null;
    const connection = this.connection;
    if (!connection) return;
    await connection.api.unload().catch(() => undefined);
    if (connection === this.connection) this.terminate();
  }
}
