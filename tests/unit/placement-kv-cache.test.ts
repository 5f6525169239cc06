/** KV-cache sizes against hand-computed values for real model shapes (from their config.json). */
import { describe, expect, it } from 'vitest';
import { kvCacheBytes, kvElementBytes, type ModelShape } from '../../src/placement/kv-cache';
import { DTYPES } from '../../src/catalog/schema';

const MIB = 1024 ** 2;
const qwen25_05b: ModelShape = { layers: 24, kvHeads: 2, headDim: 64 };
const phi35Mini: ModelShape = { layers: 32, kvHeads: 32, headDim: 96 };
const llama32_1b: ModelShape = { layers: 16, kvHeads: 8, headDim: 64 };

describe('kvCacheBytes', () => {
  it('Qwen2.5-0.5B at its full 32768-token context in fp16', () => {
    // 2·24·2·64·32768·2 = 402,653,184 bytes = 384 MiB
    expect(kvCacheBytes(qwen25_05b, 32768, 2)).toBe(402_653_184);
    expect(kvCacheBytes(qwen25_05b, 32768, 2) / MIB).toBe(384);
  });

  it('Phi-3.5-mini (no grouping: 32 KV heads) at 4096 tokens in fp16', () => {
    // 2·32·32·96·4096·2 = 1,610,612,736 bytes = 1536 MiB
    expect(kvCacheBytes(phi35Mini, 4096, 2)).toBe(1_610_612_736);
  });

  it('Llama-3.2-1B at 8192 tokens in fp32', () => {
    // 2·16·8·64·8192·4 = 536,870,912 bytes = 512 MiB
    expect(kvCacheBytes(llama32_1b, 8192, 4)).toBe(536_870_912);
  });

  it('grows linearly with the context and is empty before the first token', () => {
    expect(kvCacheBytes(qwen25_05b, 0, 2)).toBe(0);
    // 2·24·2·64·1·2 = 12,288 bytes per token
    expect(kvCacheBytes(qwen25_05b, 1, 2)).toBe(12_288);
    expect(kvCacheBytes(qwen25_05b, 1000, 2)).toBe(12_288_000);
  });

  it('rejects negative or non-finite dimensions instead of returning a size that always fits', () => {
    expect(() => kvCacheBytes(qwen25_05b, -1, 2)).toThrow(RangeError);
    expect(() => kvCacheBytes({ ...qwen25_05b, layers: Number.NaN }, 1024, 2)).toThrow(/finite and non-negative/);
  });
});

describe('kvElementBytes', () => {
  it('is 2 bytes for the f16 exports and 4 for every other dtype', () => {
    const widths = Object.fromEntries(DTYPES.map((d) => [d, kvElementBytes(d)]));
    expect(widths).toEqual({ fp32: 4, fp16: 2, q8: 4, int8: 4, uint8: 4, q4: 4, q4f16: 2, bnb4: 4 });
  });
});
