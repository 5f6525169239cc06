/**
 * What a benchmark target occupies: which figure is read for which backend, and the note that
 * replaces each figure that cannot be had. The weight cache's index and the memory API are
 * stand-ins here (IndexedDB and Chromium's measureUserAgentSpecificMemory do not exist in Node);
 * tests/e2e/selection.test.ts reads both for real.
 */
import { describe, expect, it } from 'vitest';
import { measurePageMemory } from '../../src/app/page-memory';
import { measureTargetResources, type ResourceDeps } from '../../src/app/target-resources';
import type { LoadedModel } from '../../src/engine/engine-types';
import { readCatalog } from '../support/paths';

const BASE = 'http://127.0.0.1:4173/';
const catalog = readCatalog();
const oneM = catalog.models.find((m) => m.id === 'pocket-chat-1m')!;
const q8 = oneM.variants.find((v) => v.dtype === 'q8')!;
const url = (path: string): string => `${BASE}models/pocket-chat-1m/${path}`;

const loadedAs = (backend: LoadedModel['backend'], dtype: LoadedModel['dtype']): LoadedModel => ({
  modelId: 'pocket-chat-1m',
  backend,
  dtype,
  detail: '',
  contextLength: 512,
  loadMs: 1,
});

function deps(extra: Partial<ResourceDeps> = {}): ResourceDeps {
  // Every shared file and the q8 variant are stored, and the fp32 file, which must not count.
  const stored = [...oneM.files, ...q8.files, { path: 'onnx/model.onnx', bytes: 3_824_950 }].map((f) => ({
    url: url(f.path),
    bytes: f.bytes,
    lastUsedAt: 0,
  }));
  return {
    catalog,
    weights: { list: () => Promise.resolve(stored) },
    baseUrl: BASE,
    hubUrl: () => 'https://huggingface.co/',
    pageMemory: () => Promise.resolve({ bytes: 52_000_000, note: null }),
    ...extra,
  };
}

const signal = new AbortController().signal;
const target = { modelId: 'pocket-chat-1m', backend: 'wasm' as const };

describe('measureTargetResources', () => {
  it('reads page memory and the stored bytes of the variant that ran, for a browser model', async () => {
    // The catalog's shared files plus model_quantized.onnx: the sizes the weight cache lists.
    const bytes = [...oneM.files, ...q8.files].reduce((sum, f) => sum + f.bytes, 0);
    expect(await measureTargetResources(deps(), target, loadedAs('wasm', 'q8'), signal)).toEqual({
      pageMemoryBytes: 52_000_000,
      diskBytes: bytes,
      gatewayRssBytes: null,
      notes: [],
    });
  });

  it("adds a WebGPU target's buffers as its worker counted them, and says when there is no count", async () => {
    const webgpu = { modelId: 'pocket-chat-1m', backend: 'webgpu' as const };
    const counted = await measureTargetResources(
      deps({ gpuMemory: () => Promise.resolve({ liveBytes: 900_000, peakBytes: 1_500_000, buffers: 42 }) }),
      webgpu,
      loadedAs('webgpu', 'q8'),
      signal,
    );
    expect([counted.gpuBufferBytes, counted.gpuBufferPeakBytes]).toEqual([900_000, 1_500_000]);
    expect(counted.notes).toEqual([
      'GPU buffers: 42 alive, 900 KB, at most 1.5 MB since the model began loading (counted as ONNX Runtime creates them; a floor of its GPU memory)',
    ]);
    const uncounted = await measureTargetResources(
      deps({ gpuMemory: () => Promise.resolve(null) }),
      webgpu,
      loadedAs('webgpu', 'q8'),
      signal,
    );
    expect([uncounted.gpuBufferBytes, uncounted.gpuBufferPeakBytes]).toEqual([null, null]);
    expect(uncounted.notes).toEqual(['GPU buffers: not counted (the inference worker has no WebGPU buffer count)']);
    // WASM uses no GPU buffers: nothing is read, and the figures stay absent.
    let asked = 0;
    const wasm = await measureTargetResources(
      deps({ gpuMemory: () => Promise.resolve((asked++, { liveBytes: 1, peakBytes: 1, buffers: 1 })) }),
      target,
      loadedAs('wasm', 'q8'),
      signal,
    );
    expect([asked, 'gpuBufferBytes' in wasm]).toEqual([0, false]);
  });

  it('says why a browser figure is missing', async () => {
    const r = await measureTargetResources(
      deps({
        pageMemory: () => Promise.resolve({ bytes: null, note: 'not available: the page is not cross-origin isolated' }),
        weights: { list: () => Promise.resolve([{ url: url('config.json'), bytes: 506, lastUsedAt: 0 }]) },
      }),
      target,
      loadedAs('wasm', 'q8'),
      signal,
    );
    expect(r).toEqual({
      pageMemoryBytes: null,
      diskBytes: 506,
      gatewayRssBytes: null,
      notes: [
        'page memory: not available: the page is not cross-origin isolated',
        "disk: only 1 of the variant's 5 files are in the weight cache",
      ],
    });
  });

  it("reads a gateway target's process memory only, and says what the gateway does not report", async () => {
    const reported = await measureTargetResources(
      deps({ gatewayMemory: () => Promise.resolve(210_000_000) }),
      { ...target, backend: 'gateway' },
      loadedAs('gateway', 'server'),
      signal,
    );
    expect(reported.pageMemoryBytes).toBeNull();
    expect(reported.diskBytes).toBeNull();
    expect(reported.gatewayRssBytes).toBe(210_000_000);
    expect(reported.notes).toEqual([
      'page memory: not counted, the model runs in the gateway process',
      "disk: on the gateway's machine, not in this browser",
    ]);
    const silent = await measureTargetResources(
      deps({ gatewayMemory: () => Promise.resolve(null) }),
      { ...target, backend: 'gateway' },
      loadedAs('gateway', 'server'),
      signal,
    );
    expect(silent.notes[2]).toMatch(/^gateway memory: this gateway does not report it/);
    const failing = await measureTargetResources(
      deps({ gatewayMemory: () => Promise.reject(new Error('connection refused')) }),
      { ...target, backend: 'gateway' },
      loadedAs('gateway', 'server'),
      signal,
    );
    expect(failing.notes[2]).toBe('gateway memory: not available (connection refused)');
  });
});

describe('measurePageMemory', () => {
  it('says why there is no reading: no API, or not cross-origin isolated', async () => {
    expect(await measurePageMemory({ crossOriginIsolated: true })).toEqual({
      bytes: null,
      note: 'not available in this browser (performance.measureUserAgentSpecificMemory is Chromium-only)',
    });
    const perf = Object.assign(Object.create(performance) as Performance, {
      measureUserAgentSpecificMemory: () => Promise.resolve({ bytes: 1234 }),
    });
    expect(await measurePageMemory({ performance: perf, crossOriginIsolated: false })).toEqual({
      bytes: null,
      note: 'not available: the page is not cross-origin isolated',
    });
    expect(await measurePageMemory({ performance: perf, crossOriginIsolated: true })).toEqual({ bytes: 1234, note: null });
  });

  it('turns a refused measurement into a note', async () => {
    const perf = Object.assign(Object.create(performance) as Performance, {
      measureUserAgentSpecificMemory: () => Promise.reject(new Error('SecurityError')),
    });
    expect(await measurePageMemory({ performance: perf, crossOriginIsolated: true })).toEqual({
      bytes: null,
      note: 'not available: SecurityError',
    });
  });
});
