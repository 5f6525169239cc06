/**
 * A device that fails while a model loads: the router says which run it was (device, dtype) in
 * the error it ends with, and the page turns that into recovery offers. The browser engine here
 * is a scripted stand-in (a Node unit test cannot start the inference worker); the real path,
 * with a destroyed GPUDevice in Chromium, is tests/e2e/engine-faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { faultedLoad } from '../../src/app/recovery';
import { recoveryOffers } from '../../src/placement/fault-offers';
import { toModelRef } from '../../src/catalog/catalog';
import type { Capabilities } from '../../src/engine/capabilities';
import { DeviceFaultError, DeviceUnavailableError, ModelLoadError } from '../../src/engine/errors';
import { Router, type RunPreferences } from '../../src/engine/router';
import type { Engine, GenerationEvent, LoadedModel, ModelRef } from '../../src/engine/engine-types';
import { readCatalog } from '../support/paths';

const pocket = readCatalog().models.find((m) => m.id === 'pocket-chat-1m')!;

const capabilities: Capabilities = {
  webgpu: {
    name: 'acme · gpu9',
    vendor: 'acme',
    architecture: 'gpu9',
    description: '',
    shaderF16: false,
    isFallbackAdapter: false,
    maxBufferSize: 2 ** 30,
    maxStorageBufferBindingSize: 2 ** 30,
  },
  webgpuUnavailableReason: null,
  crossOriginIsolated: true,
  hardwareConcurrency: 4,
  wasmThreads: 3,
  deviceMemoryGiB: null,
  storageQuotaBytes: null,
  storageUsageBytes: null,
  userAgent: 'test',
};

/** Fails every load with `error`, and records the runs it was asked for. */
function failingEngine(error: (ref: ModelRef) => Error): Engine & { asked: string[] } {
  const asked: string[] = [];
  return {
    kind: 'browser',
    asked,
    load(ref: ModelRef): Promise<LoadedModel> {
      asked.push(`${ref.device ?? 'wasm'} ${ref.dtype}`);
      return Promise.reject(error(ref));
    },
    unload: () => Promise.resolve(),
    chat: (): AsyncIterable<GenerationEvent> => {
      throw new Error('not loaded');
    },
  };
}

function routerWith(browser: Engine): Router {
  return new Router({
    browser,
    gateway: null,
    capabilities,
    toModelRef: (model, plan) => toModelRef(model, plan, 'http://127.0.0.1:1/'),
    toGatewayRef: () => {
      throw new Error('no gateway here');
    },
  });
}

const forcedWebGpu: RunPreferences = { device: 'webgpu', dtype: 'q4', gatewayFallback: false };

describe('a device fault during a load', () => {
  it('ends in an error naming the faulted run, which becomes WASM and gateway offers', async () => {
    const engine = failingEngine(
      (ref) =>
        new DeviceFaultError('The WebGPU device was lost while it was warming up.', { cause: 'device-lost', device: ref.device ?? 'wasm' }),
    );
    const error = await routerWith(engine)
      .load(pocket, forcedWebGpu)
      .catch((e: unknown) => e);
    expect(engine.asked).toEqual(['webgpu q4']);
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    // The fault's own advice stands; no generic "try another device" after it.
    expect((error as Error).message).toMatch(/device was lost while it was warming up\.$/);
    const run = faultedLoad(error, pocket);
    expect(run).toEqual({ model: pocket, device: 'webgpu', dtype: 'q4' });
    expect(recoveryOffers(run!, capabilities, forcedWebGpu, 'http://127.0.0.1:5273').map((o) => o.kind)).toEqual(['wasm', 'gateway']);
  });

  it('an ordinary load error is not a device fault: no offers beyond "try another device"', async () => {
    const engine = failingEngine(() => new ModelLoadError('Could not load pocket-chat-1m: bad file'));
    const error = await routerWith(engine)
      .load(pocket, forcedWebGpu)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceUnavailableError);
    expect((error as Error).message).toMatch(/bad file.*Try another device/);
    expect(faultedLoad(error, pocket)).toBeNull();
  });

  it('on Auto only the last attempt counts: WASM failing for another reason after a WebGPU fault offers nothing', async () => {
    const engine = failingEngine((ref) =>
      ref.device === 'webgpu' ? new DeviceFaultError('lost', { cause: 'device-lost' }) : new ModelLoadError('wasm failed too'),
    );
    const error = await routerWith(engine)
      .load(pocket, { device: 'auto', dtype: 'q4', gatewayFallback: false })
      .catch((e: unknown) => e);
    expect(engine.asked).toEqual(['webgpu q4', 'wasm q4']);
    expect(faultedLoad(error, pocket)).toBeNull();
  });

  it('on Auto a WASM run out of memory after a WebGPU fault is the one recovered from', async () => {
    const engine = failingEngine(
      (ref) => new DeviceFaultError('no memory', { cause: ref.device === 'webgpu' ? 'device-lost' : 'out-of-memory' }),
    );
    const error = await routerWith(engine)
      .load(pocket, { device: 'auto', dtype: 'q4', gatewayFallback: false })
      .catch((e: unknown) => e);
    expect(faultedLoad(error, pocket)).toMatchObject({ device: 'wasm', dtype: 'q4' });
  });
});
