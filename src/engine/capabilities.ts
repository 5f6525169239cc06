/**
 * What this browser and device can do, detected once at startup and shown to the user. The
 * placement rules (src/placement/, which defines the snapshot's shape) decide from it alone.
 */
import type { Capabilities, WebGpuInfo } from '../placement/snapshot';
import { wasmThreadCount } from './threads';
import { errorMessage } from '../errors/error-message';

// Callers keep importing the snapshot from here, next to the detector that fills it in.
export type { Capabilities, WebGpuInfo };

/** The DOM typings say these always exist; older and non-Chromium browsers disagree. */
type MaybeNavigator = Partial<Pick<Navigator, 'gpu' | 'storage'>> & { deviceMemory?: number };

async function detectWebGpu(): Promise<{ info: WebGpuInfo | null; reason: string | null }> {
  const gpu = (navigator as MaybeNavigator).gpu;
  if (!gpu) {
    return { info: null, reason: 'this browser has no WebGPU (navigator.gpu is missing)' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { info: null, reason: `WebGPU adapter request failed: ${errorMessage(error)}` };
  }
  if (!adapter) return { info: null, reason: 'no WebGPU adapter (GPU blocklisted or disabled)' };
  const info = adapter.info;
  const vendor = info.vendor || 'unknown vendor';
  const architecture = info.architecture || '';
  return {
    info: {
      name: [vendor, architecture].filter(Boolean).join(' · '),
      vendor,
      architecture,
      description: info.description,
      shaderF16: adapter.features.has('shader-f16'),
      // Newer than the rest of GPUAdapterInfo: undefined in older browsers.
      isFallbackAdapter: (info as Partial<GPUAdapterInfo>).isFallbackAdapter === true,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
    reason: null,
  };
}

/** Probes WebGPU, storage, memory and threads once; the answer is the snapshot everything reads. */
export async function detectCapabilities(): Promise<Capabilities> {
  const [gpu, estimate] = await Promise.all([
    detectWebGpu(),
    (navigator as MaybeNavigator).storage?.estimate().catch(() => null) ?? Promise.resolve(null),
  ]);
  const cores = navigator.hardwareConcurrency || 1;
  const memory = (navigator as MaybeNavigator).deviceMemory;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false;
  return {
    webgpu: gpu.info,
    webgpuUnavailableReason: gpu.reason,
    crossOriginIsolated: isolated,
    hardwareConcurrency: cores,
    wasmThreads: wasmThreadCount(isolated, cores),
    deviceMemoryGiB: typeof memory === 'number' ? memory : null,
    storageQuotaBytes: estimate?.quota ?? null,
    storageUsageBytes: estimate?.usage ?? null,
    userAgent: navigator.userAgent,
  };
}
