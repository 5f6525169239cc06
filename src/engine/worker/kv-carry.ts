/**
 * The KV cache carried from one answer to the next prompt of the same model (see prefix-reuse.ts
 * for when it applies). It owns the cache tensors: whatever it does not hand to generate() again
 * it disposes, so GPU buffers do not pile up across turns.
 */
import { DynamicCache, Tensor } from '@huggingface/transformers';
import { planPrefixReuse, type PrefixPlan } from './prefix-reuse';

/** Attention keys/values are named past_key_values.{layer}.key|value; anything else is a state. */
const ATTENTION_ENTRY = /^past_key_values\.\d+\.(key|value)$/;

export interface CarriedPrefix {
  /** Pass to generate() as `past_key_values`; absent: a cold prefill. */
  cache?: DynamicCache;
  /** Prompt tokens the cache already covers (not prefilled again). */
  tokens: number;
  plan: PrefixPlan['kind'];
}

export class KvCarry {
  private cache: DynamicCache | null = null;
  /** The token ids whose keys and values `cache` holds, in order. */
  private ids: number[] = [];

  /** Tokens currently covered; 0 without a cache. */
  get length(): number {
    return this.cache ? this.ids.length : 0;
  }

  /**
   * The cache to start the prompt `next` from. Everything else is released: the carry holds nothing
   * while generate() runs (it mutates the cache it is given), until keep() hands the result back.
   */
  async take(next: readonly number[]): Promise<CarriedPrefix> {
    const cache = this.cache;
    const ids = this.ids;
    this.cache = null;
    this.ids = [];
    if (!cache) return { tokens: 0, plan: 'cold' };
    const plan = planPrefixReuse(
      ids,
      next,
      entries(cache).every(([name]) => ATTENTION_ENTRY.test(name)),
    );
    if (plan.kind === 'cold') {
      await cache.dispose();
      return { tokens: 0, plan: 'cold' };
    }
    if (plan.kind === 'extend') return { cache, tokens: plan.tokens, plan: 'extend' };
    return { cache: await truncated(cache, plan.tokens), tokens: plan.tokens, plan: 'truncate' };
  }

  /**
   * Keeps the cache generate() returned for `sequence` (prompt + answer). The answer's last token was
   * sampled but never fed to the model, so the cache covers one token less; a cache of any other
   * length is not trusted and dropped.
   */
  async keep(sequence: readonly number[], cache: DynamicCache): Promise<void> {
    await this.drop();
    const covered = sequence.slice(0, -1);
    if (covered.length === 0 || cache.get_seq_length() !== covered.length) {
      await cache.dispose();
      return;
    }
    this.cache = cache;
    this.ids = covered;
  }

  async drop(): Promise<void> {
    const cache = this.cache;
    this.cache = null;
    this.ids = [];
    if (cache) await cache.dispose();
  }
}

function entries(cache: DynamicCache): [string, Tensor][] {
  return Object.entries(cache).filter((entry): entry is [string, Tensor] => entry[1] instanceof Tensor);
}

/**
 * A new cache with the first `length` positions of each key/value tensor ([batch, heads, positions,
 * head size]). GPU tensors are read back first (a WebGPU session takes CPU inputs too) and freed.
 */
async function truncated(cache: DynamicCache, length: number): Promise<DynamicCache> {
  const cut: Record<string, Tensor> = {};
  for (const [name, tensor] of entries(cache)) {
    const onCpu = tensor.location === 'gpu-buffer' ? new Tensor(tensor.type, await tensor.ort_tensor.getData(), tensor.dims) : tensor;
    cut[name] = onCpu.slice(null, null, [0, length], null);
  }
  await cache.dispose();
  return new DynamicCache(cut);
}
