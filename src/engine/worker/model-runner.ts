/**
 * The transformers.js runner: loads one model and generates from it. This is where every token
 * is produced and timestamped. It runs inside the inference worker in the browser and directly in
 * Node for tests; everything environment-specific (clock, cache, device names) comes in as hooks.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  LogitsProcessor,
  LogitsProcessorList,
  StoppingCriteria,
  Tensor,
  env,
  random,
  type DeviceType,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
} from '@huggingface/transformers';
import { describeDeviceFault, deviceFaultCause } from '../device-fault';
import { ContextLengthError, DeviceFaultError, EngineError, GenerationError, ModelLoadError, ModelNotLoadedError } from '../errors';
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
import { IncrementalDecoder } from './incremental-decoder';
import { ProgressAggregator } from './progress-aggregator';
import { filterTopKTopP } from './sampling';
import { guardedMessages } from './special-text';
import type { StopFlag } from './stop-flag';
import { TimedStreamer } from './timed-streamer';
import { errorMessage } from '../../errors/error-message';

/** What differs between the browser worker and Node. */
export interface RunnerHooks {
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
  model: PreTrainedModel;
  eosIds: Set<number>;
}

/** Stops generation as soon as the page asks, checked after every token. */
class StopOnFlag extends StoppingCriteria {
  constructor(
    private readonly flag: StopFlag,
    private readonly requestId: number,
  ) {
    super();
  }
  override _call(input_ids: number[][]): boolean[] {
    return new Array<boolean>(input_ids.length).fill(this.flag.isRequested(this.requestId));
  }
}

class TopKTopPWarper extends LogitsProcessor {
  constructor(
    private readonly topK: number,
    private readonly topP: number,
  ) {
    super();
  }
  override _call(_input_ids: bigint[][], logits: Tensor): Tensor {
    const [batch = 1, vocab = 0] = logits.dims;
    const data = logits.data as Float32Array;
    for (let b = 0; b < batch; b++) filterTopKTopP(data.subarray(b * vocab, (b + 1) * vocab), this.topK, this.topP);
    return logits;
  }
}

function warpers(params: GenerationParams): LogitsProcessorList {
  const list = new LogitsProcessorList();
  list.push(new TopKTopPWarper(params.topK, params.topP));
  return list;
}

function splitLocation(location: string): { base: string; name: string } {
  const trimmed = location.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return { base: trimmed.slice(0, cut + 1), name: trimmed.slice(cut + 1) };
}

/** transformers.js types its global PRNG as `any`; this is its documented signature (bound). */
const seedSampler = random.seed as (seed?: number) => void;

/** "http://host:1/models/" -> "/models/"; file paths are returned unchanged. */
function originRelative(location: string): string {
  return /^https?:\/\//.test(location) ? new URL(location).pathname : location;
}

/** How long a failed WebGPU call waits for `GPUDevice.lost` before it counts as an ordinary error. */
const DEVICE_LOST_GRACE_MS = 250;

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
    return new DeviceFaultError(describeDeviceFault(cause, device, lost, when, phase), { cause, device, modelId, original: errorMessage(error) });
  }

  get current(): ModelRef | null {
    return this.loaded?.ref ?? null;
  }

  async load(ref: ModelRef, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    await this.unload();
    const started = this.hooks.now();
    const device = ref.device ?? 'wasm';
    let modelName: string;
    let fileUrl: (path: string) => string;
    const options: Record<string, unknown> = { progress_callback: (p: ProgressInfo) => progress.update(p) };
    if (ref.hub) {
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
      env.remoteHost = ref.location;
      modelName = ref.hub.repo;
      options['revision'] = ref.hub.revision;
      const { repo, revision } = ref.hub;
      const repoUrl = `${ref.location.replace(/\/+$/, '')}/${repo}/resolve/`;
      fileUrl = (path) => `${repoUrl}${encodeURIComponent(revision)}/${path}`;
      // transformers.js probes some files at "main" whatever the revision (4.3: the tokenizer's).
      if (revision !== 'main') this.hooks.aliasUrls?.(`${repoUrl}main/`, `${repoUrl}${encodeURIComponent(revision)}/`);
    } else {
      const { base, name } = splitLocation(ref.location);
      env.allowLocalModels = true;
      // Bundled models never touch the hub, even for metadata probes.
      env.allowRemoteModels = false;
      // transformers.js skips its local-file probe for absolute URLs (and then asks the hub), so
      // a same-origin folder is given as an origin-relative path.
      env.localModelPath = originRelative(base);
      modelName = name;
      options['local_files_only'] = true;
      fileUrl = (path) => `${base}${name}/${path}`;
    }
    this.hooks.takeCacheProblems?.();
    this.hooks.expectFiles?.((ref.files ?? []).map((f) => ({ ...f, url: fileUrl(f.path) })));
    const progress = new ProgressAggregator(ref.files ?? [], onProgress, (file) => this.hooks.servedFromCache?.(fileUrl(file)) ?? false);
    let tokenizer: PreTrainedTokenizer;
    let model: PreTrainedModel;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(modelName, options);
      model = await AutoModelForCausalLM.from_pretrained(modelName, {
        ...options,
        dtype: ref.dtype,
        device: this.hooks.executionDevice(device),
      });
    } catch (error) {
      const fault = await this.deviceFault(error, device, ref.id, `while ${ref.id} was loading`, 'load');
      if (fault) throw fault;
      throw new ModelLoadError(
        `Could not load ${ref.id} (${ref.dtype}) on ${this.hooks.describe(device)}: ${errorMessage(error)}`,
        { modelId: ref.id, dtype: ref.dtype, device },
      );
    }
    const eos = model.generation_config?.eos_token_id;
    const eosIds = new Set<number>((Array.isArray(eos) ? eos : eos == null ? [] : [eos]).map(Number));
    this.loaded = { ref, device, tokenizer, model, eosIds };
    await this.hooks.watchDevice?.(device);

    // One short generation compiles WebGPU shaders (seconds on the first run) and allocates WASM
    // buffers now, so the first answer's time-to-first-token measures the model, not the setup.
    onProgress({ phase: 'compile', message: device === 'webgpu' ? 'Compiling WebGPU shaders…' : 'Warming up…' });
    try {
      const ids = tokenizer.encode('Hello', { add_special_tokens: false }).slice(0, 4);
      const warm = ids.length ? ids : [0];
      const n = warm.length;
      await model.generate({
        input_ids: new Tensor('int64', BigInt64Array.from(warm, BigInt), [1, n]),
        attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
        max_new_tokens: 2,
        do_sample: false,
      });
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
    return {
      modelId: ref.id,
      backend: device,
      dtype: ref.dtype,
      detail: this.hooks.describe(device),
      contextLength: ref.contextLength,
      loadMs: this.hooks.now() - started,
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
    const { tokenizer, model, ref, eosIds } = loaded;
    // A lost device never comes back: fail fast instead of feeding a dead session.
    const stale = await this.deviceFault('', loaded.device, ref.id, 'before this answer started', 'answer', 0);
    if (stale) throw stale;

    let inputIds: Tensor;
    let attentionMask: Tensor;
    try {
      // Message text never tokenizes as a special token (a typed "<|assistant|>" would fake a
      // turn); only the markers the template writes do. See special-text.ts.
      const encoded = tokenizer.apply_chat_template(guardedMessages(messages, tokenizer.all_special_tokens), {
        add_generation_prompt: true,
        return_dict: true,
      }) as { input_ids: Tensor; attention_mask: Tensor };
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

    const sample = params.temperature > 0;
    seedSampler(params.seed ?? Math.floor(Math.random() * 2 ** 32));
    const decoder = new IncrementalDecoder((ids) => tokenizer.decode(ids, { skip_special_tokens: true }));
    const streamer = new TimedStreamer(tokenizer, () => this.hooks.now(), decoder, emit, this.tokenBatchMs);
    let reason: StopReason = 'length';
    if (this.stopFlag.isRequested(requestId)) {
      reason = 'aborted';
    } else {
      try {
        await model.generate({
          input_ids: inputIds,
          attention_mask: attentionMask,
          max_new_tokens: maxNewTokens,
          ...(params.minNewTokens ? { min_new_tokens: Math.min(params.minNewTokens, maxNewTokens) } : {}),
          do_sample: sample,
          ...(sample ? { temperature: params.temperature, top_k: params.topK } : {}),
          repetition_penalty: params.repetitionPenalty,
          streamer,
          stopping_criteria: [new StopOnFlag(this.stopFlag, requestId)],
          ...(sample && (params.topK > 0 || params.topP < 1)
            ? { logits_processor: warpers(params) }
            : {}),
        });
      } catch (error) {
        // The tokens of the last batch belong to the partial answer the page keeps.
        streamer.flush();
        const fault = await this.deviceFault(error, loaded.device, ref.id, `after ${streamer.tokenTimes.length} tokens`, 'answer');
        if (fault) throw fault;
        throw new GenerationError(`Generation failed after ${streamer.tokenTimes.length} tokens: ${errorMessage(error)}`, {
          generatedTokens: streamer.tokenTimes.length,
        });
      }
      const last = decoder.tokenIds.at(-1);
      if (last !== undefined && eosIds.has(last)) reason = 'eos';
      else if (this.stopFlag.isRequested(requestId)) reason = 'aborted';
    }
    const trace: GenerationTrace = {
      requestAt,
      prefillStartAt: streamer.prefillStartAt,
      tokenTimes: streamer.tokenTimes,
      endAt: this.hooks.now(),
      promptTokens,
    };
    emit({ type: 'end', reason, trace });
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (loaded) await loaded.model.dispose();
  }
}
