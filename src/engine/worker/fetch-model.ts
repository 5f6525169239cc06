/**
 * Fetching a model's files and building its tokenizer and session through transformers.js: the
 * part of a load that touches the network and the weight cache. Sharded external data gets its
 * chunk count from the catalog; a download that fails for good fails the fetch at once.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  type DeviceType,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type PretrainedModelOptions,
} from '@huggingface/transformers';
import type { ModelRef } from '../engine-types';
import { externalDataFormat } from './external-data';
import { withFileSource, type ModelSource } from './model-source';

/** What the runner uses of a transformers.js causal language model. */
export type CausalLM = Pick<PreTrainedModel, 'generate' | 'dispose' | 'generation_config' | 'config'>;

/** The runner hooks a fetch uses (see RunnerHooks). */
export interface FetchHooks {
  /**
   * Calls `listener` with each model file download that failed for good during a load, until the
   * returned function is called (the browser's integrity guard reports them).
   */
  watchDownloadFailures?(listener: (error: Error) => void): () => void;
  /**
   * Loads the weights; default transformers.js' AutoModelForCausalLM. Only tests pass one: a
   * scripted model behind the real tokenizer, where no real model can run here (there is no small
   * model that writes Harmony).
   */
  loadModel?(name: string, options: PretrainedModelOptions): Promise<CausalLM>;
}

/** The tokenizer and model of `ref` from `source`, on `device`; `options` carry the progress callback. */
export async function fetchModel(
  ref: ModelRef,
  source: ModelSource,
  device: DeviceType,
  options: PretrainedModelOptions,
  hooks: FetchHooks,
): Promise<readonly [PreTrainedTokenizer, CausalLM]> {
  // Sharded weights (model_q4f16.onnx_data, _data_1...): the count comes from the catalog's
  // files, so a repository whose config.json does not state it loads too.
  const externalData = externalDataFormat(ref.files ?? [], ref.dtype);
  const modelOptions: PretrainedModelOptions = {
    ...options,
    dtype: ref.dtype,
    device,
    ...(externalData ? { use_external_data_format: externalData } : {}),
  };
  const build = (name: string): Promise<CausalLM> =>
    hooks.loadModel ? hooks.loadModel(name, modelOptions) : AutoModelForCausalLM.from_pretrained(name, modelOptions);
  // transformers.js 4.3.1 fetches external-data chunks inside an async Promise executor, so a
  // chunk that fails to download rejects nothing and the load would hang until the watchdog: a
  // failed download fails the fetch here instead (and so releases the file-source section).
  let stopWatching = (): void => undefined;
  const downloadFailed = new Promise<never>((_, reject) => {
    stopWatching = hooks.watchDownloadFailures?.(reject) ?? stopWatching;
  });
  try {
    return await withFileSource(source.env, () =>
      Promise.race([
        (async () => [await AutoTokenizer.from_pretrained(source.name, options), await build(source.name)] as const)(),
        downloadFailed,
      ]),
    );
  } finally {
    stopWatching();
  }
}
