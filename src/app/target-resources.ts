/**
 * What one benchmark target occupies, read while it answers: for a model in the browser the page's
 * memory (workers included) and the bytes of the variant that ran in the weight cache; for a
 * gateway model the gateway process's resident memory, when it reports one. Each figure it cannot
 * have is null, and a note says why, so a report never shows a guess as a measurement.
 */
import { variantFootprint, type CachedFileInfo } from '../cache/cache-groups';
import type { CatalogModel } from '../catalog/schema';
import type { LoadedModel } from '../engine/engine-types';
import type { BenchTarget, TargetResources } from '../bench/bench-types';
import { errorMessage } from '../errors/error-message';
import type { GpuBufferReading } from '../engine/worker/gpu-buffer-meter';
import { formatBytes } from '../ui/shared/format';
import type { PageMemoryReading } from './page-memory';

export interface ResourceDeps {
  catalog: { models: readonly CatalogModel[] };
  weights: { list(): Promise<CachedFileInfo[]> };
  baseUrl: string;
  hubUrl: () => string;
  pageMemory: () => Promise<PageMemoryReading>;
  /** The gateway process's RSS (FoundryClient.processMemoryBytes); absent where the app has no gateway. */
  gatewayMemory?: ((signal: AbortSignal) => Promise<number | null>) | undefined;
  /** The benchmark engine's WebGPU buffers (BrowserEngine.gpuMemory); absent where it is not known. */
  gpuMemory?: (() => Promise<GpuBufferReading | null>) | undefined;
}

/** The WebGPU buffers of a target on WebGPU; nothing for the other backends, which use none. */
async function gpuBuffers(deps: ResourceDeps, loaded: LoadedModel, notes: string[]): Promise<Partial<TargetResources>> {
  if (loaded.backend !== 'webgpu') return {};
  try {
    const reading = deps.gpuMemory ? await deps.gpuMemory() : null;
    if (!reading) {
      notes.push('GPU buffers: not counted (the inference worker has no WebGPU buffer count)');
      return { gpuBufferBytes: null, gpuBufferPeakBytes: null };
    }
    notes.push(
      `GPU buffers: ${reading.buffers} alive, ${formatBytes(reading.liveBytes)}, at most ${formatBytes(reading.peakBytes)} since the model began loading (counted as ONNX Runtime creates them; a floor of its GPU memory)`,
    );
    return { gpuBufferBytes: reading.liveBytes, gpuBufferPeakBytes: reading.peakBytes };
  } catch (error) {
    notes.push(`GPU buffers: not counted (${errorMessage(error)})`);
    return { gpuBufferBytes: null, gpuBufferPeakBytes: null };
  }
}

async function gatewayResources(deps: ResourceDeps, signal: AbortSignal): Promise<TargetResources> {
  const notes = ['page memory: not counted, the model runs in the gateway process', "disk: on the gateway's machine, not in this browser"];
  let rss: number | null = null;
  try {
    rss = deps.gatewayMemory ? await deps.gatewayMemory(signal) : null;
    if (rss === null) notes.push('gateway memory: this gateway does not report it (the bundled gateway does, in GET /status)');
  } catch (error) {
    notes.push(`gateway memory: not available (${errorMessage(error)})`);
  }
  return { pageMemoryBytes: null, diskBytes: null, gatewayRssBytes: rss, notes };
}

async function diskBytes(
  deps: ResourceDeps,
  model: CatalogModel | undefined,
  loaded: LoadedModel,
  notes: string[],
): Promise<number | null> {
  if (!model || loaded.dtype === 'server') {
    notes.push('disk: the model is not in the catalog, so its files are unknown');
    return null;
  }
  try {
    const footprint = variantFootprint(await deps.weights.list(), model, loaded.dtype, deps.baseUrl, deps.hubUrl());
    if (footprint.storedFiles < footprint.files) {
      notes.push(`disk: only ${footprint.storedFiles} of the variant's ${footprint.files} files are in the weight cache`);
    }
    return footprint.bytes;
  } catch (error) {
    notes.push(`disk: the weight cache cannot be read (${errorMessage(error)})`);
    return null;
  }
}

/** Reads what `target` occupies now that `loaded` is answering. */
export async function measureTargetResources(
  deps: ResourceDeps,
  target: BenchTarget,
  loaded: LoadedModel,
  signal: AbortSignal,
): Promise<TargetResources> {
  if (loaded.backend === 'gateway') return gatewayResources(deps, signal);
  const notes: string[] = [];
  const model = deps.catalog.models.find((m) => m.id === target.modelId);
  const [memory, disk, gpu] = await Promise.all([
    deps.pageMemory(),
    diskBytes(deps, model, loaded, notes),
    gpuBuffers(deps, loaded, notes),
  ]);
  if (memory.note !== null) notes.unshift(`page memory: ${memory.note}`);
  return { pageMemoryBytes: memory.bytes, diskBytes: disk, gatewayRssBytes: null, ...gpu, notes };
}
