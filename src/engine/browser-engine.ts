/**
 * The in-browser engine, as the page sees it: a proxy to the inference worker. The worker is
 * started lazily on first use, so the page paints and responds before any model code loads.
 *
 * Stop is immediate: the page writes the request id into a shared stop flag that the worker
 * reads after every token. If the worker does not finish within `stopGraceMs` (a hung kernel),
 * it is terminated and restarted; the answer so far is kept by the caller.
 *
 * Faults: a generation that goes `stallTimeoutMs` without any event (a hung or vanished worker)
 * fails with WorkerCrashedError, and a DeviceFaultError (lost GPU, out of memory) ends the worker
 * too. Either way the next call starts a fresh worker, with no model loaded.
 */
import { proxy, releaseProxy, transfer, wrap, type Remote } from 'comlink';
import { StopFlag } from './worker/stop-flag';
import type { WorkerApi, WorkerEvent, WorkerFault } from './worker/api';
import { AsyncQueue } from './async-queue';
import { DeviceFaultError, WorkerCrashedError, reviveError } from './errors';
import { installErrorTransfer } from './rpc';
import type {
  ChatMessage,
  Engine,
  GenerationEvent,
  GenerationParams,
  LoadOptions,
  LoadedModel,
  ModelRef,
} from './engine-types';

export interface BrowserEngineOptions {
  /** Creates the module worker (`new Worker(new URL(...), {type: 'module'})` in main.ts). */
  createWorker: () => Worker;
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
  now?: () => number;
  /**
   * Tokens leave the worker at most once per this many ms (the page paints once a frame anyway);
   * 0 sends each token in a message of its own. See TimedStreamer.
   */
  tokenBatchMs?: number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 120_000;
export const DEFAULT_LOAD_STALL_TIMEOUT_MS = 300_000;
export const DEFAULT_TOKEN_BATCH_MS = 16;

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

export class BrowserEngine implements Engine {
  readonly kind = 'browser' as const;
  private worker: Worker | null = null;
  private api: Remote<WorkerApi> | null = null;
  private readonly stopFlag = new StopFlag();
  private nextRequestId = 1;
  private loaded: LoadedModel | null = null;
  private crash: ((error: Error) => void) | null = null;
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
    if (!this.api) throw new Error('The inference worker is not running.');
    await this.api.injectFault(kind, afterTokens);
  }

  /** Whether the worker has been started (for tests of lazy start). */
  get started(): boolean {
    return this.worker !== null;
  }

  get current(): LoadedModel | null {
    return this.loaded;
  }

  private ensureWorker(): Remote<WorkerApi> {
    if (this.api) return this.api;
    const worker = this.options.createWorker();
    worker.addEventListener('error', (event) => {
      this.crash?.(new WorkerCrashedError(`The inference worker crashed: ${event.message || 'unknown error'}. It will restart on the next request.`));
      this.terminate();
    });
    const api = wrap<WorkerApi>(worker);
    void api.init(this.stopFlag.view.buffer, { tokenBatchMs: this.options.tokenBatchMs ?? DEFAULT_TOKEN_BATCH_MS });
    const onRequest = this.options.onWorkerRequest;
    // Each new worker reports its own requests; a restarted one starts a new subscription.
    if (onRequest) void api.watchRequests(proxy((url: string, at: number) => onRequest(url, at))).catch(() => undefined);
    this.worker = worker;
    this.api = api;
    return api;
  }

  /** Kills the worker (the only way to stop running wasm); the next call starts a fresh one. */
  terminate(): void {
    this.api?.[releaseProxy]();
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.loaded = null;
  }

  async load(model: ModelRef, options: LoadOptions = {}): Promise<LoadedModel> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw abortError();
    const api = this.ensureWorker();
    this.loaded = null;
    // A failed load can still report progress afterwards (sibling downloads finish in the
    // worker); once the load has settled, those reports must not revive a "loading" state.
    let settled = false;
    // Settles when the load is stopped from the page: by the user (abort) or by the watchdog.
    let rejectStopped: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      rejectStopped = reject;
    });
    // No sign of progress for too long: a hung worker or a dead download. Either way, kill it.
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const armWatchdog = (): void => {
      clearTimeout(watchdog);
      const timeout = this.loadStallTimeoutMs;
      watchdog = setTimeout(() => {
        this.terminate();
        rejectStopped(
          new WorkerCrashedError(
            `Loading ${model.id} showed no progress for ${Math.round(timeout / 1000)} s (a stalled download or a hung worker), so it was stopped. Files that finished downloading stay cached: try again.`,
            { modelId: model.id, stalledMs: timeout },
          ),
        );
      }, timeout);
    };
    const progress = proxy((p: Parameters<NonNullable<LoadOptions['onProgress']>>[0]) => {
      if (settled) return;
      armWatchdog();
      onProgress?.(p);
    });
    const onAbort = (): void => {
      // A download or session creation cannot be interrupted inside the worker: kill it.
      this.terminate();
      rejectStopped(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const crashed = new Promise<never>((_, reject) => {
      this.crash = reject;
    });
    armWatchdog();
    try {
      this.loaded = await Promise.race([api.load(model, progress), stopped, crashed]);
      return this.loaded;
    } catch (error) {
      // A lost device stays lost in this worker: the next attempt (often WASM) gets a fresh one.
      if (error instanceof DeviceFaultError) this.terminate();
      throw error;
    } finally {
      settled = true;
      clearTimeout(watchdog);
      this.crash = null;
      // Once loaded, the load's signal must not kill the worker under a later answer.
      signal?.removeEventListener('abort', onAbort);
    }
  }

  chat(messages: readonly ChatMessage[], params: GenerationParams, signal?: AbortSignal): AsyncIterable<GenerationEvent> {
    const api = this.ensureWorker();
    const requestId = this.nextRequestId++;
    const queue = new AsyncQueue<GenerationEvent>();
    const now = this.options.now ?? (() => performance.timeOrigin + performance.now());
    let ended = false;
    let lastTokenAt: number | null = null;
    let received = 0;
    let expected: number | null = null;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    // Events come on a port of their own, one way (see EventSink); it closes with the stream.
    const events = new MessageChannel();
    const fail = (error: Error): void => {
      ended = true;
      clearTimeout(watchdog);
      events.port1.close();
      queue.fail(error);
    };
    let stopping = false;
    const armWatchdog = (): void => {
      clearTimeout(watchdog);
      if (ended || stopping) return;
      const timeout = this.stallTimeoutMs;
      watchdog = setTimeout(() => {
        if (ended) return;
        this.terminate();
        fail(
          new WorkerCrashedError(
            `The inference worker stopped answering for ${Math.round(timeout / 1000)} s and was restarted. The answer so far is kept; the model is loaded again.`,
            { stalledMs: timeout },
          ),
        );
      }, timeout);
    };
    const close = (): void => {
      events.port1.close();
      queue.close();
    };
    const settleIfComplete = (): void => {
      if (expected !== null && received >= expected) close();
    };
    const onEvent = (event: WorkerEvent): void => {
      received++;
      if (event.type === 'error') {
        const error = reviveError(event.error);
        // The worker's device is gone; a fresh worker is the only way to get a working one.
        if (error instanceof DeviceFaultError) this.terminate();
        fail(error);
        return;
      }
      if (event.type === 'token') lastTokenAt = event.at;
      if (event.type === 'end') {
        ended = true;
        clearTimeout(watchdog);
      } else {
        armWatchdog();
      }
      queue.push(event);
      settleIfComplete();
    };
    events.port1.onmessage = (message: MessageEvent<WorkerEvent>) => onEvent(message.data);
    this.crash = fail;
    armWatchdog();

    const onAbort = (): void => {
      if (ended) return;
      // From here the stop grace period decides; the stall watchdog would only race it.
      stopping = true;
      clearTimeout(watchdog);
      this.stopFlag.request(requestId);
      void api.stop(requestId).catch(() => undefined);
      const grace = this.options.stopGraceMs ?? 3000;
      setTimeout(() => {
        if (ended) return;
        // The worker did not wind down: kill it and end the stream ourselves.
        this.terminate();
        const at = now();
        queue.push({
          type: 'end',
          reason: 'aborted',
          trace: { requestAt: at, prefillStartAt: null, tokenTimes: lastTokenAt === null ? [] : [lastTokenAt], endAt: at, promptTokens: 0 },
        });
        close();
      }, grace);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });

    api
      .generate(requestId, [...messages], params, transfer(events.port2, [events.port2]))
      .then((count) => {
        expected = count;
        settleIfComplete();
      })
      .catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        signal?.removeEventListener('abort', onAbort);
        this.crash = null;
      });
    return queue;
  }

  async unload(): Promise<void> {
    this.loaded = null;
    if (this.api) await this.api.unload();
  }
}
