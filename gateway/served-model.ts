/**
 * One served model: loads it into the playground's own ModelRunner (the code the browser worker
 * runs, here on onnxruntime-node), so sampling, token counting and the context-window rules are
 * exactly the app's; unloads it; runs its generations and stops them.
 */
import type { ChatMessage, GenerationEvent, GenerationParams } from '../src/engine/engine-types';
import { ModelRunner, type RunnerHooks } from '../src/engine/worker/model-runner';
import { StopFlag } from '../src/engine/worker/stop-flag';
import { ApiError, modelNotLoaded } from './api-error';
import { isCached, verifyFiles, type GatewayModel } from './models';
import { errorMessage } from '../src/errors/error-message';

/** Epoch-based milliseconds, like the browser's `performance.timeOrigin + performance.now()`. */
const now = (): number => performance.timeOrigin + performance.now();

export type LoadStatus = 'loaded' | 'already_loaded';
export type UnloadStatus = 'unloaded' | 'not_loaded';

/** A loaded-or-not model with its runner and stop flag. */
export class ServedModel {
  private runner: ModelRunner | null = null;
  /** Each slot has its own flag; request ids are unique across the gateway, so stale ids never match. */
  private readonly flag = new StopFlag();
  private active: { requestId: number; done: Promise<void> } | null = null;
  /** Loads and unloads of this model happen one after the other, in call order. */
  private transitions: Promise<unknown> = Promise.resolve();

  /** `loadModel`: see GatewayOptions.loadModel. */
  constructor(
    readonly model: GatewayModel,
    private readonly loadModel?: RunnerHooks['loadModel'],
  ) {}

  get loaded(): boolean {
    return this.runner !== null;
  }

  /** Loads the model (files verified against their catalog hashes first); idempotent. */
  load(): Promise<LoadStatus> {
    return this.serial(async () => {
      if (this.runner) return 'already_loaded';
      const { model } = this;
      if (!isCached(model)) {
        throw new ApiError(
          400,
          `Model not cached: the files of '${model.id}' are missing or incomplete in ${model.folder}. Run npm run models:build.`,
          {
            param: 'model',
            code: 'model_not_cached',
          },
        );
      }
      try {
        await verifyFiles(model);
      } catch (error) {
        throw new ApiError(500, errorMessage(error), { code: 'model_files_corrupt' });
      }
      const runner = new ModelRunner(
        {
          now,
          executionDevice: () => 'cpu',
          describe: () => 'CPU · onnxruntime-node',
          ...(this.loadModel ? { loadModel: this.loadModel } : {}),
        },
        this.flag,
      );
      await runner.load(
        {
          id: model.alias,
          location: model.folder,
          dtype: model.dtype,
          // The runner's device names are the browser's; the hook above maps it to Node's CPU.
          device: 'wasm',
          contextLength: model.contextLength,
          files: model.files,
        },
        () => undefined,
      );
      this.runner = runner;
      return 'loaded';
    });
  }

  /**
   * Unloads the model. New chat requests get "Model not loaded" from now on; a generation already
   * running finishes first, or with `force` is stopped after its current token.
   */
  unload(force = false): Promise<UnloadStatus> {
    return this.serial(async () => {
      const runner = this.runner;
      if (!runner) return 'not_loaded';
      this.runner = null;
      const active = this.active;
      if (active) {
        if (force) this.flag.request(active.requestId);
        await active.done;
      }
      await runner.unload();
      return 'unloaded';
    });
  }

  /** Streams one answer through `emit` (the runner's events). Throws 400 if not loaded. */
  async generate(
    requestId: number,
    messages: readonly ChatMessage[],
    params: GenerationParams,
    emit: (e: GenerationEvent) => void,
  ): Promise<void> {
    const runner = this.runner;
    if (!runner) throw modelNotLoaded(this.model.id);
    let finished = (): void => undefined;
    this.active = { requestId, done: new Promise<void>((resolve) => (finished = resolve)) };
    try {
      await runner.generate(requestId, messages, params, emit);
    } finally {
      this.active = null;
      finished();
    }
  }

  /** Asks the running generation `requestId` to stop after its current token. */
  stop(requestId: number): void {
    this.flag.request(requestId);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.transitions.then(step, step);
    this.transitions = next.catch(() => undefined);
    return next;
  }
}
