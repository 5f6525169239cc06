/**
 * The model panel's verdict for real catalog entries (public/models/models.json) on synthetic
 * devices: the router's first choice of device and variant, checked for fit, with the KV cache of
 * the entry's attention shape counted.
 */
import { describe, expect, it } from 'vitest';
import { fitForModel } from '../../src/app/model-fit';
import { toGatewayModelRef } from '../../src/catalog/catalog';
import type { Capabilities, WebGpuInfo } from '../../src/engine/capabilities';
import { readCatalog } from '../support/paths';

const GB = 1e9;
const catalog = readCatalog().models;
const model = (id: string) => {
  const found = catalog.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
};

const gpu = (overrides: Partial<WebGpuInfo> = {}): WebGpuInfo => ({
  name: 'acme · gpu9', vendor: 'acme', architecture: 'gpu9', description: '', shaderF16: true, isFallbackAdapter: false,
  maxBufferSize: 4 * 1024 ** 3, maxStorageBufferBindingSize: 2 * 1024 ** 3, ...overrides,
});
const caps = (overrides: Partial<Capabilities> = {}): Capabilities => ({
  webgpu: gpu(), webgpuUnavailableReason: null, crossOriginIsolated: true, hardwareConcurrency: 8, wasmThreads: 4,
  deviceMemoryGiB: null, storageQuotaBytes: 100 * GB, storageUsageBytes: 0, userAgent: 'test', ...overrides,
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
    const fit = fitForModel(model('llama-3.2-1b-instruct'), caps({ webgpu: gpu({ shaderF16: false }) }), 'auto', 'auto');
    expect(fit?.device).toBe('wasm');
    expect(fit?.verdict.level).toBe('slow');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/a lot for WASM/);
    expect(fit?.verdict.suggestion).toMatch(/gateway/);
  });

  it('rules it out entirely when WebGPU is forced, naming shader-f16', () => {
    const fit = fitForModel(model('llama-3.2-1b-instruct'), caps({ webgpu: gpu({ shaderF16: false }) }), 'webgpu', 'auto');
    expect(fit?.device).toBeNull();
    expect(fit?.verdict.level).toBe('wont-fit');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/shader-f16/);
  });

  it('calls a 1.5 GB q4 model on one WASM thread slow, and suggests its smaller variant', () => {
    const fit = fitForModel(model('qwen2.5-1.5b-instruct'), caps({ webgpu: null, wasmThreads: 1 }), 'auto', 'auto');
    expect(fit?.device).toBe('wasm');
    expect(fit?.dtype).toBe('q4');
    expect(fit?.verdict.level).toBe('slow');
    expect(fit?.verdict.suggestion).toMatch(/int8 \(q8\) variant/);
  });

  it('says a model will not fit when the storage left is smaller than its download', () => {
    const fit = fitForModel(model('phi-4-mini-instruct'), caps({ storageQuotaBytes: 2 * GB, storageUsageBytes: 0 }), 'auto', 'auto');
    expect(fit?.verdict.level).toBe('wont-fit');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/can't cache: needs 3\.4 GB, 2\.0 GB free/);
  });

  it('has no verdict for gateway models, and sends a hub model to the gateway by its Foundry alias', () => {
    expect(fitForModel(model('gpt-oss-20b'), caps(), 'auto', 'auto')).toBeNull();
    expect(toGatewayModelRef(model('phi-4-mini-instruct')).serverModel).toBe('phi-4-mini');
    expect(toGatewayModelRef(model('smollm2-1.7b-instruct')).serverModel).toBe('smollm2-1.7b-instruct');
  });
});
