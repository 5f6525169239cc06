/**
 * The transformers.js runner: loads one model and generates from it. This is where every token
 * is produced and timestamped. It runs inside the inference worker in the browser and directly in
 * Node for tests and the gateway; everything environment-specific (clock, cache, device names)
 * comes in as hooks, and it sets no process-wide setting of transformers.js except, for the time
 * a load fetches its files, the ones transformers.js has only as globals (see model-source.ts).
 */
import { DynamicCache, Tensor, type DeviceType, type PreTrainedTokenizer, type ProgressInfo } from '@huggingface/transformers';
import { describeDeviceFault, deviceFaultCause } from '../device-fault';
import {
  ContextLengthError,
  DeviceFaultError,
  EngineError,
  GenerationError,
  ModelLoadError,
  ModelNotLoadedError,
  isDownloadFailure,
} from '../errors';
import type {
  ChatMessage,
  Device,
  GenerationEvent,
  GenerationParams,
  GenerationTrace,
  LoadProgress,
  LoadedModel,
  ModelRef,
  StopReason,
} from '../engine-types';
import { fetchModel, type CausalLM, type FetchHooks } from './fetch-model';
import { StopOnFlag, samplingOptions, seedSampling } from './generation-controls';
import { TokenLogprobs } from './token-logprobs';
import { HARMONY_MARKERS, HarmonyStream } from './harmony-stream';
import { IncrementalDecoder } from './incremental-decoder';
import { KvCarry, type CarriedPrefix } from './kv-carry';
import { modelSource } from './model-source';
import { ProgressAggregator } from './progress-aggregator';
import { guardedMessages } from './special-text';
import type { StopFlag } from './stop-flag';
import { TimedStreamer } from './timed-streamer';
import { HarmonyText, PlainText, type TokenText } from './token-text';
import { errorMessage } from '../../errors/error-message';

export type { CausalLM } from './fetch-model';

/** What differs between the browser worker and Node. */
export interface RunnerHooks extends FetchHooks {
  /** Epoch-based milliseconds with sub-millisecond resolution. */
  now(): number;
  /** The transformers.js device name for our device ('wasm' in browsers, 'cpu' in Node). */
  executionDevice(device: Device): DeviceType;
  /** "WebGPU · SwiftShader", "WASM · 4 threads"... */
  describe(device: Device): string;
  /** Whether a file of this model was served from the weight cache during the current load. */
  servedFromCache?(url: string): boolean;
  /** Called before a load with every file URL the catalog knows, for integrity checks. */
  expectFiles?(files: readonly { url: string; bytes: number; sha256?: string; approximate?: boolean }[]): void;
  /** Treat URLs under `from` as the same URLs under `to` (a hub branch -> the pinned commit). */
  aliasUrls?(from: string, to: string): void;
  /** Problems the weight cache had since the last call (files it could not store), in words. */
  takeCacheProblems?(): string[];
  /** Starts watching the device a model was just loaded on (the browser watches `GPUDevice.lost`). */
  watchDevice?(device: Device): Promise<void>;
  /**
   * Why the watched device was lost, or null while it works. `GPUDevice.lost` settles a moment
   * after the failed call that revealed the loss, so a caller with an error in hand waits up to
   * `graceMs` for it.
   */
  deviceLostReason?(graceMs?: number): Promise<string | null>;
}

interface Loaded {
  ref: ModelRef;
  device: Device;
  tokenizer: PreTrainedTokenizer;
  model: CausalLM;
  eosIds: Set<number>;
  /** The model writes Harmony (gpt-oss): its output is decoded with special tokens and split. */
  harmony: boolean;
  /** The last answer's KV cache, for the next prompt that starts the same way. */
  carry: KvCarry;
}

/**
 * Whether a model writes OpenAI's Harmony format: its tokenizer has the `<|channel|>` special token,
 * or its config says gpt-oss.
 */
export function speaksHarmony(specialTokens: readonly string[], config: unknown): boolean {
  const type = typeof config === 'object' && config !== null ? (config as { model_type?: unknown }).model_type : undefined;
  return specialTokens.includes('<|channel|>') || type === 'gpt_oss';
}

/** How long a failed WebGPU call waits for `GPUDevice.lost` before it counts as an ordinary error. */
const DEVICE_LOST_GRACE_MS = 250;

/** Loads one model at a time and streams its answers, timed token by token. */
export class ModelRunner {
  private loaded: Loaded | null = null;

  /**
   * `tokenBatchMs`: tokens leave for the page at most once per this many ms (see TimedStreamer);
   * 0 sends each on its own.
   */
  constructor(
    private readonly hooks: RunnerHooks,
    private readonly stopFlag: StopFlag,
    private readonly tokenBatchMs = 0,
  ) {}

  /**
   * A DeviceFaultError when `error` came from a lost WebGPU device or exhausted memory, else null.
   * `graceMs`: how long to wait for `GPUDevice.lost` to settle after the failed call.
   */
  private async deviceFault(
    error: unknown,
    device: Device,
    modelId: string,
    when: string,
    phase: 'load' | 'answer',
    graceMs = DEVICE_LOST_GRACE_MS,
  ): Promise<DeviceFaultError | null> {
    const lost = device === 'webgpu' ? ((await this.hooks.deviceLostReason?.(graceMs)) ?? null) : null;
    const cause = deviceFaultCause(errorMessage(error), lost);
    if (!cause) return null;
    return new DeviceFaultError(describeDeviceFault(cause, device, lost, when, phase), {
      cause,
      device,
      modelId,
      original: errorMessage(error),
    });
  }

  get current(): ModelRef | null {
    return this.loaded?.ref ?? null;
  }

  async load(ref: ModelRef, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    await this.unload();
    const started = this.hooks.now();
    const device = ref.device ?? 'wasm';
    const source = modelSource(ref);
    if (source.alias) this.hooks.aliasUrls?.(source.alias.from, source.alias.to);
    this.hooks.takeCacheProblems?.();
    this.hooks.expectFiles?.((ref.files ?? []).map((f) => ({ ...f, url: source.fileUrl(f.path) })));
    const progress = new ProgressAggregator(
      ref.files ?? [],
      onProgress,
      (file) => this.hooks.servedFromCache?.(source.fileUrl(file)) ?? false,
    );
    // The last file's end splits fetching from building the session (transformers.js does both in one call).
    let filesDoneAt = started;
    const options = {
      ...source.options,
      progress_callback: (p: ProgressInfo) => {
        if (p.status === 'done') filesDoneAt = this.hooks.now();
        progress.update(p);
      },
    };
    let tokenizer: PreTrainedTokenizer;
    let model: CausalLM;
    try {
      [tokenizer, model] = await fetchModel(ref, source, this.hooks.executionDevice(device), options, this.hooks);
    } catch (error) {
      const fault = await this.deviceFault(error, device, ref.id, `while ${ref.id} was loading`, 'load');
      if (fault) throw fault;
      throw new ModelLoadError(`Could not load ${ref.id} (${ref.dtype}) on ${this.hooks.describe(device)}: ${errorMessage(error)}`, {
        modelId: ref.id,
        dtype: ref.dtype,
        device,
        // A file that could not be downloaded or failed its check: another device would not help.
        download: isDownloadFailure(error),
      });
    }
    const sessionReadyAt = this.hooks.now();
    const eos = model.generation_config?.eos_token_id;
    const eosIds = new Set<number>((Array.isArray(eos) ? eos : eos == null ? [] : [eos]).map(Number));
    this.loaded = {
      ref,
      device,
      tokenizer,
      model,
      eosIds,
      harmony: speaksHarmony(tokenizer.all_special_tokens, model.config),
      carry: new KvCarry(),
    };
    await this.hooks.watchDevice?.(device);

    onProgress({ phase: 'compile', message: device === 'webgpu' ? 'Compiling WebGPU shaders…' : 'Warming up…' });
    try {
      await warmUp(model, tokenizer);
    } catch (error) {
      await this.unload().catch(() => undefined);
      const fault = await this.deviceFault(error, device, ref.id, `while ${ref.id} was warming up`, 'load');
      if (fault) throw fault;
      throw new ModelLoadError(`${ref.id} loaded but could not run on ${this.hooks.describe(device)}: ${errorMessage(error)}`, {
        modelId: ref.id,
        dtype: ref.dtype,
        device,
      });
    }
    onProgress({ phase: 'ready' });
    const readyAt = this.hooks.now();
    const files = ref.files ?? [];
    return {
      modelId: ref.id,
      backend: device,
      dtype: ref.dtype,
      detail: this.hooks.describe(device),
      contextLength: ref.contextLength,
      loadMs: readyAt - started,
      phases: {
        filesMs: filesDoneAt - started,
        sessionMs: sessionReadyAt - filesDoneAt,
        warmUpMs: readyAt - sessionReadyAt,
        fromCache: files.length > 0 && files.every((f) => this.hooks.servedFromCache?.(source.fileUrl(f.path)) ?? false),
      },
      cacheProblems: this.hooks.takeCacheProblems?.() ?? [],
    };
  }

  /** Streams one answer through `emit`; resolves after the `end` event. */
  async generate(
    requestId: number,
    messages: readonly ChatMessage[],
    params: GenerationParams,
    emit: (event: GenerationEvent) => void,
  ): Promise<void> {
    const requestAt = this.hooks.now();
    const loaded = this.loaded;
    if (!loaded) throw new ModelNotLoadedError();
    const { tokenizer, model, ref, eosIds, harmony, carry } = loaded;
    // A lost device never comes back: fail fast instead of feeding a dead session.
    const stale = await this.deviceFault('', loaded.device, ref.id, 'before this answer started', 'answer', 0);
    if (stale) throw stale;

    let inputIds: Tensor;
    let attentionMask: Tensor;
    try {
      // Message text never tokenizes as a special token (a typed "<|assistant|>" would fake a
      // turn); only the markers the template writes do. See special-text.ts.
      const encoded = tokenizer.apply_chat_template(guardedMessages(messages, tokenizer.all_special_tokens), templateOptions(params)) as {
        input_ids: Tensor;
        attention_mask: Tensor;
      };
      inputIds = encoded.input_ids;
      attentionMask = encoded.attention_mask;
    } catch (error) {
      throw new EngineError(`The model's chat template rejected this conversation: ${errorMessage(error)}`);
    }
    const promptTokens = inputIds.dims.at(-1) ?? 0;
    const room = ref.contextLength - promptTokens;
    if (room < 1) throw new ContextLengthError(promptTokens, ref.contextLength);
    const maxNewTokens = Math.min(params.maxNewTokens, room);
    const notice =
      maxNewTokens < params.maxNewTokens
        ? `Max new tokens lowered from ${params.maxNewTokens} to ${maxNewTokens}: the prompt uses ${promptTokens} of ${ref.contextLength} context tokens.`
        : undefined;
    emit({ type: 'start', promptTokens, maxNewTokens, ...(notice ? { notice } : {}) });

    seedSampling(params.seed);
    const text = tokenText(tokenizer, harmony);
    const logprobs = new TokenLogprobs();
    const streamer = new TimedStreamer(
      tokenizer,
      () => this.hooks.now(),
      text,
      emit,
      this.tokenBatchMs,
      (id) => logprobs.commit(id),
    );
    let reason: StopReason = 'length';
    let prefix: CarriedPrefix = { tokens: 0, plan: 'cold' };
    if (this.stopFlag.isRequested(requestId)) {
      reason = 'aborted';
    } else {
      const promptIds = Array.from(inputIds.data as BigInt64Array, Number);
      if (params.reuseCache === false) await carry.drop();
      else prefix = await carry.take(promptIds);
      try {
        // The whole prompt goes in: generate() feeds only the tokens past the cache's length.
        const result = await model.generate({
          input_ids: inputIds,
          attention_mask: attentionMask,
          max_new_tokens: maxNewTokens,
          ...(params.minNewTokens ? { min_new_tokens: Math.min(params.minNewTokens, maxNewTokens) } : {}),
          ...samplingOptions(params, logprobs),
          repetition_penalty: params.repetitionPenalty,
          streamer,
          stopping_criteria: [new StopOnFlag(this.stopFlag, requestId)],
          ...(prefix.cache ? { past_key_values: prefix.cache } : {}),
          return_dict_in_generate: true,
        });
        const kept = cacheOf(result);
        if (kept && params.reuseCache !== false) await carry.keep(kept.sequence, kept.cache);
        else await kept?.cache.dispose();
      } catch (error) {
        // generate() may have replaced part of the cache it was given: nothing of it is trusted.
        await prefix.cache?.dispose().catch(() => undefined);
        // The tokens of the last batch belong to the partial answer the page keeps.
        streamer.flush();
        const fault = await this.deviceFault(error, loaded.device, ref.id, `after ${streamer.tokenTimes.length} tokens`, 'answer');
        if (fault) throw fault;
        throw new GenerationError(`Generation failed after ${streamer.tokenTimes.length} tokens: ${errorMessage(error)}`, {
          generatedTokens: streamer.tokenTimes.length,
        });
      }
      const last = text.tokenIds.at(-1);
      if (last !== undefined && eosIds.has(last)) reason = 'eos';
      else if (this.stopFlag.isRequested(requestId)) reason = 'aborted';
    }
    const trace: GenerationTrace = {
      requestAt,
      prefillStartAt: streamer.prefillStartAt,
      tokenTimes: streamer.tokenTimes,
      endAt: this.hooks.now(),
      promptTokens,
      ...(prefix.tokens ? { cachedTokens: prefix.tokens } : {}),
      ...(logprobs.mean !== null ? { meanLogprob: logprobs.mean } : {}),
      ...text.traceParts(),
    };
    emit({ type: 'end', reason, trace });
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (!loaded) return;
    await loaded.carry.drop().catch(() => undefined);
    await loaded.model.dispose();
  }
}

/** The sequence and KV cache that generate() returns with `return_dict_in_generate`, if it did. */
function cacheOf(result: unknown): { sequence: number[]; cache: DynamicCache } | null {
  if (typeof result !== 'object' || result === null || result instanceof Tensor) return null;
  const { sequences, past_key_values: cache } = result as { sequences?: unknown; past_key_values?: unknown };
  if (!(sequences instanceof Tensor) || !(cache instanceof DynamicCache)) return null;
  return { sequence: Array.from(sequences.data as BigInt64Array, Number), cache };
}

/**
 * The chat template's options. `reasoning_effort` is a template variable (gpt-oss writes
 * "Reasoning: high" into its system message); templates that do not use it render the same prompt
 * with or without it. transformers.js passes unknown options on to the template, but its type
 * does not list them, hence the widened type.
 */
function templateOptions(params: GenerationParams): Parameters<PreTrainedTokenizer['apply_chat_template']>[1] {
  const options: NonNullable<Parameters<PreTrainedTokenizer['apply_chat_template']>[1]> & { reasoning_effort?: string } = {
    add_generation_prompt: true,
    return_dict: true,
  };
  if (params.reasoningEffort) options.reasoning_effort = params.reasoningEffort;
  return options;
}

/**
 * How generated tokens become text. Most models: special tokens skipped, all text is the answer.
 * Harmony models: special tokens kept, for HarmonyStream to split reasoning from the answer (and
 * to drop the tokenizer's other special tokens).
 */
function tokenText(tokenizer: PreTrainedTokenizer, harmony: boolean): TokenText {
  if (!harmony) return new PlainText(new IncrementalDecoder((ids) => tokenizer.decode(ids, { skip_special_tokens: true })));
  const markers = new Set<string>(HARMONY_MARKERS);
  const others = tokenizer.all_special_tokens.filter((t) => !markers.has(t));
  return new HarmonyText(new IncrementalDecoder((ids) => tokenizer.decode(ids, { skip_special_tokens: false })), new HarmonyStream(others));
}

/**
 * One short generation compiles WebGPU shaders (seconds on the first run) and allocates WASM
 * buffers at load, so the first answer's time-to-first-token measures the model, not the setup.
 */
async function warmUp(model: CausalLM, tokenizer: PreTrainedTokenizer): Promise<void> {
  const ids = tokenizer.encode('Hello', { add_special_tokens: false }).slice(0, 4);
  const warm = ids.length ? ids : [0];
  const n = warm.length;
  await model.generate({
    input_ids: new Tensor('int64', BigInt64Array.from(warm, BigInt), [1, n]),
    attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    max_new_tokens: 2,
    do_sample: false,
  });
}
