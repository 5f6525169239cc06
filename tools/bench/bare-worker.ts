/**
 * The baseline for the engine benchmark: transformers.js' own generate loop in a worker, set up
 * like the app's worker (same ORT wasm, same threads) but with nothing of ours around it: no RPC
 * per token, no text decoding, no stop flag. A round's token times are returned at its end.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  LogLevel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { expose } from 'comlink';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { TimestampStreamer } from './timestamp-streamer';
import { wasmThreadCount } from '../../src/engine/threads';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_TOKEN_BATCH_MS } from '../../src/engine/browser-engine';
import type { ModelRef } from '../../src/engine/engine-types';
import { greedyParams } from './greedy-params';
import { installErrorTransfer } from '../../src/engine/rpc';

export interface BareRequest {
  modelsPath: string;
  modelId: string;
  dtype: 'fp32' | 'q4' | 'q8';
  device: 'wasm' | 'webgpu';
  prompt: string;
  tokens: number;
}

// The page reads our error form: a failed load reaches the driver as ModelLoadError with its
// message, not as comlink's bare name and message.
installErrorTransfer();

env.logLevel = LogLevel.ERROR;
env.useBrowserCache = false;
env.allowRemoteModels = false;
env.allowLocalModels = true;
const onnx = env.backends.onnx;
if (onnx.wasm) {
  onnx.wasm.wasmPaths = { wasm: new URL(ortWasmUrl, self.location.href).href, mjs: new URL(ortMjsUrl, self.location.href).href };
  onnx.wasm.numThreads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency || 1);
}

/**
 * The app's ModelRunner in this worker with nowhere to send its events: the app's own per-token
 * work (timing, batching, decoding) without the page, the port or the worker API around it.
 */
let runner: { runner: ModelRunner; prompt: string; tokens: number } | null = null;
const now = (): number => performance.timeOrigin + performance.now();

let loaded: {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  inputs: { input_ids: Tensor; attention_mask: Tensor };
  tokens: number;
} | null = null;

const bare = {
  async load(r: BareRequest): Promise<void> {
    env.localModelPath = r.modelsPath;
    const tokenizer = await AutoTokenizer.from_pretrained(r.modelId, { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained(r.modelId, { dtype: r.dtype, device: r.device, local_files_only: true });
    const inputs = tokenizer.apply_chat_template([{ role: 'user', content: r.prompt }], {
      add_generation_prompt: true,
      return_dict: true,
    }) as {
      input_ids: Tensor;
      attention_mask: Tensor;
    };
    loaded = { model, tokenizer, inputs, tokens: r.tokens };
  },

  /** One generation; the arrival time of each new token. */
  async round(): Promise<number[]> {
    if (!loaded) throw new Error('load() first');
    const { model, tokenizer, inputs, tokens } = loaded;
    const streamer = new TimestampStreamer(tokenizer);
    await model.generate({ ...inputs, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false, streamer });
    return streamer.times;
  },

  async loadRunner(ref: ModelRef, prompt: string, tokens: number): Promise<void> {
    const r = new ModelRunner({ now, executionDevice: (d) => d, describe: () => 'WASM' }, new StopFlag(), DEFAULT_TOKEN_BATCH_MS);
    await r.load(ref, () => undefined);
    runner = { runner: r, prompt, tokens };
  },

  /** One generation through the runner; when each new token was produced. */
  async runnerRound(): Promise<number[]> {
    if (!runner) throw new Error('loadRunner() first');
    let times: number[] = [];
    await runner.runner.generate(1, [{ role: 'user', content: runner.prompt }], greedyParams(runner.tokens), (e) => {
      if (e.type === 'end') times = e.trace.tokenTimes;
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
expose(bare);
