/**
 * How much memory a decoder's KV cache takes at a given context length. Every generated token
 * keeps one key and one value vector per layer and per KV head, so with grouped-query attention
 * (several query heads sharing one KV head) the cache is:
 *
 *   bytes = 2 (K and V) × layers × kvHeads × headDim × contextTokens × elementBytes
 *
 * e.g. Qwen2.5-0.5B (24 layers, 2 KV heads, head_dim 64) at 32768 tokens in fp16:
 * 2·24·2·64·32768·2 = 402,653,184 bytes = 384 MiB. It grows linearly with the context, so a
 * long window can cost more than a small model's weights.
 */
import { needsShaderF16 } from './limits';
import type { Dtype } from '../catalog/schema';

/** The attention dimensions that size the KV cache (from the model's config.json). */
export interface ModelShape {
  /** `num_hidden_layers` */
  layers: number;
  /** `num_key_value_heads`: fewer than the attention heads under grouped-query attention. */
  kvHeads: number;
  /** `head_dim`, or `hidden_size / num_attention_heads` when the config leaves it out. */
  headDim: number;
}

/** Bytes of K and V for `contextTokens` tokens, each element `elementBytes` wide. */
export function kvCacheBytes(shape: ModelShape, contextTokens: number, elementBytes: number): number {
  const factors = [shape.layers, shape.kvHeads, shape.headDim, contextTokens, elementBytes];
  // A negative or NaN size would make any model look like it fits.
  if (!factors.every((n) => Number.isFinite(n) && n >= 0)) {
    throw new RangeError(`KV cache dimensions must be finite and non-negative, got ${factors.join(' × ')}`);
  }
  return 2 * shape.layers * shape.kvHeads * shape.headDim * contextTokens * elementBytes;
}

/**
 * Width of one KV element for a weights dtype. transformers.js keeps `past_key_values` in the
 * graph's activation dtype: fp16 for the f16 exports (fp16, q4f16), fp32 for every other one,
 * quantized ones included (their weights are int, their activations are not). The f16 exports
 * are exactly the dtypes that need shader-f16 on WebGPU, for the same reason.
 */
export function kvElementBytes(dtype: Dtype): 2 | 4 {
  return needsShaderF16(dtype) ? 2 : 4;
}
