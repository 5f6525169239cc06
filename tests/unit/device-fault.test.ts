/**
 * After a device fails: recognising the failure in the error ONNX Runtime throws, and what the
 * user is offered instead (placement/recovery-offers.ts), on real catalog entries.
 */
import { describe, expect, it } from 'vitest';
import { variantBytes } from '../../src/catalog/variants';
import type { Capabilities } from '../../src/placement/snapshot';
import { recoveryOffers } from '../../src/placement/fault-offers';
import { describeDeviceFault, deviceFaultCause } from '../../src/engine/device-fault';
import { readCatalog } from '../support/paths';

const catalog = readCatalog().models;
const model = (id: string) => {
  const found = catalog.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
};

const GIB = 1024 ** 3;
const roomy: Capabilities = {
  webgpu: {
    name: 'acme · gpu9',
    vendor: 'acme',
    architecture: 'gpu9',
    description: '',
    shaderF16: true,
    isFallbackAdapter: false,
    maxBufferSize: 4 * GIB,
    maxStorageBufferBindingSize: 4 * GIB,
  },
  webgpuUnavailableReason: null,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  wasmThreads: 4,
  deviceMemoryGiB: null,
  storageQuotaBytes: null,
  storageUsageBytes: null,
  userAgent: 'test',
};
const auto = { device: 'auto', dtype: 'auto' } as const;

// What Chromium's ORT WebGPU build threw here when the device was destroyed mid-generation.
const UNMAPPED =
  "failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: buffer_manager.cc:643 Failed to download data from buffer. wgpu::MapAsyncStatus value: 4, message: Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.";

describe('deviceFaultCause', () => {
  it('trusts GPUDevice.lost over the message: the ORT error alone does not say the device is gone', () => {
    expect(deviceFaultCause(UNMAPPED, null)).toBeNull();
    expect(deviceFaultCause(UNMAPPED, 'Device was destroyed.')).toBe('device-lost');
  });

  it('recognises exhausted memory and a lost device in messages', () => {
    expect(deviceFaultCause('RangeError: Array buffer allocation failed', null)).toBe('out-of-memory');
    expect(deviceFaultCause('Aborted(OOM)', null)).toBe('out-of-memory');
    expect(deviceFaultCause('GPU out of memory while creating buffer', null)).toBe('out-of-memory');
    expect(deviceFaultCause('The GPUDevice was lost', null)).toBe('device-lost');
    expect(deviceFaultCause('Device is destroyed', null)).toBe('device-lost');
  });

  it('leaves ordinary errors alone', () => {
    expect(deviceFaultCause('Unsupported operator GroupQueryAttention', null)).toBeNull();
    expect(deviceFaultCause('zoom level bloomed', null)).toBeNull();
  });

  it('describes the fault with the device, the moment and the way out', () => {
    const text = describeDeviceFault('device-lost', 'webgpu', 'Device was destroyed.', 'after 3 tokens');
    expect(text).toMatch(/^The WebGPU device was lost after 3 tokens \(Device was destroyed\)\. /);
    expect(text).toMatch(/answer so far are kept/);
    const load = describeDeviceFault('out-of-memory', 'wasm', null, 'while x was loading', 'load');
    expect(load).toMatch(/^WASM ran out of memory while x was loading\. The inference worker was restarted\. Run the model on WASM/);
    expect(load).not.toMatch(/answer so far/);
  });
});

describe('recoveryOffers', () => {
  it('after WebGPU q4 failed: WASM, then the largest smaller variant, then the gateway', () => {
    // Qwen2.5 0.5B downloads: q4 793 MB (fp32 embeddings), q8 519 MB, q4f16 490 MB.
    const qwen = model('qwen2.5-0.5b-instruct');
    expect(variantBytes(qwen, 'q8')).toBeLessThan(variantBytes(qwen, 'q4'));
    expect(variantBytes(qwen, 'q4f16')).toBeLessThan(variantBytes(qwen, 'q8'));
    const offers = recoveryOffers({ model: qwen, device: 'webgpu', dtype: 'q4' }, roomy, auto, 'http://127.0.0.1:5273');
    expect(offers).toEqual([
      { kind: 'wasm' },
      { kind: 'variant', dtype: 'q8', bytes: variantBytes(qwen, 'q8') },
      { kind: 'gateway', baseUrl: 'http://127.0.0.1:5273' },
    ]);
  });

  it('offers no WASM when WASM itself ran out of memory, and no variant below the smallest', () => {
    const pocket = model('pocket-chat-1m');
    const smallest = [...pocket.variants].sort((a, b) => variantBytes(pocket, a.dtype) - variantBytes(pocket, b.dtype))[0]!.dtype;
    expect(recoveryOffers({ model: pocket, device: 'wasm', dtype: smallest }, roomy, auto, null)).toEqual([]);
    expect(recoveryOffers({ model: pocket, device: 'webgpu', dtype: smallest }, roomy, auto, 'http://x:1')).toEqual([
      { kind: 'wasm' },
      { kind: 'gateway', baseUrl: 'http://x:1' },
    ]);
  });

  it('offers only what placement would run: no WASM for a model too big for the wasm32 heap', () => {
    // gpt-oss-20b q4f16: 12,678,406,380 bytes plus a 201,326,592-byte fp16 KV cache at 4096 tokens,
    // far over 3.5 GiB (3,758,096,384): "Run on WASM" would be turned down at once.
    const oss = model('gpt-oss-20b-onnx');
    expect(recoveryOffers({ model: oss, device: 'webgpu', dtype: 'q4f16' }, roomy, auto, 'http://x:1')).toEqual([
      { kind: 'gateway', baseUrl: 'http://x:1' },
    ]);
  });

  it('offers a smaller variant only where the choice can run it', () => {
    // SmolLM2-1.7B: q4 1,412,104,630 bytes, q4f16 1,112,104,630 (root files included). On a GPU without shader-f16,
    // q4f16 cannot run on WebGPU: with WebGPU chosen by hand it is no way out after q4 failed there;
    // on Auto it is (the router would run it on WASM).
    const smol = model('smollm2-1.7b-instruct');
    const noF16 = { ...roomy, webgpu: { ...roomy.webgpu!, shaderF16: false } };
    const failed = { model: smol, device: 'webgpu', dtype: 'q4' } as const;
    expect(recoveryOffers(failed, noF16, { device: 'webgpu', dtype: 'q4' }, null)).toEqual([{ kind: 'wasm' }]);
    expect(recoveryOffers(failed, noF16, auto, null)).toEqual([
      { kind: 'wasm' },
      { kind: 'variant', dtype: 'q4f16', bytes: 1_112_104_630 },
    ]);
  });
});
