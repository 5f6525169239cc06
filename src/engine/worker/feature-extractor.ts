/**
 * The app's Embedder: a transformers.js feature-extraction pipeline on a catalog model whose task
 * is "feature-extraction", loaded through the same file source and weight cache as chat models,
 * pooled and normalized as its catalog entry says (normalized vectors: a dot product is the
 * cosine similarity; Pocket Embed pools by the mean). It runs on WASM: the
 * chat model may hold the GPU, and embedding models small enough to ship are fast on a CPU.
 */
import { pipeline } from '@huggingface/transformers';
import type { ModelRef } from '../engine-types';
import type { Embedder } from '../../rag/embedder';
import type { EmbedderSpec } from '../../rag/retrieval-types';
import { modelSource, withFileSource } from './model-source';

/** Loads the embedding model of `spec` as an Embedder named `spec.id`; `prepare` as for loadTokenizer. */
export async function loadFeatureExtractor(
  spec: EmbedderSpec,
  device: 'wasm' | 'cpu',
  prepare?: (ref: ModelRef, fileUrl: (path: string) => string, alias?: { from: string; to: string }) => void,
): Promise<Embedder> {
  const { ref, id, pooling, normalize, dimensions } = spec;
  const source = modelSource(ref);
  prepare?.(ref, source.fileUrl, source.alias);
  const extractor = await withFileSource(source.env, () =>
    pipeline('feature-extraction', source.name, { ...source.options, dtype: ref.dtype, device }),
  );
  return {
    id,
    async embed(texts) {
      if (!texts.length) return [];
      const output = await extractor([...texts], { pooling, normalize });
      const [rows, dims] = output.dims;
      if (rows !== texts.length || dims !== dimensions) {
        throw new Error(`the model returned ${output.dims.join('×')} values for ${texts.length} texts of ${dimensions} dimensions`);
      }
      const data: unknown = output.data;
      if (!(data instanceof Float32Array)) throw new Error(`the model returned ${output.type} values, not float32`);
      return Array.from({ length: rows }, (_, i) => data.slice(i * dims, (i + 1) * dims));
    },
  };
}
