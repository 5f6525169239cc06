/**
 * The variant order: WASM's default without a measurement (q8, fp32 first for a tiny model, q4
 * only after every other variant), and how measured speeds reorder a device's variants in the one
 * placement the router, the panel and the benchmark read.
 */
import { describe, expect, it } from 'vitest';
import { onnxFileForDtype } from '../../src/catalog/dtypes';
import type { Dtype } from '../../src/catalog/schema';
import type { JudgedCapabilities } from '../../src/placement/judge';
import { defaultOrder } from '../../src/placement/default-order';
import { fastestVariant, measuredOrder, rankSpeeds, speedNote, type MeasuredSpeeds } from '../../src/placement/measured-order';
import { planRuns, type PlacedModel, type PlanResult, type RunChoice } from '../../src/placement/plans';
import { fitForModel } from '../../src/placement/verdict';
import type { WebGpuInfo } from '../../src/placement/snapshot';
import { readCatalog } from '../support/paths';

const MB = 1e6;
const GIB = 1024 ** 3;
const gpu: WebGpuInfo = {
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16: false,
  isFallbackAdapter: false,
  maxBufferSize: GIB,
  maxStorageBufferBindingSize: GIB,
};
const base = { wasmThreads: 4, deviceMemoryGiB: null, storageQuotaBytes: null, storageUsageBytes: null };
const noGpu: JudgedCapabilities = { ...base, webgpu: null, webgpuUnavailableReason: 'navigator.gpu is missing' };
const withGpu: JudgedCapabilities = { ...base, webgpu: gpu, webgpuUnavailableReason: null };

/** A bundled model with one ONNX file per dtype, of the given size. */
function model(sizes: Partial<Record<Dtype, number>>): PlacedModel {
  return {
    source: { kind: 'bundled', path: 'models/m' },
    files: [],
    variants: Object.entries(sizes).map(([dtype, bytes]) => ({
      dtype: dtype as Dtype,
      files: [{ path: onnxFileForDtype(dtype as Dtype), bytes }],
    })),
    contextLength: 4096,
  };
}
const plan = (m: PlacedModel, caps: JudgedCapabilities, choice: RunChoice): PlanResult => planRuns(m, caps, choice);
const order = (r: PlanResult): string[] => r.plans.map((p) => `${p.device}/${p.dtype}`);

describe('WASM without a measurement', () => {
  it('tries q8 first, then fp32, and q4 only after every 8-bit and fp32 variant', () => {
    const r = plan(model({ q4: 100 * MB, fp32: 800 * MB, q8: 200 * MB, int8: 200 * MB }), noGpu, { device: 'auto', dtype: 'auto' });
    expect(order(r)).toEqual(['wasm/q8', 'wasm/int8', 'wasm/fp32', 'wasm/q4']);
  });

  it('tries fp32 first when its weights are at most 64 MB, and not above', () => {
    expect(order(plan(model({ q4: 16 * MB, q8: 16 * MB, fp32: 64 * MB }), noGpu, { device: 'wasm', dtype: 'auto' }))).toEqual([
      'wasm/fp32',
      'wasm/q8',
      'wasm/q4',
    ]);
    expect(order(plan(model({ q4: 16 * MB, q8: 17 * MB, fp32: 65 * MB }), noGpu, { device: 'wasm', dtype: 'auto' }))).toEqual([
      'wasm/q8',
      'wasm/fp32',
      'wasm/q4',
    ]);
  });

  it('starts with q4 only when it is the only variant that fits the wasm32 heap', () => {
    // fp32 and q8 over the 3.5 GiB budget: blocked, so q4 is what is left (and the reason says why).
    const r = plan(model({ fp32: 8e9, q8: 4e9, q4: 2e9, q4f16: 1.5e9 }), noGpu, { device: 'wasm', dtype: 'auto' });
    expect(order(r)).toEqual(['wasm/q4', 'wasm/q4f16']);
    expect(r.plans[0]!.reason).toMatch(
      /WASM q8: needs 4\.0 GB for its weights, but WASM can hold at most 3\.8 GB; WASM fp32 ruled out too/,
    );
  });

  it('keeps the f16 variants last on WASM, after q4', () => {
    expect(order(plan(model({ q4f16: MB, fp16: MB, q4: MB }), noGpu, { device: 'wasm', dtype: 'auto' }))).toEqual([
      'wasm/q4',
      'wasm/fp16',
      'wasm/q4f16',
    ]);
  });

  it('leaves the WebGPU order as it was: 4-bit first there', () => {
    expect(defaultOrder(model({ q8: MB, fp32: MB, q4: MB }), 'webgpu').filter((d) => ['q8', 'fp32', 'q4'].includes(d))).toEqual([
      'q4',
      'fp32',
      'q8',
    ]);
  });

  it('puts every bundled model on fp32 and every hub model on q8 (or what it has) on WASM', () => {
    const firsts = Object.fromEntries(
      readCatalog()
        .models.filter((m) => m.source.kind !== 'gateway')
        .map((m) => [m.id, planRuns(m, noGpu, { device: 'wasm', dtype: 'auto' }).plans[0]?.dtype ?? null]),
    );
    expect(firsts).toMatchObject({
      'pocket-chat-1m': 'fp32',
      'pocket-chat-3m': 'fp32',
      'qwen2.5-0.5b-instruct': 'q8',
      'qwen2.5-1.5b-instruct': 'q8',
      'llama-3.2-1b-instruct': 'q8',
      // No 8-bit or fp32 variant: q4, before the f16 one the CPU would emulate.
      'smollm2-1.7b-instruct': 'q4',
    });
  });
});

describe('ranking measured speeds', () => {
  const speeds = [
    { dtype: 'q4' as const, decodeTokensPerSec: 129 },
    { dtype: 'fp32' as const, decodeTokensPerSec: Number.NaN },
    { dtype: 'q8' as const, decodeTokensPerSec: 162 },
    { dtype: 'int8' as const, decodeTokensPerSec: 0 },
  ];

  it('ranks usable speeds fastest first and drops the rest', () => {
    expect(rankSpeeds(speeds).map((s) => s.dtype)).toEqual(['q8', 'q4']);
    expect(fastestVariant(speeds)?.dtype).toBe('q8');
    expect(fastestVariant([])).toBeNull();
  });

  it('puts measured variants first, fastest first, and the rest in the default order', () => {
    expect(measuredOrder(['fp32', 'q8', 'int8', 'q4', 'q4f16'], speeds)).toEqual(['q8', 'q4', 'fp32', 'int8', 'q4f16']);
    // A measured dtype the device does not try stays out.
    expect(measuredOrder(['q8', 'q4'], [{ dtype: 'q4f16', decodeTokensPerSec: 1000 }])).toEqual(['q8', 'q4']);
    expect(measuredOrder(['q8', 'q4'], undefined)).toEqual(['q8', 'q4']);
  });

  it('says how the pick compares, in words a person reads', () => {
    const measured = [
      { dtype: 'q8' as const, decodeTokensPerSec: 500 },
      { dtype: 'q4' as const, decodeTokensPerSec: 312.5 },
    ];
    expect(speedNote('q8', measured, 'wasm')).toBe('q8: 1.6× faster than q4 on this CPU');
    expect(speedNote('q4', measured, 'wasm')).toBe('q4: 1.6× slower than q8 on this CPU');
    expect(speedNote('q8', [measured[0]!, { dtype: 'q4', decodeTokensPerSec: 490 }], 'webgpu')).toBe('q8: as fast as q4 on this GPU');
    expect(speedNote('q8', [measured[0]!, { dtype: 'q4', decodeTokensPerSec: 5 }], 'wasm')).toBe('q8: 100× faster than q4 on this CPU');
    expect(speedNote('q8', [measured[0]!], 'wasm')).toBe('q8: the only variant measured on this CPU');
    expect(speedNote('fp32', measured, 'wasm')).toBeNull();
  });
});

describe('placement with a measurement', () => {
  const tiny = model({ fp32: 4 * MB, q8: 1.3 * MB, q4: MB });
  const wasmSpeeds: MeasuredSpeeds = {
    wasm: [
      { dtype: 'fp32', decodeTokensPerSec: 300 },
      { dtype: 'q8', decodeTokensPerSec: 200 },
      { dtype: 'q4', decodeTokensPerSec: 600 },
    ],
  };

  it('tries the fastest measured variant first, whatever the default, and says why in the reason', () => {
    const r = plan(tiny, noGpu, { device: 'auto', dtype: 'auto', measured: wasmSpeeds });
    expect(order(r)).toEqual(['wasm/q4', 'wasm/fp32', 'wasm/q8']);
    expect(r.plans[0]!.measured).toBe('q4: 2.0× faster than fp32 on this CPU');
    expect(r.plans[0]!.reason).toBe(
      'no WebGPU: navigator.gpu is missing; WASM on 4 threads; q4: 2.0× faster than fp32 on this CPU (measured)',
    );
    expect(r.plans.slice(1).every((p) => p.measured === undefined)).toBe(true);
  });

  it('lets an explicit dtype override the measurement', () => {
    const r = plan(tiny, noGpu, { device: 'auto', dtype: 'q8', measured: wasmSpeeds });
    expect(order(r)).toEqual(['wasm/q8']);
    expect(r.plans[0]!.measured).toBeUndefined();
    expect(r.plans[0]!.reason).not.toMatch(/measured/);
  });

  it('rules out a measured variant that no longer fits, and compares the next one only with what can run', () => {
    const speeds: MeasuredSpeeds = {
      wasm: [
        { dtype: 'fp32', decodeTokensPerSec: 900 },
        { dtype: 'q8', decodeTokensPerSec: 500 },
        { dtype: 'q4', decodeTokensPerSec: 400 },
      ],
    };
    // 1 GiB of device memory: the 600 MB fp32 is over half of it.
    const r = plan(
      model({ fp32: 600 * MB, q8: 150 * MB, q4: 100 * MB }),
      { ...noGpu, deviceMemoryGiB: 1 },
      {
        device: 'wasm',
        dtype: 'auto',
        measured: speeds,
      },
    );
    expect(order(r)).toEqual(['wasm/q8', 'wasm/q4']);
    expect(r.ruledOut[0]).toMatch(/^WASM fp32: /);
    expect(r.plans[0]!.measured).toBe('q8: 1.3× faster than q4 on this CPU');
  });

  it('reorders only the device it was measured on', () => {
    const r = plan(tiny, withGpu, { device: 'auto', dtype: 'auto', measured: wasmSpeeds });
    expect(order(r)).toEqual(['webgpu/q4', 'webgpu/fp32', 'webgpu/q8', 'wasm/q4', 'wasm/fp32', 'wasm/q8']);
    expect(r.plans[0]!.measured).toBeUndefined();
    expect(r.plans[3]!.measured).toBe('q4: 2.0× faster than fp32 on this CPU');
    const gpuSpeeds: MeasuredSpeeds = {
      webgpu: [
        { dtype: 'q8', decodeTokensPerSec: 30 },
        { dtype: 'q4', decodeTokensPerSec: 10 },
      ],
    };
    expect(order(plan(tiny, withGpu, { device: 'webgpu', dtype: 'auto', measured: gpuSpeeds }))).toEqual([
      'webgpu/q8',
      'webgpu/q4',
      'webgpu/fp32',
    ]);
  });

  it('gives the panel the run the router tries first', () => {
    const pocket = readCatalog().models.find((m) => m.id === 'pocket-chat-1m')!;
    const caps = { ...noGpu, crossOriginIsolated: true, hardwareConcurrency: 4, userAgent: 'test' };
    const measured: MeasuredSpeeds = {
      wasm: [
        { dtype: 'q8', decodeTokensPerSec: 2 },
        { dtype: 'fp32', decodeTokensPerSec: 1 },
      ],
    };
    expect(fitForModel(pocket, caps, 'auto', 'auto')?.dtype).toBe('fp32');
    expect(fitForModel(pocket, caps, 'auto', 'auto', false, measured)?.dtype).toBe('q8');
    expect(planRuns(pocket, caps, { device: 'auto', dtype: 'auto', measured }).plans[0]?.dtype).toBe('q8');
  });
});
