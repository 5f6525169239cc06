/**
 * The baseline for the engine benchmark: transformers.js' own generate loop in a worker, set up
 * like the app's worker (same threads; the app's ORT wasm build unless the request names another,
 * see profiled-ort.ts) but with nothing of ours around it: no RPC per token, no text decoding, no
 * stop flag. A round's token times are returned at its end. The same worker also profiles a
 * round step by step, runs the context sweep, and measures memory bandwidth on its own thread.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  LogLevel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { expose } from 'comlink';
import { wasmThreadCount } from '../../src/engine/threads';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_TOKEN_BATCH_MS } from '../../src/engine/browser-engine';
import type { ModelRef } from '../../src/engine/engine-types';
import { installErrorTransfer } from '../../src/engine/rpc';
import { measureWasmBandwidth, type BandwidthSample } from './bandwidth-wasm';
import type { BareRequest, RoundTimes } from './bench-types';
import type { SweepPlan } from './context-plan';
import { greedyParams } from './greedy-params';
import { ortWasmPaths } from './profiled-ort';
import { decoderSession, SessionTimer, summarizeSteps, type StepProfile } from './step-profile';
import { fillerTokens, runSweep, type SweepPoint } from './sweep-run';
import { chatInputs, timedRound, type ChatInputs } from './timed-round';

// The page reads our error form: a failed load reaches the driver as ModelLoadError with its
// message, not as comlink's bare name and message.
installErrorTransfer();

env.logLevel = LogLevel.ERROR;
env.useBrowserCache = false;
env.allowRemoteModels = false;
env.allowLocalModels = true;
const threads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency || 1);

/**
 * The app's ModelRunner in this worker with nowhere to send its events: the app's own per-token
 * work (timing, batching, decoding) without the page, the port or the worker API around it.
 */
let runner: { runner: ModelRunner; prompt: string; tokens: number } | null = null;
const now = (): number => performance.timeOrigin + performance.now();

let loaded: {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  inputs: ChatInputs;
  request: BareRequest;
  timer: SessionTimer;
} | null = null;

function current(): NonNullable<typeof loaded> {
  if (!loaded) throw new Error('load() first');
  return loaded;
}

/** ORT's wasm build is chosen once per worker, before its first session. */
function configureOrt(request: BareRequest | ModelRef): void {
  const onnx = env.backends.onnx;
  if (!onnx.wasm) return;
  onnx.wasm.wasmPaths = ortWasmPaths('ortBuild' in request ? (request.ortBuild ?? 'asyncify') : 'asyncify', self.location.href);
  onnx.wasm.numThreads = threads;
}

const bare = {
  async load(r: BareRequest): Promise<void> {
    configureOrt(r);
    env.localModelPath = r.modelsPath;
    const tokenizer = await AutoTokenizer.from_pretrained(r.modelId, { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained(r.modelId, {
      dtype: r.dtype,
      device: r.device,
      local_files_only: true,
      ...(r.externalData ? { use_external_data_format: r.externalData } : {}),
    });
    const timer = new SessionTimer(decoderSession(model), r.device === 'wasm');
    loaded = { model, tokenizer, inputs: chatInputs(tokenizer, r.prompt), request: r, timer };
  },

  /** One generation: when each new token arrived. */
  round(): Promise<RoundTimes> {
    const { model, tokenizer, inputs, request } = current();
    return timedRound(model, tokenizer, inputs, request.tokens);
  },

  /** One generation, step by step (see step-profile.ts). */
  async profile(): Promise<StepProfile | null> {
    const { model, tokenizer, inputs, request, timer } = current();
    timer.reset();
    timer.enabled = true;
    try {
      await timedRound(model, tokenizer, inputs, request.tokens);
    } finally {
      timer.enabled = false;
    }
    return summarizeSteps(timer.records);
  },

  /** Decode speed against context position (see context-plan.ts). */
  sweep(plan: SweepPlan): Promise<SweepPoint[]> {
    const { model, tokenizer, request, timer } = current();
    return runSweep(model, tokenizer, plan, fillerTokens(tokenizer, request.prompt), timer);
  },

  /** Memory bandwidth of this thread, as WASM SIMD loads see it (see bandwidth-wasm.ts). */
  bandwidth(bytes: number): BandwidthSample & { threads: number } {
    return { ...measureWasmBandwidth(bytes), threads };
  },

  async loadRunner(ref: ModelRef, prompt: string, tokens: number): Promise<void> {
    configureOrt(ref);
    const r = new ModelRunner({ now, executionDevice: (d) => d, describe: () => 'WASM' }, new StopFlag(), DEFAULT_TOKEN_BATCH_MS);
    await r.load(ref, () => undefined);
    runner = { runner: r, prompt, tokens };
  },

  /** One generation through the runner; when each new token was produced. */
  async runnerRound(): Promise<RoundTimes> {
    if (!runner) throw new Error('loadRunner() first');
    const requestAt = now();
    let times: RoundTimes = { arrived: [], requestAt, prefillStartAt: null, promptTokens: 0 };
    await runner.runner.generate(1, [{ role: 'user', content: runner.prompt }], greedyParams(runner.tokens), (e) => {
      if (e.type === 'end')
        times = { arrived: e.trace.tokenTimes, requestAt, prefillStartAt: e.trace.prefillStartAt, promptTokens: e.trace.promptTokens };
    });
    return times;
  },

  async dispose(): Promise<void> {
    await runner?.runner.unload();
    runner = null;
    await loaded?.model.dispose();
    loaded = null;
  },
};

export type BareApi = typeof bare;
export type { BareRequest };
expose(bare);
