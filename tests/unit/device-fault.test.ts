/**
 * After a device fails: recognising the failure in the error ONNX Runtime throws, and what the
 * user is offered instead (recovery.ts), on real catalog entries.
 */
import { describe, expect, it } from 'vitest';
import { recoveryOffers } from '../../src/app/recovery';
import { variantBytes } from '../../src/catalog/fit';
import { describeDeviceFault, deviceFaultCause } from '../../src/engine/device-fault';
import { readCatalog } from '../support/paths';

const catalog = readCatalog().models;
const model = (id: string) => {
  const found = catalog.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
};

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
    const offers = recoveryOffers({ model: qwen, device: 'webgpu', dtype: 'q4' }, 'http://127.0.0.1:5273');
    expect(offers).toEqual([
      { kind: 'wasm' },
      { kind: 'variant', dtype: 'q8', bytes: variantBytes(qwen, 'q8') },
      { kind: 'gateway', baseUrl: 'http://127.0.0.1:5273' },
    ]);
  });

  it('offers no WASM when WASM itself ran out of memory, and no variant below the smallest', () => {
    const pocket = model('pocket-chat-1m');
    const smallest = [...pocket.variants].sort((a, b) => variantBytes(pocket, a.dtype) - variantBytes(pocket, b.dtype))[0]!.dtype;
    expect(recoveryOffers({ model: pocket, device: 'wasm', dtype: smallest }, null)).toEqual([]);
    expect(recoveryOffers({ model: pocket, device: 'webgpu', dtype: smallest }, 'http://x:1')).toEqual([{ kind: 'wasm' }, { kind: 'gateway', baseUrl: 'http://x:1' }]);
  });
});
