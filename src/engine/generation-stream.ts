/**
 * The page side of one answer from the inference worker, as a state machine:
 *
 *   streaming --stop()--> stopping --end, or stopGraceMs over: worker killed--> ended
 *   streaming --end | error event, stall, worker death, failed request--> ended
 *
 * Events arrive on a MessagePort of their own (see EventSink in worker/api.ts), in the order the
 * worker posted them, and the worker posts nothing after `end` or `error`. So the terminal event
 * is proof that every event before it has arrived: the stream ends on it and needs no count of
 * events from the worker. (It once had one, from the time events came as comlink callbacks,
 * each on a port of its own and unordered against the reply to generate().)
 *
 * Whatever way it ends, what was delivered stays delivered: the caller keeps the partial answer.
 */
import { AsyncQueue } from './async-queue';
import { DeviceFaultError, WorkerCrashedError, reviveError } from './errors';
import type { GenerationEvent } from './engine-types';
import { Watchdog } from './watchdog';
import type { WorkerEvent } from './worker/api';
import type { StopFlag } from './worker/stop-flag';

/** What a stream needs from the worker that produces it. */
export interface StreamWorker {
  /** Message-based stop, for pages without SharedArrayBuffer (see WorkerApi.stop). */
  requestStop(requestId: number): void;
  /** Kills the worker: it hung, did not stop in time, or its device is gone. */
  kill(): void;
  /** Calls `listener` if the worker dies by itself; returns the way to stop listening. */
  onDeath(listener: (error: Error) => void): () => void;
}

/** One answer's settings. */
export interface GenerationStreamOptions {
  /** The id the worker runs the answer under; the stop flag and the stop message name it. */
  requestId: number;
  /** The page's end of the answer's event port; the stream closes it when it ends. */
  port: MessagePort;
  /** Read by the worker after every token: the instant stop (see StopFlag). */
  stopFlag: StopFlag;
  /** The worker that produces the answer. */
  worker: StreamWorker;
  /** How long the answer may go without any event before the worker counts as hung. */
  stallTimeoutMs: () => number;
  /** How long a stopped answer may take to wind down before the worker is killed. */
  stopGraceMs: number;
  /** Epoch-based ms, for the trace of an answer the page has to end itself. */
  now: () => number;
  /** Aborting it stops the answer (`stop()`). */
  signal?: AbortSignal | undefined;
}

/** `streaming`: events flow, the watchdog runs. `stopping`: the stop grace period decides. */
export type GenerationState = 'streaming' | 'stopping' | 'ended';

/** The events of one answer as the Engine's async iterable; see the module comment. */
export class GenerationStream implements AsyncIterable<GenerationEvent> {
  private current: GenerationState = 'streaming';
  private readonly queue = new AsyncQueue<GenerationEvent>();
  private readonly watchdog: Watchdog;
  private lastTokenAt: number | null = null;
  private grace: ReturnType<typeof setTimeout> | undefined;
  private readonly stopListening: () => void;
  private readonly onAbort = (): void => this.stop();

  /** When the request left the page (the stream is made as it is sent). */
  private readonly sentAt: number;

  constructor(private readonly options: GenerationStreamOptions) {
    this.sentAt = options.now();
    this.watchdog = new Watchdog(options.stallTimeoutMs, (timeout) => this.stalled(timeout));
    options.port.onmessage = (message: MessageEvent<WorkerEvent>) => this.receive(message.data);
    this.stopListening = options.worker.onDeath((error) => this.fail(error));
    this.watchdog.touch();
    const { signal } = options;
    if (signal?.aborted) this.stop();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Where the answer is: see GenerationState. */
  get state(): GenerationState {
    return this.current;
  }

  /**
   * Asks the worker to stop after its current token (shared flag, and a message for workers that
   * cannot read it). If the answer has not ended `stopGraceMs` later (a hung kernel), the worker is
   * killed and the stream ends itself with reason `aborted`.
   */
  stop(): void {
    if (this.current !== 'streaming') return;
    this.current = 'stopping';
    // From here the stop grace period decides; the stall watchdog would only race it.
    this.watchdog.stop();
    const { requestId, stopFlag, worker, stopGraceMs } = this.options;
    stopFlag.request(requestId);
    worker.requestStop(requestId);
    this.grace = setTimeout(() => {
      if (this.current === 'ended') return;
      worker.kill();
      const at = this.options.now();
      const tokenTimes = this.lastTokenAt === null ? [] : [this.lastTokenAt];
      this.end({ type: 'end', reason: 'aborted', trace: { requestAt: at, prefillStartAt: null, tokenTimes, endAt: at, promptTokens: 0 } });
    }, stopGraceMs);
  }

  /** Ends the stream with `error` after what was delivered (the worker died, the request failed). */
  fail(error: Error): void {
    if (this.current === 'ended') return;
    this.finish();
    this.queue.fail(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<GenerationEvent> {
    return this.queue[Symbol.asyncIterator]();
  }

  private receive(event: WorkerEvent): void {
    if (this.current === 'ended') return;
    if (event.type === 'error') {
      const error = reviveError(event.error);
      // The worker's device is gone; a fresh worker is the only way to get a working one.
      if (error instanceof DeviceFaultError) this.options.worker.kill();
      this.fail(error);
      return;
    }
    if (event.type === 'end') {
      this.end({ ...event, trace: { ...event.trace, sentAt: this.sentAt } });
      return;
    }
    if (event.type === 'token' || event.type === 'reasoning') this.lastTokenAt = event.at;
    this.watchdog.touch();
    this.queue.push(event);
  }

  private stalled(timeout: number): void {
    if (this.current !== 'streaming') return;
    this.options.worker.kill();
    this.fail(
      new WorkerCrashedError(
        `The inference worker stopped answering for ${Math.round(timeout / 1000)} s and was restarted. The answer so far is kept; the model is loaded again.`,
        { stalledMs: timeout },
      ),
    );
  }

  private end(event: GenerationEvent & { type: 'end' }): void {
    this.finish();
    this.queue.push(event);
    this.queue.close();
  }

  /** Whatever the way out: no timer, listener or port outlives the answer. */
  private finish(): void {
    this.current = 'ended';
    this.watchdog.stop();
    clearTimeout(this.grace);
    this.options.port.close();
    this.stopListening();
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }
}
