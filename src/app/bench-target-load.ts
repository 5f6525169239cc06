/**
 * What the benchmark needs from the app for each target: loading it through the primary slot's
 * Router (a target's run and the judge load the same way), and the environment a run records.
 */
import { version } from '../../package.json';
import type { LoadedTarget } from '../bench/bench-runner';
import type { BenchEnvironment, BenchTarget } from '../bench/bench-types';
import type { Capabilities } from '../engine/capabilities';
import type { Route, Router } from '../engine/router';
import type { ModelCatalog } from './model-catalog';
import type { ModelSlot } from './model-slot';
import type { VariantMeasurements } from './variant-measurements';

/** What loading a target needs (a part of the benchmark session's dependencies). */
export interface TargetLoadDeps {
  slot: Pick<ModelSlot, 'isDownloaded'>;
  router: Pick<Router, 'load'>;
  catalog: Pick<ModelCatalog, 'models'>;
  measurements: Pick<VariantMeasurements, 'speedsFor'>;
}

/**
 * Loads a target into the slot's engine. A hub or imported model that is not in this browser's
 * cache fails with the reason unless `allowDownload` (a benchmark never starts a download).
 */
export async function loadBenchTarget(
  deps: TargetLoadDeps,
  target: BenchTarget,
  signal: AbortSignal,
  allowDownload: boolean,
): Promise<{ loaded: LoadedTarget; route: Route }> {
  const model = deps.catalog.models.find((m) => m.id === target.modelId);
  if (!model) throw new Error(`"${target.modelId}" is not in the catalog.`);
  const device = target.backend;
  if (device !== 'gateway' && !allowDownload && !(await deps.slot.isDownloaded(model))) {
    throw new Error(`${model.name} is not downloaded yet: download it from the model panel first (a benchmark never starts a download).`);
  }
  // A signal of its own for the load, cut loose once it is done: BrowserEngine keeps its abort
  // listener after a load, and a later Cancel would kill the worker under the running answer.
  const loadAbort = new AbortController();
  const forward = (): void => loadAbort.abort();
  signal.addEventListener('abort', forward, { once: true });
  let route: Route;
  try {
    route = await deps.router.load(
      model,
      { device, dtype: target.dtype ?? 'auto', gatewayFallback: false, measured: deps.measurements.speedsFor(model) },
      { signal: loadAbort.signal },
    );
  } finally {
    signal.removeEventListener('abort', forward);
  }
  const variant = model.variants.find((v) => v.dtype === route.loaded.dtype);
  const files = route.loaded.backend === 'gateway' ? [] : [...model.files, ...(variant?.files ?? [])];
  const loaded: LoadedTarget = {
    engine: route.engine,
    loaded: route.loaded,
    files: files.map((f) => ({ path: f.path, sha256: f.sha256 ?? null })),
    notice: route.fallbacks.length ? route.reason : null,
  };
  return { loaded, route };
}

/** Where a run happens, from the capabilities detected at start. */
export function benchEnvironment(caps: Capabilities): BenchEnvironment {
  return {
    userAgent: caps.userAgent,
    adapter: caps.webgpu
      ? {
          vendor: caps.webgpu.vendor,
          architecture: caps.webgpu.architecture,
          device: caps.webgpu.name,
          description: caps.webgpu.description,
        }
      : null,
    hardwareConcurrency: caps.hardwareConcurrency,
    wasmThreads: caps.wasmThreads,
    crossOriginIsolated: caps.crossOriginIsolated,
    appVersion: version,
    deviceMemoryGiB: caps.deviceMemoryGiB,
  };
}
