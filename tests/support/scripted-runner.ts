/**
 * A stand-in for the transformers.js ModelRunner, for tests of everything around it (the worker
 * API, the browser engine) in Node without a model: it loads nothing and answers with scripted
 * text, token by token, reading the stop flag after every token the way the real runner's
 * stopping criterion does. The real runner has its own tests (tests/node/runner.test.ts).
 */
import type { GenerationEvent, LoadProgress, LoadedModel, ModelRef } from '../../src/engine/engine-types';
import { ModelNotLoadedError } from '../../src/engine/errors';
import type { Runner } from '../../src/engine/worker/api';
import type { StopFlag } from '../../src/engine/worker/stop-flag';

/** What one scripted generation can see and do. */
export interface GenerateContext {
  requestId: number;
  emit: (event: GenerationEvent) => void;
  /** Whether the page has asked this request to stop (the shared flag, or a stop message). */
  stopRequested: () => boolean;
}

/** What the runner does; absent parts behave like a runner with no model. */
export interface RunnerScript {
  load?: (ref: ModelRef, onProgress: (p: LoadProgress) => void) => Promise<LoadedModel>;
  generate?: (context: GenerateContext) => Promise<void>;
}

/** The LoadedModel a scripted load resolves with. */
export function loadedModel(ref: ModelRef): LoadedModel {
  return { modelId: ref.id, backend: 'wasm', dtype: ref.dtype, detail: 'scripted', contextLength: ref.contextLength, loadMs: 0 };
}

/** A Runner that follows `script`. */
export class ScriptedRunner implements Runner {
  constructor(
    private readonly flag: StopFlag,
    private readonly script: RunnerScript,
  ) {}

  load(ref: ModelRef, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    return this.script.load ? this.script.load(ref, onProgress) : Promise.resolve(loadedModel(ref));
  }

  generate(requestId: number, _messages: unknown, _params: unknown, emit: (event: GenerationEvent) => void): Promise<void> {
    if (!this.script.generate) return Promise.reject(new ModelNotLoadedError());
    return this.script.generate({ requestId, emit, stopRequested: () => this.flag.isRequested(requestId) });
  }

  unload(): Promise<void> {
    return Promise.resolve();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How a scripted answer goes. */
export interface AnswerOptions {
  /** Pause before each token (a real decode step), in ms. */
  everyMs?: number;
  /** After this many tokens, do `then` instead of going on. */
  after?: number;
  /** 'hang': never emit or return again; an Error: throw it (the API sends it as an error event). */
  then?: 'hang' | Error;
  /** Told the number of tokens emitted so far, after each one. */
  onToken?: (emitted: number) => void;
}

/**
 * A generation that emits `start`, then `tokens` one per event, stopping after the token during
 * which a stop was requested (reason `aborted`), else ending with `eos`.
 */
export function answer(tokens: readonly string[], options: AnswerOptions = {}): (context: GenerateContext) => Promise<void> {
  return async ({ emit, stopRequested }) => {
    const requestAt = Date.now();
    const tokenTimes: number[] = [];
    emit({ type: 'start', promptTokens: 3, maxNewTokens: tokens.length });
    let reason: 'eos' | 'aborted' = 'eos';
    for (const text of tokens) {
      if (tokenTimes.length === options.after) {
        if (options.then === 'hang') await new Promise<never>(() => undefined);
        if (options.then instanceof Error) throw options.then;
      }
      await sleep(options.everyMs ?? 1);
      const at = Date.now();
      tokenTimes.push(at);
      emit({ type: 'token', text, at });
      options.onToken?.(tokenTimes.length);
      if (stopRequested()) {
        reason = 'aborted';
        break;
      }
    }
    emit({ type: 'end', reason, trace: { requestAt, prefillStartAt: requestAt, tokenTimes, endAt: Date.now(), promptTokens: 3 } });
  };
}
