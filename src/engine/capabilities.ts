/**
 * What this browser and device can do, detected once at startup and shown to the user. The
 * router and the fit check decide from this snapshot only.
 */
import { wasmThreadCount } from './threads';
import { errorMessage } from '../errors/error-message';

export interface WebGpuInfo {
  /** "google · swiftshader", "nvidia · ampere"... as much as the adapter tells. */
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  shaderF16: boolean;
  isFallbackAdapter: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface Capabilities {
  /** null when `navigator.gpu` is missing or no adapter was granted. */
  webgpu: WebGpuInfo | null;
  /** Why WebGPU is missing, in words, when it is. */
  webgpuUnavailableReason: string | null;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Threads ONNX Runtime's WASM backend will use (1 without cross-origin isolation). */
  wasmThreads: number;
  /** GiB, rounded down by the browser (`navigator.deviceMemory`), when exposed. */
  deviceMemoryGiB: number | null;
  storageQuotaBytes: number | null;
  storageUsageBytes: number | null;
  userAgent: string;
}

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
