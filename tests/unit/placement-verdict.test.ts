/**
 * The placement verdict for real catalog entries (public/models/models.json) on synthetic
 * devices: the first run the router would try, how well it fits, with the KV cache of the entry's
 * attention shape counted, and what to try instead.
 */
import { describe, expect, it } from 'vitest';
import { fitForModel, placeModel } from '../../src/placement/verdict';
import { toGatewayModelRef } from '../../src/catalog/catalog';
import type { Capabilities, WebGpuInfo } from '../../src/placement/snapshot';
import { readCatalog } from '../support/paths';

const GB = 1e9;
const catalog = readCatalog().models;
const model = (id: string) => {
  const found = catalog.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
};

const gpu = (overrides: Partial<WebGpuInfo> = {}): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16: true,
  isFallbackAdapter: false,
  maxBufferSize: 4 * 1024 ** 3,
  maxStorageBufferBindingSize: 2 * 1024 ** 3,
  ...overrides,
});
const caps = (overrides: Partial<Capabilities> = {}): Capabilities => ({
  webgpu: gpu(),
  webgpuUnavailableReason: null,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  wasmThreads: 4,
  deviceMemoryGiB: null,
  storageQuotaBytes: 100 * GB,
  storageUsageBytes: 0,
  userAgent: 'test',
  ...overrides,
});

describe('fitForModel', () => {
  it('picks q4f16 on a GPU with shader-f16 and counts the KV cache of 4096 tokens', () => {
    const fit = fitForModel(model('qwen2.5-0.5b-instruct'), caps(), 'auto', 'auto');
    expect(fit?.device).toBe('webgpu');
    expect(fit?.dtype).toBe('q4f16');
    expect(fit?.verdict.level).toBe('fits');
    // 24 layers x 2 KV heads x 64 dims x 2 (K and V) x 4096 tokens x 2 bytes (fp16) = 50,331,648
    expect(fit?.verdict.estimate.kvCacheBytes).toBe(50_331_648);
  });

  it('sends an f16-only model to WASM on a GPU without shader-f16, and calls 1.2 GB there slow', () => {
    // Llama 3.2 as its old q4f16-only repository had it.
    const llama = model('llama-3.2-1b-instruct');
    const f16Only = { ...llama, variants: llama.variants.filter((v) => v.dtype === 'q4f16') };
    const fit = fitForModel(f16Only, caps({ webgpu: gpu({ shaderF16: false }) }), 'auto', 'auto');
    expect(fit?.device).toBe('wasm');
    expect(fit?.verdict.level).toBe('slow');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/a lot for WASM/);
    expect(fit?.verdict.suggestion).toMatch(/gateway/);
  });

  it('Llama 3.2 from its -ONNX repository runs q4 on WebGPU without shader-f16 (the old q4f16-only build could not)', () => {
    const fit = fitForModel(model('llama-3.2-1b-instruct'), caps({ webgpu: gpu({ shaderF16: false }) }), 'auto', 'auto');
    expect(fit).toMatchObject({ device: 'webgpu', dtype: 'q4', verdict: { level: 'fits' } });
  });

  it('rules it out entirely when WebGPU is forced, naming shader-f16', () => {
    const fit = fitForModel(model('phi-3.5-mini-instruct'), caps({ webgpu: gpu({ shaderF16: false }) }), 'webgpu', 'auto');
    expect(fit?.device).toBeNull();
    expect(fit?.verdict.level).toBe('wont-fit');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/shader-f16/);
  });

  it('calls a 1.6 GB q8 model on one WASM thread slow, and suggests the gateway: its smaller q4f16 is slower on a CPU', () => {
    const fit = fitForModel(model('qwen2.5-1.5b-instruct'), caps({ webgpu: null, wasmThreads: 1 }), 'auto', 'auto');
    expect(fit?.device).toBe('wasm');
    expect(fit?.dtype).toBe('q8');
    expect(fit?.verdict.level).toBe('slow');
    expect(fit?.verdict.suggestion).toBe('run it on the gateway (Foundry Local)');
  });

  it('never suggests a smaller 4-bit variant on WASM, where it has no kernels of its own', () => {
    const big = { ...model('qwen2.5-1.5b-instruct'), variants: model('qwen2.5-1.5b-instruct').variants.filter((v) => v.dtype !== 'q4f16') };
    const q4 = big.variants.find((v) => v.dtype === 'q4')!;
    // A q4 smaller than the q8 it would replace: still slower on WASM.
    const smaller = {
      ...big,
      variants: [...big.variants.filter((v) => v !== q4), { ...q4, files: q4.files.map((f) => ({ ...f, bytes: 1e9 })) }],
    };
    const fit = fitForModel(smaller, caps({ webgpu: null, wasmThreads: 1 }), 'auto', 'auto');
    expect(fit).toMatchObject({ device: 'wasm', dtype: 'q8', verdict: { level: 'slow' } });
    expect(fit?.verdict.suggestion).toBe('run it on the gateway (Foundry Local)');
  });

  it('warns, without blocking, when the storage left is smaller than its download, and not once it is stored', () => {
    const little = caps({ storageQuotaBytes: 2 * GB, storageUsageBytes: 0 });
    const fit = fitForModel(model('phi-4-mini-instruct'), little, 'auto', 'auto');
    expect(fit).toMatchObject({ device: 'webgpu', dtype: 'q4f16' });
    expect(fit?.verdict.level).toBe('slow');
    // 1,000,000 + 1,896,000,000 + 492,000,000 bytes of q4f16 weights, plus 15,505,654 of root files.
    expect(fit?.verdict.reasons).toEqual(["can't cache: needs 2.4 GB, 2.0 GB free, so it downloads again on every visit"]);
    expect(fitForModel(model('phi-4-mini-instruct'), little, 'auto', 'auto', true)?.verdict.level).toBe('fits');
    // Bundled files ship with the app: there is nothing to store.
    expect(fitForModel(model('pocket-chat-1m'), caps({ storageQuotaBytes: 1, storageUsageBytes: 1 }), 'auto', 'auto')?.verdict.level).toBe(
      'fits',
    );
  });

  it('will not fit means no run is left: the reasons are what was ruled out, the way out the gateway', () => {
    // No WebGPU; gpt-oss-20b's q4f16 is 12,678,406,380 bytes plus a 201,326,592-byte fp16 KV cache
    // (2·24·8·64·4096·2): far over 3.5 GiB.
    const placement = placeModel(model('gpt-oss-20b-onnx'), caps({ webgpu: null, webgpuUnavailableReason: 'navigator.gpu is missing' }), {
      device: 'auto',
      dtype: 'auto',
    });
    expect(placement.plans).toEqual([]);
    expect(placement.fit).toEqual({
      device: null,
      dtype: null,
      bytes: 0,
      verdict: {
        level: 'wont-fit',
        reasons: [
          'WebGPU: navigator.gpu is missing',
          'WASM q4f16: needs 12.9 GB for its weights and a 4096-token KV cache, but WASM can hold at most 3.8 GB',
        ],
        suggestion: 'run it on the gateway (Foundry Local)',
        estimate: { weightsBytes: 0, kvCacheBytes: 0, totalBytes: 0 },
      },
    });
  });

  it('the verdict is on the first plan, the one the router tries', () => {
    const placement = placeModel(model('qwen2.5-0.5b-instruct'), caps({ webgpu: gpu({ maxStorageBufferBindingSize: 500e6 }) }), {
      device: 'auto',
      dtype: 'auto',
    });
    // q4f16's 483 MB graph fits a 500 MB buffer; q4's 786 MB and q8's 512 MB ones do not.
    expect(placement.plans.map((p) => `${p.device} ${p.dtype}`)).toEqual(['webgpu q4f16', 'wasm q8', 'wasm q4', 'wasm q4f16']);
    expect(placement.fit).toMatchObject({ device: 'webgpu', dtype: 'q4f16', bytes: 490_041_812, verdict: { level: 'fits' } });
  });

  it('has no verdict for gateway models or the gateway choice, and sends a hub model to the gateway by its Foundry alias', () => {
    expect(fitForModel(model('gpt-oss-20b'), caps(), 'auto', 'auto')).toBeNull();
    expect(placeModel(model('gpt-oss-20b'), caps(), { device: 'auto', dtype: 'auto' }).plans).toEqual([]);
    expect(fitForModel(model('qwen2.5-0.5b-instruct'), caps(), 'gateway', 'auto')).toBeNull();
    expect(toGatewayModelRef(model('phi-4-mini-instruct')).serverModel).toBe('phi-4-mini');
    expect(toGatewayModelRef(model('smollm2-1.7b-instruct')).serverModel).toBe('smollm2-1.7b-instruct');
  });
});
