/** Which device / dtype plans are tried, in order, for each capability combination, and why. */
import { describe, expect, it } from 'vitest';
import { onnxFileForDtype } from '../../src/catalog/dtypes';
import type { Dtype } from '../../src/catalog/schema';
import type { JudgedCapabilities } from '../../src/placement/judge';
import { planRuns, type PlacedModel, type PlanResult, type RunChoice } from '../../src/placement/plans';
import type { WebGpuInfo } from '../../src/placement/snapshot';

const MB = 1e6;
const GIB = 1024 ** 3;

const gpu = (shaderF16: boolean, limit = GIB): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16,
  isFallbackAdapter: false,
  maxBufferSize: limit,
  maxStorageBufferBindingSize: limit,
});
const base = { wasmThreads: 4, deviceMemoryGiB: null, storageQuotaBytes: null, storageUsageBytes: null };
const noGpu: JudgedCapabilities = { ...base, webgpu: null, webgpuUnavailableReason: 'navigator.gpu is missing' };
const gpuF16: JudgedCapabilities = { ...base, webgpu: gpu(true), webgpuUnavailableReason: null };
const gpuNoF16: JudgedCapabilities = { ...base, webgpu: gpu(false), webgpuUnavailableReason: null, wasmThreads: 1 };

/** A bundled model with one ONNX file per dtype, of the given size (1 MB unless said). */
function model(sizes: Partial<Record<Dtype, number>>, shape?: PlacedModel['shape']): PlacedModel {
  return {
    source: { kind: 'bundled', path: 'models/m' },
    files: [],
    variants: Object.entries(sizes).map(([dtype, bytes]) => ({
      dtype: dtype as Dtype,
      files: [{ path: onnxFileForDtype(dtype as Dtype), bytes }],
    })),
    contextLength: 4096,
    ...(shape ? { shape } : {}),
  };
}
const variants = (...dtypes: Dtype[]): PlacedModel => model(Object.fromEntries(dtypes.map((d) => [d, MB])));
const plan = (m: PlacedModel, caps: JudgedCapabilities, device: RunChoice['device'], dtype: RunChoice['dtype'] = 'auto'): PlanResult =>
  planRuns(m, caps, { device, dtype });
const order = (r: PlanResult): string[] => r.plans.map((p) => `${p.device}/${p.dtype}`);

describe('planRuns: the order', () => {
  it('without WebGPU plans only WASM, a tiny model fp32 then q8 then q4, and says why', () => {
    const r = plan(variants('fp32', 'q8', 'q4'), noGpu, 'auto');
    expect(order(r)).toEqual(['wasm/fp32', 'wasm/q8', 'wasm/q4']);
    expect(r.ruledOut).toEqual(['WebGPU: navigator.gpu is missing']);
    expect(r.plans[0]?.reason).toBe('no WebGPU: navigator.gpu is missing; WASM on 4 threads');
  });

  it('with shader-f16 tries the f16 variants on WebGPU first, then f32 ones, then WASM', () => {
    const r = plan(variants('fp32', 'q4', 'fp16', 'q4f16'), gpuF16, 'auto');
    expect(order(r)).toEqual([
      'webgpu/q4f16',
      'webgpu/fp16',
      'webgpu/q4',
      'webgpu/fp32',
      'wasm/fp32',
      'wasm/q4',
      'wasm/fp16',
      'wasm/q4f16',
    ]);
    expect(r.ruledOut).toEqual([]);
    expect(r.plans[0]?.reason).toBe('WebGPU adapter available (acme · gpu9)');
    expect(r.plans[4]?.reason).toBe('fallback after WebGPU; WASM on 4 threads');
  });

  it('without shader-f16 rules out f16 variants on WebGPU but keeps f32 ones', () => {
    const r = plan(variants('q4f16', 'fp16', 'q4', 'fp32'), gpuNoF16, 'auto');
    expect(order(r).filter((p) => p.startsWith('webgpu'))).toEqual(['webgpu/q4', 'webgpu/fp32']);
    expect(r.ruledOut).toEqual([
      'WebGPU q4f16: needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks',
      'WebGPU fp16: needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks',
    ]);
    expect(r.plans[0]?.reason).toBe('WebGPU adapter available (acme · gpu9), no shader-f16 so f32 activations');
    expect(r.plans.find((p) => p.device === 'wasm')?.reason).toBe('fallback after WebGPU; WASM on 1 thread');
  });

  it('a model with only f16 variants on a GPU without shader-f16 runs on WASM, saying why not WebGPU', () => {
    const r = plan(variants('q4f16'), gpuNoF16, 'auto');
    expect(order(r)).toEqual(['wasm/q4f16']);
    expect(r.ruledOut).toHaveLength(1);
    expect(r.plans[0]?.reason).toBe(
      'WebGPU q4f16: needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks; WASM on 1 thread',
    );
  });

  it('forced WebGPU never falls back to WASM', () => {
    const r = plan(variants('q4', 'fp32'), gpuF16, 'webgpu');
    expect(order(r)).toEqual(['webgpu/q4', 'webgpu/fp32']);
    expect(r.plans[0]?.reason).toBe('you chose WebGPU (acme · gpu9)');
  });

  it('forced WebGPU without WebGPU leaves nothing to run, with the reason', () => {
    const r = plan(variants('q4'), noGpu, 'webgpu');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut).toEqual(['WebGPU: navigator.gpu is missing']);
  });

  it('forced WASM ignores an available GPU and rules nothing out', () => {
    const r = plan(variants('q4', 'q4f16'), gpuF16, 'wasm');
    expect(order(r)).toEqual(['wasm/q4', 'wasm/q4f16']);
    expect(r.ruledOut).toEqual([]);
    expect(r.plans[0]?.reason).toBe('you chose WASM; WASM on 4 threads');
  });

  it('a dtype preference narrows every device to that dtype', () => {
    expect(order(plan(variants('fp32', 'q4', 'q8'), gpuF16, 'auto', 'q8'))).toEqual(['webgpu/q8', 'wasm/q8']);
  });

  it('a preferred dtype the model lacks leaves nothing, listing what exists', () => {
    const r = plan(variants('fp32', 'q4'), gpuF16, 'auto', 'q4f16');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut).toEqual(['this model has no q4f16 variant (it has fp32, q4)']);
  });

  it('a preferred f16 dtype on a GPU without shader-f16 falls to WASM, and says it was not tried on WebGPU', () => {
    const r = plan(variants('fp16', 'q4'), gpuNoF16, 'auto', 'fp16');
    expect(order(r)).toEqual(['wasm/fp16']);
    expect(r.ruledOut).toEqual(['WebGPU fp16: needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks']);
    // No f32-activation note for a chosen dtype, and no "fallback after WebGPU": WebGPU never ran.
    expect(r.plans[0]?.reason).toBe(
      'WebGPU fp16: needs the GPU feature shader-f16, which this adapter (acme · gpu9) lacks; WASM on 1 thread',
    );
  });

  it('falls back to a generic reason when WebGPU is missing without an explanation', () => {
    const r = plan(variants('q4'), { ...noGpu, webgpuUnavailableReason: null, wasmThreads: 2 }, 'auto');
    expect(r.ruledOut).toEqual(['WebGPU: not available']);
    expect(r.plans[0]?.reason).toBe('no WebGPU: not available; WASM on 2 threads');
  });

  it('the gateway preference plans no browser run at all', () => {
    expect(plan(variants('q4'), gpuF16, 'gateway')).toEqual({ candidates: [], plans: [], ruledOut: ['you chose the gateway'] });
  });

  it('judges every candidate it lists, blocked ones included, in the order tried', () => {
    const r = plan(variants('q4f16', 'q4'), gpuNoF16, 'auto');
    expect(r.candidates.map((c) => `${c.device}/${c.dtype}/${c.blockers.length}`)).toEqual([
      'webgpu/q4f16/1',
      'webgpu/q4/0',
      'wasm/q4/0',
      'wasm/q4f16/0',
    ]);
  });
});

describe('planRuns: what does not fit is never planned', () => {
  it('skips variants too big for the wasm32 heap, but not for WebGPU', () => {
    // 4 GiB of fp32 weights is over the 3.5 GiB WASM limit; 1 GiB of q4 is not.
    const roomyGpu = { ...gpuF16, webgpu: gpu(true, 4 * GIB) };
    const r = plan(model({ fp32: 4 * GIB, q4: GIB }), roomyGpu, 'auto');
    expect(order(r)).toEqual(['webgpu/q4', 'webgpu/fp32', 'wasm/q4']);
    expect(r.ruledOut).toEqual(['WASM fp32: needs 4.3 GB for its weights, but WASM can hold at most 3.8 GB']);
  });

  it('counts the KV cache against the wasm32 heap: weights under the limit can still be ruled out', () => {
    // 3.4e9 bytes of q4 weights plus a 4096-token fp32 KV cache of 2·32·8·128·4096·4 = 1,073,741,824.
    const m = model({ q4: 3.4e9 }, { layers: 32, kvHeads: 8, headDim: 128 });
    const r = plan(m, noGpu, 'auto');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut[1]).toBe('WASM q4: needs 4.5 GB for its weights and a 4096-token KV cache, but WASM can hold at most 3.8 GB');
    // Without the shape there is nothing to add: the same weights fit.
    expect(order(plan(model({ q4: 3.4e9 }), noGpu, 'auto'))).toEqual(['wasm/q4']);
  });

  it("skips variants whose largest file exceeds the GPU's buffer limit, and says so when it falls to WASM", () => {
    // 1 GiB limits: 1.5e9 bytes of q4f16 do not fit one buffer, 0.9e9 of q4 do.
    const r = plan(model({ q4f16: 1.5e9, q4: 0.9e9 }), gpuF16, 'auto');
    expect(order(r)).toEqual(['webgpu/q4', 'wasm/q4', 'wasm/q4f16']);
    expect(r.ruledOut).toEqual(["WebGPU q4f16: its largest weight file is 1.5 GB, but this GPU's buffers hold at most 1.1 GB"]);
    // The WebGPU plan that is tried says what was passed over on the way.
    expect(r.plans[0]?.reason).toBe(
      "WebGPU adapter available (acme · gpu9); WebGPU q4f16: its largest weight file is 1.5 GB, but this GPU's buffers hold at most 1.1 GB",
    );

    const onlyBig = plan(model({ q4f16: 1.5e9, q4: 2e9 }), gpuF16, 'auto');
    expect(order(onlyBig)).toEqual(['wasm/q4', 'wasm/q4f16']);
    expect(onlyBig.plans[0]?.reason).toBe(
      "WebGPU q4f16: its largest weight file is 1.5 GB, but this GPU's buffers hold at most 1.1 GB; WebGPU q4 ruled out too; WASM on 4 threads",
    );
  });

  it('skips variants bigger than half of a small device memory, on every device', () => {
    // 2 GiB of memory allows at most 1 GiB of weights.
    const caps: JudgedCapabilities = { ...gpuF16, webgpu: gpu(true, 4 * GIB), deviceMemoryGiB: 2 };
    const r = plan(model({ q8: 1.5 * GIB, q4: 0.5 * GIB }), caps, 'auto');
    expect(order(r)).toEqual(['webgpu/q4', 'wasm/q4']);
    expect(r.ruledOut.map((x) => x.split(':')[0])).toEqual(['WebGPU q8', 'WASM q8']);
  });

  it('a forced device whose every variant is ruled out leaves nothing, with each reason', () => {
    const r = plan(model({ q4: 2e9, q8: 3e9 }), gpuF16, 'webgpu');
    expect(r.plans).toEqual([]);
    expect(r.ruledOut).toEqual([
      "WebGPU q4: its largest weight file is 2.0 GB, but this GPU's buffers hold at most 1.1 GB",
      "WebGPU q8: its largest weight file is 3.0 GB, but this GPU's buffers hold at most 1.1 GB",
    ]);
  });
});
