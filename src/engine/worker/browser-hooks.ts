/**
 * The runner's hooks in the browser worker: the page's clock, the weight cache and integrity
 * guard every file goes through, the watched WebGPU device, and how devices are named.
 */
import type { IntegrityGuard } from '../../cache/integrity';
import type { DeviceWatch } from './device-watch';
import type { RunnerHooks } from './model-runner';
import type { WorkerCache } from './transformers-env';

/** What the hooks act on. */
export interface BrowserHookDeps {
  guard: IntegrityGuard;
  cache: WorkerCache;
  devices: DeviceWatch;
  /** ONNX Runtime's WASM threads, for the device's name. */
  threads: number;
}

/** "WebGPU · google · swiftshader": the adapter's vendor and architecture, once known. */
async function describeAdapter(): Promise<string | null> {
  // Typed as always present; missing in browsers without WebGPU.
  const gpu = (navigator as Partial<Pick<WorkerNavigator, 'gpu'>>).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  return `WebGPU · ${[adapter.info.vendor, adapter.info.architecture].filter(Boolean).join(' · ') || 'adapter'}`;
}

/** The ModelRunner hooks of this worker. */
export function browserRunnerHooks({ guard, cache, devices, threads }: BrowserHookDeps): RunnerHooks {
  let adapterName = 'WebGPU';
  void describeAdapter().then((name) => {
    if (name) adapterName = name;
  });
  return {
    now: () => performance.timeOrigin + performance.now(),
    executionDevice: (device) => device,
    describe: (device) => (device === 'webgpu' ? adapterName : `WASM · ${threads} thread${threads === 1 ? '' : 's'}`),
    servedFromCache: (url) => cache.cache.hits.has(guard.resolve(url)),
    expectFiles: (files) => {
      cache.cache.resetHits();
      // A rounded size (copied from a hub page) is for progress bars, not a check.
      for (const f of files)
        guard.expect(f.url, { ...(f.approximate ? {} : { bytes: f.bytes }), ...(f.sha256 ? { sha256: f.sha256 } : {}) });
    },
    aliasUrls: (from, to) => guard.alias(from, to),
    watchDownloadFailures: (listener) => guard.onFailure(listener),
    takeCacheProblems: () => cache.takeProblems(),
    watchDevice: (device) => devices.watch(device),
    deviceLostReason: (graceMs) => devices.reason(graceMs),
  };
}
