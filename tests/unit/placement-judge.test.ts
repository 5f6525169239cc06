/** The rules for one run on synthetic capability sets: one or more cases per rule, and the edges. */
import { describe, expect, it } from 'vitest';
import { judgeRun, type JudgedCapabilities, type RunInput, type RunJudgement } from '../../src/placement/judge';
import { FALLBACK_ADAPTER_SLOW_BYTES, SINGLE_THREAD_SLOW_BYTES, WASM_SLOW_BYTES, WASM_WEIGHT_LIMIT } from '../../src/placement/limits';
import type { WebGpuInfo } from '../../src/placement/snapshot';

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
const roomy: JudgedCapabilities = {
  webgpu: gpu(),
  webgpuUnavailableReason: null,
  wasmThreads: 4,
  deviceMemoryGiB: null,
  storageQuotaBytes: 100 * GB,
  storageUsageBytes: 0,
};
const withCaps = (caps: Partial<JudgedCapabilities>): JudgedCapabilities => ({ ...roomy, ...caps });
const judge = (overrides: Partial<RunInput> = {}, caps = roomy): RunJudgement =>
  judgeRun({ downloadBytes: 500 * MB, largestFileBytes: 400 * MB, dtype: 'q4', device: 'webgpu', bytesToCache: 0, ...overrides }, caps);
const ok = (j: RunJudgement): boolean => j.blockers.length === 0 && j.slowdowns.length === 0;

describe('judgeRun: fits', () => {
  it('a 500 MB q4 model on a capable GPU fits, with no reasons', () => {
    expect(judge()).toEqual({ blockers: [], slowdowns: [], estimate: { weightsBytes: 500 * MB, kvCacheBytes: 0, totalBytes: 500 * MB } });
  });

  it('adds the KV cache to the estimate, in the activation width of the dtype', () => {
    const qwen = { shape: { layers: 24, kvHeads: 2, headDim: 64 }, contextTokens: 32768 };
    // fp16 activations: 2·24·2·64·32768·2 = 402,653,184; fp32 ones twice that.
    expect(judge({ ...qwen, dtype: 'q4f16' }).estimate).toEqual({
      weightsBytes: 500 * MB,
      kvCacheBytes: 402_653_184,
      totalBytes: 902_653_184,
    });
    expect(judge({ ...qwen, dtype: 'q4' }).estimate.kvCacheBytes).toBe(805_306_368);
  });

  it('needs both shape and context for a KV estimate', () => {
    expect(judge({ shape: { layers: 24, kvHeads: 2, headDim: 64 } }).estimate.kvCacheBytes).toBe(0);
  });
});

describe('judgeRun: blockers', () => {
  it('WASM: weights plus KV cache above the wasm32 limit, though the weights alone are under it', () => {
    // Phi-3.5-mini at 4096 tokens, fp32 KV: 2·32·32·96·4096·4 = 3,221,225,472; + 2.5e9 = 5.72e9.
    const j = judge({ device: 'wasm', downloadBytes: 2.5 * GB, shape: { layers: 32, kvHeads: 32, headDim: 96 }, contextTokens: 4096 });
    expect(j.blockers).toEqual(['needs 5.7 GB for its weights and a 4096-token KV cache, but WASM can hold at most 3.8 GB']);
    expect(j.estimate.totalBytes).toBe(5_721_225_472);
  });

  it('WASM: exactly at the limit is allowed (only slow), one byte over is not', () => {
    const at = judge({ device: 'wasm', downloadBytes: WASM_WEIGHT_LIMIT });
    expect(at.blockers).toEqual([]);
    expect(at.slowdowns).toHaveLength(1);
    expect(judge({ device: 'wasm', downloadBytes: WASM_WEIGHT_LIMIT + 1 }).blockers[0]).toContain('WASM can hold at most 3.8 GB');
  });

  it('WebGPU: an f16 dtype on an adapter without shader-f16', () => {
    const caps = withCaps({ webgpu: gpu({ shaderF16: false }) });
    expect(judge({ dtype: 'q4f16' }, caps).blockers).toEqual(['needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks']);
    expect(ok(judge({ dtype: 'q4' }, caps))).toBe(true);
  });

  it('WebGPU: a file bigger than maxStorageBufferBindingSize when that is the smaller limit', () => {
    // Limits 4 GiB and 2 GiB: the 2 GiB binding size (2.1 GB) decides.
    expect(judge({ downloadBytes: 3 * GB, largestFileBytes: 3 * GB }).blockers).toEqual([
      "its largest weight file is 3.0 GB, but this GPU's buffers hold at most 2.1 GB",
    ]);
  });

  it('WebGPU: a file bigger than maxBufferSize when that is the smaller limit', () => {
    const caps = withCaps({ webgpu: gpu({ maxBufferSize: 1 * GIB, maxStorageBufferBindingSize: 2 * GIB }) });
    expect(judge({ downloadBytes: 1.5 * GB, largestFileBytes: 1.5 * GB }, caps).blockers[0]).toContain('at most 1.1 GB');
  });

  it('WebGPU: a file exactly as big as the buffer limit fits; the limit is per file, not per variant', () => {
    expect(ok(judge({ downloadBytes: 2 * GIB, largestFileBytes: 2 * GIB }))).toBe(true);
    expect(ok(judge({ downloadBytes: 3 * GIB, largestFileBytes: 1 * GIB }))).toBe(true);
  });

  it('WebGPU asked for where there is no adapter: the detector reason, or a generic one', () => {
    expect(judge({}, withCaps({ webgpu: null, webgpuUnavailableReason: 'navigator.gpu is missing' })).blockers).toEqual([
      'navigator.gpu is missing',
    ]);
    expect(judge({}, withCaps({ webgpu: null })).blockers).toEqual(['this browser has no WebGPU adapter']);
  });

  it('more than half of a small reported device memory, on either device', () => {
    const caps = withCaps({ deviceMemoryGiB: 4 });
    expect(judge({ downloadBytes: 2.2 * GB }, caps).blockers).toEqual([
      'needs 2.2 GB for its weights, more than half of the 4 GB of memory this device reports',
    ]);
    expect(judge({ device: 'wasm', downloadBytes: 2.2 * GB }, caps).blockers[0]).toContain('4 GB of memory');
  });

  it('device memory: exactly half fits, and 8 GB (the browser cap) says nothing', () => {
    expect(ok(judge({ downloadBytes: 2 * GIB }, withCaps({ deviceMemoryGiB: 4 })))).toBe(true);
    expect(judge({ downloadBytes: 5 * GB }, withCaps({ deviceMemoryGiB: 8 })).blockers).toEqual([]);
  });

  it('states the GPU memory a WebGPU run needs past 4 GB (browsers do not report it), without blocking it', () => {
    expect(ok(judge({ downloadBytes: 4 * GB }, roomy))).toBe(true);
    const big = judge({ downloadBytes: 4 * GB + 1 }, roomy);
    expect(big.blockers).toEqual([]);
    expect(big.slowdowns).toEqual([
      'needs 4.0 GB for its weights in GPU memory, which browsers do not report: on a GPU with less, the load fails or crawls',
    ]);
    expect(ok(judge({ device: 'wasm', downloadBytes: 3 * GB }, roomy))).toBe(false);
    expect(judge({ device: 'wasm', downloadBytes: 3 * GB }, roomy).slowdowns.join(' ')).not.toContain('GPU memory');
  });

  it('lists every blocker, and the slowdowns apart', () => {
    const caps = withCaps({ webgpu: gpu({ shaderF16: false, isFallbackAdapter: true }), deviceMemoryGiB: 2 });
    const j = judge({ dtype: 'fp16', downloadBytes: 3 * GB, largestFileBytes: 3 * GB }, caps);
    expect(j.blockers).toHaveLength(3);
    expect(j.blockers.join('\n')).not.toContain('software fallback');
    expect(j.slowdowns.join('\n')).toContain('software fallback');
  });
});

describe('judgeRun: slowdowns', () => {
  it('WASM above 1 GB of weights; exactly 1 GB is still fine', () => {
    expect(ok(judge({ device: 'wasm', downloadBytes: WASM_SLOW_BYTES }))).toBe(true);
    expect(judge({ device: 'wasm', downloadBytes: 1.5 * GB })).toMatchObject({
      blockers: [],
      slowdowns: ['1.5 GB of weights is a lot for WASM (the CPU): above 1.0 GB, expect a few tokens per second'],
    });
  });

  it('a fallback (software) WebGPU adapter above 200 MB of weights', () => {
    const caps = withCaps({ webgpu: gpu({ name: 'google · swiftshader', isFallbackAdapter: true }) });
    expect(ok(judge({ downloadBytes: FALLBACK_ADAPTER_SLOW_BYTES }, caps))).toBe(true);
    expect(judge({ downloadBytes: 250 * MB }, caps).slowdowns).toEqual([
      'the WebGPU adapter (google · swiftshader) is a software fallback that runs on the CPU, which is slow above 200 MB of weights (this model has 250 MB)',
    ]);
  });

  it('single-threaded WASM above 100 MB of weights, not with four threads', () => {
    const oneThread = withCaps({ wasmThreads: 1 });
    expect(ok(judge({ device: 'wasm', downloadBytes: SINGLE_THREAD_SLOW_BYTES }, oneThread))).toBe(true);
    expect(judge({ device: 'wasm', downloadBytes: 150 * MB }, oneThread).slowdowns[0]).toMatch(
      /^WASM runs on one thread here .* slow above 100 MB of weights \(this model has 150 MB\)$/,
    );
    expect(ok(judge({ device: 'wasm', downloadBytes: 150 * MB }))).toBe(true);
  });
});

describe('judgeRun: storage', () => {
  // The weight cache drops what does not fit and the load goes on: a warning, never a blocker.
  it('less free quota than the download: it still runs, and says it downloads again every visit', () => {
    const caps = withCaps({ storageQuotaBytes: 10 * GB, storageUsageBytes: 9.2 * GB });
    expect(judge({ downloadBytes: 1.2 * GB, bytesToCache: 1.2 * GB }, caps)).toMatchObject({
      blockers: [],
      slowdowns: ["can't cache: needs 1.2 GB, 800 MB free, so it downloads again on every visit"],
    });
  });

  it('exactly enough free space is fine; an already stored variant needs none', () => {
    const caps = withCaps({ storageQuotaBytes: 10 * GB, storageUsageBytes: 9.5 * GB });
    expect(ok(judge({ bytesToCache: 500 * MB }, caps))).toBe(true);
    expect(ok(judge({ downloadBytes: 1.2 * GB, bytesToCache: 0 }, caps))).toBe(true);
  });

  it('an unknown usage counts as none, an unknown quota is not checked', () => {
    expect(judge({ bytesToCache: 1.2 * GB }, withCaps({ storageQuotaBytes: 1 * GB, storageUsageBytes: null })).slowdowns).toEqual([
      "can't cache: needs 1.2 GB, 1.0 GB free, so it downloads again on every visit",
    ]);
    expect(ok(judge({ bytesToCache: 1.2 * GB }, withCaps({ storageQuotaBytes: null, storageUsageBytes: null })))).toBe(true);
  });
});
