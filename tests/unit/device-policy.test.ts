/** Which device / dtype plans are tried, in order, for each capability combination. */
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../../src/catalog/schema';
import type { WebGpuInfo } from '../../src/engine/capabilities';
import { planBrowserRuns, type PlanResult } from '../../src/engine/device-policy';

const gpu = (shaderF16: boolean): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16,
  isFallbackAdapter: false,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
});
type Caps = Parameters<typeof planBrowserRuns>[1];
const noGpu: Caps = { webgpu: null, webgpuUnavailableReason: 'navigator.gpu is missing', wasmThreads: 4, deviceMemoryGiB: null };
const gpuF16: Caps = { webgpu: gpu(true), webgpuUnavailableReason: null, wasmThreads: 4, deviceMemoryGiB: null };
const gpuNoF16: Caps = { webgpu: gpu(false), webgpuUnavailableReason: null, wasmThreads: 1, deviceMemoryGiB: null };
const GIB = 1024 ** 3;

const variants = (...dtypes: Dtype[]): { dtype: Dtype }[] => dtypes.map((dtype) => ({ dtype }));
const order = (r: PlanResult): string[] => r.plans.map((p) => `${p.device}/${p.dtype}`);

describe('planBrowserRuns', () => {
  it('without WebGPU plans only WASM, q4 then q8 then fp32, and says why', () => {
    const r = planBrowserRuns(variants('fp32', 'q8', 'q4'), noGpu, 'auto');
    expect(order(r)).toEqual(['wasm/q4', 'wasm/q8', 'wasm/fp32']);
    expect(r.ruledOut).toEqual(['WebGPU: navigator.gpu is missing']);
    expect(r.plans[0]?.reason).toBe('no WebGPU: navigator.gpu is missing; WASM on 4 threads');
  });

  it('with shader-f16 tries the f16 variants on WebGPU first, then f32 ones, then WASM', () => {
    const r = planBrowserRuns(variants('fp32', 'q4', 'fp16', 'q4f16'), gpuF16, 'auto');
    expect(order(r)).toEqual(['webgpu/q4f16', 'webgpu/fp16', 'webgpu/q4', 'webgpu/fp32', 'wasm/q4', 'wasm/fp32', 'wasm/fp16', 'wasm/q4f16']);
    expect(r.ruledOut).toEqual([]);
    expect(r.plans[0]?.reason).toBe('WebGPU adapter available (acme · gpu9)');
    expect(r.plans[4]?.reason).toBe('fallback after WebGPU; WASM on 4 threads');
  });

  it('without shader-f16 rules out f16 variants on WebGPU but keeps f32 ones', () => {
    const r = planBrowserRuns(variants('q4f16', 'fp16', 'q4', 'fp32'), gpuNoF16, 'auto');
    expect(order(r).filter((p) => p.startsWith('webgpu'))).toEqual(['webgpu/q4', 'webgpu/fp32']);
    expect(r.ruledOut).toEqual([
      'WebGPU q4f16: the adapter (acme · gpu9) has no shader-f16',
      'WebGPU fp16: the adapter (acme · gpu9) has no shader-f16',
    ]);
    expect(r.plans[0]?.reason).toBe('WebGPU adapter available (acme · gpu9), no shader-f16 so f32 activations');
    expect(r.plans.find((p) => p.device === 'wasm')?.reason).toBe('fallback after WebGPU; WASM on 1 thread');
  });

  it('a model with only f16 variants on a GPU without shader-f16 runs on WASM', () => {
    const r = planBrowserRuns(variants('q4f16'), gpuNoF16, 'auto');
    expect(order(r)).toEqual(['wasm/q4f16']);
    expect(r.ruledOut).toHaveLength(1);
  });

  it('forced WebGPU never falls back to WASM', () => {
    const r = planBrowserRuns(variants('q4', 'fp32'), gpuF16, 'webgpu');
    expect(order(r)).toEqual(['webgpu/q4', 'webgpu/fp32']);
    expect(r.plans[0]?.reason).toBe('you chose WebGPU (acme · gpu9)');
  });

  it('forced WebGPU without WebGPU leaves nothing to run, with the reason', () => {
    const r = planBrowserRuns(variants('q4'), noGpu, 'webgpu');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut).toEqual(['WebGPU: navigator.gpu is missing']);
  });

  it('forced WASM ignores an available GPU and rules nothing out', () => {
    const r = planBrowserRuns(variants('q4', 'q4f16'), gpuF16, 'wasm');
    expect(order(r)).toEqual(['wasm/q4', 'wasm/q4f16']);
    expect(r.ruledOut).toEqual([]);
    expect(r.plans[0]?.reason).toBe('you chose WASM; WASM on 4 threads');
  });

  it('a dtype preference narrows every device to that dtype', () => {
    const r = planBrowserRuns(variants('fp32', 'q4', 'q8'), gpuF16, 'auto', 'q8');
    expect(order(r)).toEqual(['webgpu/q8', 'wasm/q8']);
  });

  it('a preferred dtype the model lacks leaves nothing, listing what exists', () => {
    const r = planBrowserRuns(variants('fp32', 'q4'), gpuF16, 'auto', 'q4f16');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut).toEqual(['this model has no q4f16 variant (it has fp32, q4)']);
  });

  it('a preferred f16 dtype on a GPU without shader-f16 falls to WASM', () => {
    const r = planBrowserRuns(variants('fp16', 'q4'), gpuNoF16, 'auto', 'fp16');
    expect(order(r)).toEqual(['wasm/fp16']);
    expect(r.ruledOut).toEqual(['WebGPU fp16: the adapter (acme · gpu9) has no shader-f16']);
    expect(r.plans[0]?.reason).not.toContain('no shader-f16 so f32'); // no f32-activation note for a chosen dtype
  });

  it('falls back to a generic reason when WebGPU is missing without an explanation', () => {
    const r = planBrowserRuns(variants('q4'), { ...noGpu, webgpuUnavailableReason: null, wasmThreads: 2 }, 'auto');
    expect(r.ruledOut).toEqual(['WebGPU: not available']);
    expect(r.plans[0]?.reason).toBe('no WebGPU: not available; WASM on 2 threads');
  });

  it('the gateway preference plans no browser run at all', () => {
    expect(planBrowserRuns(variants('q4'), gpuF16, 'gateway')).toEqual({ plans: [], ruledOut: ['you chose the gateway'] });
  });

  it('skips variants too big for the wasm32 heap, but not for WebGPU', () => {
    // 4 GiB of fp32 weights is over the 3.5 GiB WASM limit; 1 GiB of q4 is not.
    const bytesOf = (d: Dtype): number => (d === 'fp32' ? 4 * GIB : 1 * GIB);
    const r = planBrowserRuns(variants('fp32', 'q4'), gpuF16, 'auto', 'auto', bytesOf);
    expect(order(r)).toEqual(['webgpu/q4', 'webgpu/fp32', 'wasm/q4']);
    expect(r.ruledOut).toHaveLength(1);
    expect(r.ruledOut[0]).toMatch(/^WASM fp32: /);
  });

  it('skips variants bigger than half of a small device memory, on every device', () => {
    // 2 GiB of memory allows at most 1 GiB of weights.
    const caps: Caps = { ...gpuF16, deviceMemoryGiB: 2 };
    const bytesOf = (d: Dtype): number => (d === 'q4' ? 0.5 * GIB : 1.5 * GIB);
    const r = planBrowserRuns(variants('q8', 'q4'), caps, 'auto', 'auto', bytesOf);
    expect(order(r)).toEqual(['webgpu/q4', 'wasm/q4']);
    expect(r.ruledOut.map((x) => x.split(':')[0])).toEqual(['WebGPU q8', 'WASM q8']);
  });
});
