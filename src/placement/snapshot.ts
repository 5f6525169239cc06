/**
 * The capability snapshot placement decides from: what this browser and device can do. Detected
 * once at startup by engine/capabilities.ts (which re-exports these types); defined here so the
 * placement rules depend on plain data, never on the engine that uses their answer.
 */

/** The WebGPU adapter, as much as placement needs of it. */
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

/** What this browser and device can do, shown to the user and decided from. */
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
