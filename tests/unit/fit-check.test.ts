/** The fit check's verdicts on synthetic capability sets: one or more cases per rule, and the edges. */
import { describe, expect, it } from 'vitest';
import { WASM_WEIGHT_LIMIT } from '../../src/catalog/fit';
import {
  checkFit,
  FALLBACK_ADAPTER_SLOW_BYTES,
  largestFileBytes,
  SINGLE_THREAD_SLOW_BYTES,
  WASM_SLOW_BYTES,
  type FitCapabilities,
  type FitInput,
} from '../../src/catalog/fit-check';
import type { WebGpuInfo } from '../../src/engine/capabilities';

const MB = 1e6;
const GB = 1e9;
const GIB = 1024 ** 3;

const gpu = (overrides: Partial<WebGpuInfo> = {}): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16: true,
  isFallbackAdapter: false,
  maxBufferSize: 4 * GIB,
  maxStorageBufferBindingSize: 2 * GIB,
  ...overrides,
});
/** A machine where nothing in these tests is limited unless a test says so. */
const roomy: FitCapabilities = { webgpu: gpu(), wasmThreads: 4, deviceMemoryGiB: null, storageQuotaBytes: 100 * GB, storageUsageBytes: 0 };
const fit = (overrides: Partial<FitInput> = {}): ReturnType<typeof checkFit> =>
  checkFit({ downloadBytes: 500 * MB, largestFileBytes: 400 * MB, dtype: 'q4', device: 'webgpu', caps: roomy, ...overrides });
const withCaps = (caps: Partial<FitCapabilities>): FitCapabilities => ({ ...roomy, ...caps });

describe('checkFit: fits', () => {
  it('a 500 MB q4 model on a capable GPU fits, with no reasons or suggestion', () => {
    expect(fit()).toEqual({
      level: 'fits',
      reasons: [],
      suggestion: null,
      estimate: { weightsBytes: 500 * MB, kvCacheBytes: 0, totalBytes: 500 * MB },
    });
  });

  it('adds the KV cache to the estimate, in the activation width of the dtype', () => {
    const qwen = { shape: { layers: 24, kvHeads: 2, headDim: 64 }, contextTokens: 32768 };
    // fp16 activations: 2·24·2·64·32768·2 = 402,653,184; fp32 ones twice that.
    expect(fit({ ...qwen, dtype: 'q4f16' }).estimate).toEqual({ weightsBytes: 500 * MB, kvCacheBytes: 402_653_184, totalBytes: 902_653_184 });
    expect(fit({ ...qwen, dtype: 'q4' }).estimate.kvCacheBytes).toBe(805_306_368);
  });

  it('needs both shape and context for a KV estimate', () => {
    expect(fit({ shape: { layers: 24, kvHeads: 2, headDim: 64 } }).estimate.kvCacheBytes).toBe(0);
  });
});

describe('checkFit: wont-fit', () => {
  it('WASM: weights plus KV cache above the wasm32 limit, though the weights alone are under it', () => {
    // Phi-3.5-mini at 4096 tokens, fp32 KV: 2·32·32·96·4096·4 = 3,221,225,472; + 2.5e9 = 5.72e9.
    const v = fit({ device: 'wasm', downloadBytes: 2.5 * GB, shape: { layers: 32, kvHeads: 32, headDim: 96 }, contextTokens: 4096 });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(['needs 5.7 GB for its weights and a 4096-token KV cache, but WASM can hold at most 3.8 GB']);
    expect(v.estimate.totalBytes).toBe(5_721_225_472);
  });

  it('WASM: exactly at the limit is allowed (only slow), one byte over is not', () => {
    expect(fit({ device: 'wasm', downloadBytes: WASM_WEIGHT_LIMIT }).level).toBe('slow');
    const over = fit({ device: 'wasm', downloadBytes: WASM_WEIGHT_LIMIT + 1 });
    expect(over.level).toBe('wont-fit');
    expect(over.reasons[0]).toContain('WASM can hold at most 3.8 GB');
  });

  it('WebGPU: an f16 dtype on an adapter without shader-f16', () => {
    const caps = withCaps({ webgpu: gpu({ shaderF16: false }) });
    const v = fit({ dtype: 'q4f16', caps });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(['q4f16 needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks']);
    expect(fit({ dtype: 'q4', caps }).level).toBe('fits');
  });

  it('WebGPU: a file bigger than maxStorageBufferBindingSize when that is the smaller limit', () => {
    // Limits 4 GiB and 2 GiB: the 2 GiB binding size (2.1 GB) decides.
    const v = fit({ downloadBytes: 3 * GB, largestFileBytes: 3 * GB });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(["its largest weight file is 3.0 GB, but this GPU's buffers hold at most 2.1 GB"]);
  });

  it('WebGPU: a file bigger than maxBufferSize when that is the smaller limit', () => {
    const caps = withCaps({ webgpu: gpu({ maxBufferSize: 1 * GIB, maxStorageBufferBindingSize: 2 * GIB }) });
    const v = fit({ downloadBytes: 1.5 * GB, largestFileBytes: 1.5 * GB, caps });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons[0]).toContain('at most 1.1 GB');
  });

  it('WebGPU: a file exactly as big as the buffer limit fits', () => {
    expect(fit({ downloadBytes: 2 * GIB, largestFileBytes: 2 * GIB }).level).toBe('fits');
  });

  it('WebGPU asked for where there is no adapter', () => {
    const v = fit({ caps: withCaps({ webgpu: null }) });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(['this browser has no WebGPU adapter']);
  });

  it('more than half of a small reported device memory, on either device', () => {
    const caps = withCaps({ deviceMemoryGiB: 4 });
    const v = fit({ downloadBytes: 2.2 * GB, caps });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(['needs 2.2 GB for its weights, more than half of the 4 GB of memory this device reports']);
    expect(fit({ device: 'wasm', downloadBytes: 2.2 * GB, caps }).reasons[0]).toContain('4 GB of memory');
  });

  it('device memory: exactly half fits, and 8 GB (the browser cap) says nothing', () => {
    expect(fit({ downloadBytes: 2 * GIB, caps: withCaps({ deviceMemoryGiB: 4 }) }).level).toBe('fits');
    expect(fit({ downloadBytes: 5 * GB, caps: withCaps({ deviceMemoryGiB: 8 }) }).level).toBe('fits');
  });

  it('storage: less free quota than the download, in human units', () => {
    const caps = withCaps({ storageQuotaBytes: 10 * GB, storageUsageBytes: 9.2 * GB });
    const v = fit({ downloadBytes: 1.2 * GB, caps });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toEqual(["can't cache: needs 1.2 GB, 800 MB free"]);
  });

  it('storage: exactly enough free space fits; an already cached variant needs none', () => {
    const caps = withCaps({ storageQuotaBytes: 10 * GB, storageUsageBytes: 9.5 * GB });
    expect(fit({ downloadBytes: 500 * MB, caps }).level).toBe('fits');
    expect(fit({ downloadBytes: 1.2 * GB, bytesToCache: 0, caps }).level).toBe('fits');
  });

  it('storage: an unknown usage counts as none, an unknown quota is not checked', () => {
    expect(fit({ downloadBytes: 1.2 * GB, caps: withCaps({ storageQuotaBytes: 1 * GB, storageUsageBytes: null }) }).reasons).toEqual([
      "can't cache: needs 1.2 GB, 1.0 GB free",
    ]);
    expect(fit({ downloadBytes: 1.2 * GB, caps: withCaps({ storageQuotaBytes: null, storageUsageBytes: null }) }).level).toBe('fits');
  });

  it('lists every blocker, and no slow reasons next to them', () => {
    const caps = withCaps({ webgpu: gpu({ shaderF16: false, isFallbackAdapter: true }), deviceMemoryGiB: 2 });
    const v = fit({ dtype: 'fp16', downloadBytes: 3 * GB, largestFileBytes: 3 * GB, caps });
    expect(v.level).toBe('wont-fit');
    expect(v.reasons).toHaveLength(3);
    expect(v.reasons.join('\n')).not.toContain('software fallback');
  });
});

describe('checkFit: slow', () => {
  it('WASM above 1 GB of weights; exactly 1 GB is still fine', () => {
    expect(fit({ device: 'wasm', downloadBytes: WASM_SLOW_BYTES }).level).toBe('fits');
    expect(fit({ device: 'wasm', downloadBytes: WASM_SLOW_BYTES + 1 }).level).toBe('slow');
    const v = fit({ device: 'wasm', downloadBytes: 1.5 * GB });
    expect(v.level).toBe('slow');
    expect(v.reasons).toEqual(['1.5 GB of weights is a lot for WASM (the CPU): above 1.0 GB, expect a few tokens per second']);
  });

  it('a fallback (software) WebGPU adapter above 200 MB of weights', () => {
    const caps = withCaps({ webgpu: gpu({ name: 'google · swiftshader', isFallbackAdapter: true }) });
    expect(fit({ downloadBytes: FALLBACK_ADAPTER_SLOW_BYTES, caps }).level).toBe('fits');
    const v = fit({ downloadBytes: 250 * MB, caps });
    expect(v.level).toBe('slow');
    expect(v.reasons).toEqual([
      'the WebGPU adapter (google · swiftshader) is a software fallback that runs on the CPU, which is slow above 200 MB of weights (this model has 250 MB)',
    ]);
  });

  it('single-threaded WASM above 100 MB of weights, not with four threads', () => {
    const oneThread = withCaps({ wasmThreads: 1 });
    expect(fit({ device: 'wasm', downloadBytes: SINGLE_THREAD_SLOW_BYTES, caps: oneThread }).level).toBe('fits');
    const v = fit({ device: 'wasm', downloadBytes: 150 * MB, caps: oneThread });
    expect(v.level).toBe('slow');
    expect(v.reasons[0]).toMatch(/^WASM runs on one thread here .* slow above 100 MB of weights \(this model has 150 MB\)$/);
    expect(fit({ device: 'wasm', downloadBytes: 150 * MB }).level).toBe('fits');
  });
});

describe('checkFit: suggestion', () => {
  it('names the smaller variant when there is one', () => {
    const v = fit({ device: 'wasm', downloadBytes: 1.5 * GB, smallerVariant: { dtype: 'q8', bytes: 350 * MB } });
    expect(v.suggestion).toBe('try the int8 (q8) variant (350 MB)');
  });

  it('falls back to the gateway otherwise', () => {
    expect(fit({ caps: withCaps({ webgpu: null }) }).suggestion).toBe('run it on the gateway (Foundry Local)');
  });
});

describe('largestFileBytes', () => {
  const model = {
    variants: [
      { dtype: 'q4' as const, files: [{ path: 'onnx/model_q4.onnx', bytes: 300 }, { path: 'onnx/model_q4.onnx_data', bytes: 900 }] },
      { dtype: 'fp32' as const, files: [{ path: 'onnx/model.onnx', bytes: 2000 }] },
    ],
  };

  it("is the variant's biggest file, and 0 for a dtype the model lacks", () => {
    expect(largestFileBytes(model, 'q4')).toBe(900);
    expect(largestFileBytes(model, 'fp16')).toBe(0);
  });
});
