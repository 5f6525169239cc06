/**
 * What the inference worker exposes over comlink. Kept free of browser globals and of
 * transformers.js (the runner comes from the caller), so the same API runs in Node: tests drive it
 * over a MessageChannel, with onnxruntime-node or a scripted runner underneath.
 */
import { serializeError, type SerializedError } from '../errors';
import type { ChatMessage, GenerationEvent, GenerationParams, LoadProgress, LoadedModel, ModelRef } from '../engine-types';
import type { GpuBufferMeter, GpuBufferReading } from './gpu-buffer-meter';
import type { ModelRunner } from './model-runner';
import { StopFlag } from './stop-flag';

/**
 * What flows back during a generation. Errors travel on the same port as tokens: messages on two
 * different ports are not ordered, so a reply on the main port could overtake the last tokens.
 */
export type WorkerEvent = GenerationEvent | { type: 'error'; error: SerializedError };

/**
 * Where a generation's events go: a MessagePort in the browser. One-way on purpose: a comlink
 * callback per token costs a reply message per token too, which measurably slowed decoding in
 * the worker (`npm run bench:engine`); a posted message costs the worker nothing further.
 */
export interface EventSink {
  postMessage(event: WorkerEvent): void;
}

export interface WorkerApi {
  /**
   * Shares the stop flag (a SharedArrayBuffer when the page is cross-origin isolated), and says how
   * often tokens may leave for the page (see TimedStreamer; 0: each on its own).
   */
  init(stopBuffer: SharedArrayBuffer | ArrayBuffer, options?: { tokenBatchMs?: number }): void;
  load(ref: ModelRef, onProgress: (p: LoadProgress) => unknown): Promise<LoadedModel>;
  /**
   * Posts events to `events`, ending with `end` or `error` (nothing follows either), and resolves
   * once that last event is posted. The page needs nothing from the reply: the terminal event on
   * the ordered port tells it that every event has arrived.
   */
  generate(requestId: number, messages: ChatMessage[], params: GenerationParams, events: EventSink): Promise<void>;
  /** Message-based stop, for pages without SharedArrayBuffer (takes effect between tokens). */
  stop(requestId: number): void;
  unload(): Promise<void>;
  /**
   * The WebGPU buffers alive in this worker and their peak since the last load began (see
   * gpu-buffer-meter.ts); null where the worker has no WebGPU.
   */
  gpuMemory(): GpuBufferReading | null;
  /** Reports every request this worker makes (URL, epoch ms), past ones included. */
  watchRequests(onRequest: (url: string, at: number) => unknown): void;
  /**
   * Fault injection for tests and the curious: see `WorkerFault`. Resolves before the fault hits:
   * at once, or with `afterTokens`, right after the next answer has sent that many tokens (a
   * fault that lands mid-answer on any device, however fast it decodes).
   */
  injectFault(kind: WorkerFault, afterTokens?: number): Promise<void>;
}

/**
 * - `device-lost`: destroys the WebGPU device the model runs on (as a driver reset would).
 * - `device-lost-next-load`: the same, during the next WebGPU load (after its session is made,
 *   before its warm-up run).
 * - `hang`: the worker spins forever and never answers again.
 * - `exit`: the worker closes itself, as if the browser had killed it.
 */
export type WorkerFault = 'device-lost' | 'device-lost-next-load' | 'hang' | 'exit';

/** The part of ModelRunner the API drives. */
export type Runner = Pick<ModelRunner, 'load' | 'generate' | 'unload'>;

/** Makes the runner, for a stop flag and a token batching interval (see ModelRunner). */
export type RunnerFactory = (flag: StopFlag, tokenBatchMs: number) => Runner;

/** What the worker adds around the runner: the privacy meter's source and fault injection. */
export interface WorkerHooks {
  watchRequests?: WorkerApi['watchRequests'];
  /** Makes the fault happen soon, after the current call has answered. */
  injectFault?: (kind: WorkerFault) => Promise<void>;
  /** Makes the fault happen now, in the middle of whatever runs (never returns for a hang). */
  triggerFault?: (kind: WorkerFault) => void;
  /** Counts the worker's WebGPU buffers; absent without WebGPU (and in Node). */
  gpuBuffers?: Pick<GpuBufferMeter, 'reading' | 'resetPeak'> | null;
}

/** The worker's API around the runner `makeRunner` makes (again at `init`, for the page's flag). */
export function createWorkerApi(makeRunner: RunnerFactory, hooks: WorkerHooks = {}): WorkerApi {
  let flag = new StopFlag();
  let runner = makeRunner(flag, 0);
  // A fault waiting for the next answer's n-th token.
  let armed: { kind: WorkerFault; afterTokens: number } | null = null;
  return {
    init(stopBuffer, options) {
      flag = new StopFlag(stopBuffer);
      runner = makeRunner(flag, options?.tokenBatchMs ?? 0);
    },
    load: (ref, onProgress) => {
      hooks.gpuBuffers?.resetPeak();
      return runner.load(ref, (p) => ignoreRejection(onProgress(p)));
    },
    async generate(requestId, messages, params, events) {
      let tokens = 0;
      let fault = armed;
      armed = null;
      const send = (e: WorkerEvent): void => {
        events.postMessage(e);
        if ((e.type !== 'token' && e.type !== 'reasoning') || !fault) return;
        tokens += e.count ?? 1;
        // Tokens come in batches: the fault strikes after the batch that reaches its count.
        if (tokens >= fault.afterTokens) {
          hooks.triggerFault?.(fault.kind);
          fault = null;
        }
      };
      try {
        await runner.generate(requestId, messages, params, send);
      } catch (error) {
        send({ type: 'error', error: serializeError(error) });
      }
    },
    stop(requestId) {
      flag.request(requestId);
    },
    unload: () => runner.unload(),
    gpuMemory: () => hooks.gpuBuffers?.reading() ?? null,
    watchRequests(onRequest) {
      hooks.watchRequests?.((url, at) => ignoreRejection(onRequest(url, at)));
    },
    async injectFault(kind, afterTokens) {
      if (!hooks.injectFault || !hooks.triggerFault) throw new Error('This worker cannot inject faults.');
      if (afterTokens === undefined) await hooks.injectFault(kind);
      else armed = { kind, afterTokens };
    },
  };
}

/** Calls through a comlink proxy return promises; a closed page must not cause unhandled rejections. */
function ignoreRejection(result: unknown): void {
  if (result instanceof Promise) result.catch(() => undefined);
}
