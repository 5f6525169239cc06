/**
 * The model panel and the router give one answer: for every bundled and hub model of
 * public/models/models.json, on several capability snapshots, what the panel says (`fitForModel`)
 * is what the real Router does. The router's runs are recorded by a scripted browser engine (a
 * Node unit test cannot start the inference worker); everything else is the real code.
 *
 * The expected outcomes in the second block are worked out by hand from the catalog's byte sizes
 * and attention shapes, the WebGPU spec's default limits and the wasm32 address space, not from
 * the code under test.
 */
import { describe, expect, it } from 'vitest';
import { fitForModel } from '../../src/placement/verdict';
import { toModelRef } from '../../src/catalog/catalog';
import type { CatalogModel, Dtype } from '../../src/catalog/schema';
import type { Capabilities, WebGpuInfo } from '../../src/placement/snapshot';
import { ModelLoadError } from '../../src/engine/errors';
import type { Engine, GenerationEvent, LoadedModel, ModelRef } from '../../src/engine/engine-types';
import { Router, type Route, type RunPreferences } from '../../src/engine/router';
import { readCatalog } from '../support/paths';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const GB = 1e9;

const gpu = (overrides: Partial<WebGpuInfo> = {}): WebGpuInfo => ({
  name: 'acme · gpu9',
  vendor: 'acme',
  architecture: 'gpu9',
  description: '',
  shaderF16: true,
  isFallbackAdapter: false,
  maxBufferSize: 4 * GiB,
  maxStorageBufferBindingSize: 4 * GiB,
  ...overrides,
});
const snapshot = (overrides: Partial<Capabilities> = {}): Capabilities => ({
  webgpu: gpu(),
  webgpuUnavailableReason: null,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  wasmThreads: 4,
  deviceMemoryGiB: null,
  storageQuotaBytes: 500 * GB,
  storageUsageBytes: 0,
  userAgent: 'test',
  ...overrides,
});

/** The WebGPU spec's default limits: what an adapter grants when it offers nothing more. */
const SPEC_DEFAULT_LIMITS = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };

const SNAPSHOTS: Record<string, Capabilities> = {
  'no WebGPU': snapshot({ webgpu: null, webgpuUnavailableReason: 'this browser has no WebGPU (navigator.gpu is missing)' }),
  'WebGPU without shader-f16': snapshot({ webgpu: gpu({ shaderF16: false, maxStorageBufferBindingSize: 2 * GiB }) }),
  'small buffer limits': snapshot({ webgpu: gpu(SPEC_DEFAULT_LIMITS) }),
  'little storage quota': snapshot({ storageQuotaBytes: 1 * GB, storageUsageBytes: 0.6 * GB }),
  'small device memory': snapshot({ deviceMemoryGiB: 2 }),
  'a software adapter and one WASM thread': snapshot({
    webgpu: gpu({ name: 'google · swiftshader', isFallbackAdapter: true }),
    wasmThreads: 1,
  }),
  'plenty of everything': snapshot(),
};

const catalog = readCatalog().models;
const inBrowser = catalog.filter((m) => m.source.kind === 'bundled' || m.source.kind === 'hub');
const model = (id: string): CatalogModel => {
  const found = catalog.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the catalog`);
  return found;
};

/** A browser engine that records the runs it is asked for and fails (or passes) each load. */
function recordingEngine(succeed: boolean): Engine & { asked: string[] } {
  const asked: string[] = [];
  return {
    kind: 'browser',
    asked,
    load(ref: ModelRef): Promise<LoadedModel> {
      asked.push(`${ref.device ?? '?'} ${ref.dtype}`);
      if (!succeed) return Promise.reject(new ModelLoadError(`scripted failure of ${ref.dtype}`));
      return Promise.resolve({
        modelId: ref.id,
        backend: ref.device ?? 'wasm',
        dtype: ref.dtype,
        detail: 'scripted',
        contextLength: ref.contextLength,
        loadMs: 1,
      });
    },
    unload: () => Promise.resolve(),
    chat: (): AsyncIterable<GenerationEvent> => {
      throw new Error('not loaded');
    },
  };
}

function routerOn(browser: Engine, capabilities: Capabilities): Router {
  return new Router({
    browser,
    gateway: null,
    capabilities,
    toModelRef: (m, plan) => toModelRef(m, plan, 'http://127.0.0.1:1/'),
    toGatewayRef: () => {
      throw new Error('no gateway here');
    },
  });
}

/** Every run the router tries for this choice, in order, when each of them fails. */
async function attempts(m: CatalogModel, caps: Capabilities, prefs: RunPreferences): Promise<string[]> {
  const engine = recordingEngine(false);
  await routerOn(engine, caps)
    .load(m, prefs)
    .catch(() => undefined);
  return engine.asked;
}

async function route(m: CatalogModel, caps: Capabilities, prefs: Partial<RunPreferences> = {}): Promise<Route> {
  return routerOn(recordingEngine(true), caps).load(m, { device: 'auto', dtype: 'auto', gatewayFallback: false, ...prefs });
}

/** Each choice the model panel offers for a model: Runs on x Variant. */
function choices(m: CatalogModel): RunPreferences[] {
  const dtypes: (Dtype | 'auto')[] = ['auto', ...m.variants.map((v) => v.dtype)];
  return (['auto', 'webgpu', 'wasm'] as const).flatMap((device) => dtypes.map((dtype) => ({ device, dtype, gatewayFallback: false })));
}

describe('the panel and the router agree', () => {
  for (const [name, caps] of Object.entries(SNAPSHOTS)) {
    it(`on ${name}, for every bundled and hub model and every choice of device and variant`, async () => {
      const disagreements: string[] = [];
      for (const m of inBrowser) {
        for (const prefs of choices(m)) {
          const tried = await attempts(m, caps, prefs);
          const fit = fitForModel(m, caps, prefs.device, prefs.dtype);
          const where = `${m.id} (${prefs.device}/${prefs.dtype})`;
          const said = fit ? `${fit.verdict.level} ${fit.device ?? '-'} ${fit.dtype ?? '-'}` : 'no verdict';
          if (!fit) {
            disagreements.push(`${where}: no verdict, router tried [${tried.join(', ')}]`);
          } else if (tried.length === 0) {
            if (fit.verdict.level !== 'wont-fit') disagreements.push(`${where}: panel says ${said}, router tries nothing`);
          } else if (fit.verdict.level === 'wont-fit' || `${fit.device ?? '-'} ${fit.dtype ?? '-'}` !== tried[0]) {
            disagreements.push(`${where}: panel says ${said}, router tries [${tried.join(', ')}]`);
          }
          // Nothing the router tries is a run the panel, asked about that very run, blocks.
          for (const run of tried) {
            const [device, dtype] = run.split(' ') as ['webgpu' | 'wasm', Dtype];
            const own = fitForModel(m, caps, device, dtype);
            if (own?.verdict.level === 'wont-fit')
              disagreements.push(`${where}: router tries ${run}, which the panel calls will not fit (${own.verdict.reasons.join('; ')})`);
          }
        }
      }
      expect(disagreements).toEqual([]);
    });
  }

  it('gateway models get no browser verdict and no browser run', async () => {
    for (const m of catalog.filter((c) => c.source.kind === 'gateway')) {
      expect(fitForModel(m, SNAPSHOTS['plenty of everything']!, 'auto', 'auto')).toBeNull();
      expect(await attempts(m, SNAPSHOTS['plenty of everything']!, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([]);
    }
  });
});

describe('what the shared verdict decides, worked out by hand', () => {
  it('small buffer limits: a hub model whose files exceed 128 MiB skips WebGPU and says why in the route reason', async () => {
    // Qwen2.5-0.5B's q4f16 graph is one 483,003,582-byte file, its q4 one 786,156,820 bytes, its
    // q8 one 512,096,557 bytes: all over the 134,217,728-byte default storage-buffer binding.
    // On WASM q8 goes first (no 4-bit kernels there): 512,096,557 + 7,038,230 bytes of root files
    // = 519,134,787, plus a 4096-token fp32 KV cache of 2·24·2·64·4096·4 = 100,663,296 bytes: far
    // under the 3.5 GiB (3,758,096,384-byte) heap budget.
    const caps = SNAPSHOTS['small buffer limits']!;
    const qwen = model('qwen2.5-0.5b-instruct');
    expect(await attempts(qwen, caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual(['wasm q8']);
    const r = await route(qwen, caps);
    expect(r.plan).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(r.reason).toMatch(
      /^WebGPU q4f16: its largest weight file is 483 MB, but this GPU's buffers hold at most 134 MB; .*WASM on 4 threads$/,
    );
    const fit = fitForModel(qwen, caps, 'auto', 'auto');
    expect(fit).toMatchObject({ device: 'wasm', dtype: 'q8', bytes: 519_134_787 });
    // The bundled models' biggest file is 13,677,252 bytes: WebGPU still comes first for them. On
    // WASM their fp32 variant (13.7 MB with the root files, under 64 MB) goes first.
    expect(await attempts(model('pocket-chat-3m'), caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([
      'webgpu q4',
      'wasm fp32',
    ]);
  });

  it('small buffer limits with WebGPU chosen by hand: nothing to try, and the error names the limit', async () => {
    const caps = SNAPSHOTS['small buffer limits']!;
    const qwen = model('qwen2.5-0.5b-instruct');
    expect(await attempts(qwen, caps, { device: 'webgpu', dtype: 'auto', gatewayFallback: false })).toEqual([]);
    const error = await route(qwen, caps, { device: 'webgpu' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/WebGPU q4f16: its largest weight file is 483 MB, but this GPU's buffers hold at most 134 MB/);
    expect(fitForModel(qwen, caps, 'webgpu', 'auto')?.verdict.level).toBe('wont-fit');
  });

  it('no WebGPU: gpt-oss-20b never starts on WASM; Phi-4-mini (as the hub lists it) fits, with its KV cache', async () => {
    // gpt-oss-20b q4f16: 12,678,406,380 bytes of weights and root files, plus a 4096-token fp16 KV
    // cache of 2·24·8·64·4096·2 = 201,326,592 bytes: far over 3,758,096,384.
    const caps = SNAPSHOTS['no WebGPU']!;
    const oss = model('gpt-oss-20b-onnx');
    expect(await attempts(oss, caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([]);
    const fit = fitForModel(oss, caps, 'auto', 'auto');
    expect(fit?.verdict.level).toBe('wont-fit');
    expect(fit?.verdict.reasons.join(' ')).toMatch(
      /needs 12\.9 GB for its weights and a 4096-token KV cache, but WASM can hold at most 3\.8 GB/,
    );
    // Phi-4-mini q4f16: 2,404,505,654 + 2·32·8·128·4096·2 = 536,870,912 -> 2,941,376,566: under it
    // (the catalog's old single 2.1 GB chunk plus a 1.3 GB graph had put it over).
    expect(await attempts(model('phi-4-mini-instruct'), caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([
      'wasm q4f16',
    ]);
    // SmolLM2-1.7B q4: 1,412,104,630 + 2·24·32·64·4096·4 = 1,610,612,736 -> 3,022,717,366: it fits.
    expect(await attempts(model('smollm2-1.7b-instruct'), caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([
      'wasm q4',
    ]);
  });

  it('small device memory: half of 2 GiB (1,073,741,824 bytes) bounds weights plus KV cache on every device', async () => {
    // Qwen2.5-0.5B: q4f16 490,041,812 + 50,331,648 (fp16 KV) = 540,373,460 fits on WebGPU; on
    // WASM q8, tried first there, 519,134,787 + 100,663,296 = 619,798,083 fits.
    // Qwen2.5-1.5B: the smallest, q4f16, is 1,227,038,231 bytes on its own: nothing fits.
    const caps = SNAPSHOTS['small device memory']!;
    expect(await attempts(model('qwen2.5-0.5b-instruct'), caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([
      'webgpu q4f16',
      'wasm q8',
    ]);
    expect(await attempts(model('qwen2.5-1.5b-instruct'), caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual([]);
    expect(fitForModel(model('qwen2.5-1.5b-instruct'), caps, 'auto', 'auto')?.verdict.reasons[0]).toMatch(
      /more than half of the 2 GB of memory this device reports/,
    );
  });

  it('little storage quota: the model still runs (from memory), so the panel warns instead of blocking', async () => {
    // 1 GB quota, 0.6 GB used: 400 MB free, less than Qwen2.5-0.5B's 490 MB q4f16 download. The
    // weight cache drops files it has no room for and the load goes on (weight-cache.ts).
    const caps = SNAPSHOTS['little storage quota']!;
    const qwen = model('qwen2.5-0.5b-instruct');
    expect(await attempts(qwen, caps, { device: 'auto', dtype: 'auto', gatewayFallback: false })).toEqual(['webgpu q4f16', 'wasm q8']);
    const fit = fitForModel(qwen, caps, 'auto', 'auto');
    expect(fit?.verdict.level).toBe('slow');
    expect(fit?.verdict.reasons.join(' ')).toMatch(/can't cache: needs 490 MB, 400 MB free/);
  });
});
