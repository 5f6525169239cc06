/**
 * The numbers placement compares against, each with the reason it is what it is. Hard limits are
 * in binary units because the hardware defines them that way; the "slow" thresholds are rough,
 * so they are round decimal numbers that read well in a message.
 */
import type { Dtype } from '../catalog/schema';
import type { WebGpuInfo } from './snapshot';

/** 2^30 bytes: wasm32, WebGPU limits and `navigator.deviceMemory` count in these. */
export const GIB = 1024 ** 3;

/** Weights plus KV cache, activations and ORT's own arena must share the 4 GiB wasm32 heap. */
export const WASM_WEIGHT_LIMIT = 3.5 * GIB;

/**
 * `navigator.deviceMemory` is capped at 8 (GiB), so only smaller values say anything; a tab cannot
 * count on more than about half of what the device has.
 */
export const DEVICE_MEMORY_CAP_GIB = 8;

/**
 * Decode reads every weight once per token and is memory-bound; WASM SIMD on a typical laptop
 * CPU moves a few GB/s through a matmul, so past ~1 GB of weights expect a few tokens per second.
 */
export const WASM_SLOW_BYTES = 1e9;

/** A fallback adapter (SwiftShader) emulates the GPU on the CPU, slower than ORT's own WASM. */
export const FALLBACK_ADAPTER_SLOW_BYTES = 200e6;

/**
 * WebGPU does not tell a page how much memory its GPU has. Past 4 GB of weights and KV cache
 * (more than many integrated GPUs can give one tab, and half of a common 8 GB card) the need is
 * worth stating, so a user with a smaller GPU knows before a long download why the load fails.
 */
export const GPU_MEMORY_CAUTION_BYTES = 4e9;

/** One WASM thread gets a quarter of what ORT's four threads would: only tiny models stay quick. */
export const SINGLE_THREAD_SLOW_BYTES = 100e6;

/**
 * Context length the KV-cache estimate assumes. A full context is the worst case, but a chat here
 * rarely exceeds 4096 tokens, and a 128k window would rule out models that run fine.
 */
export const KV_ESTIMATE_TOKENS = 4096;

/**
 * Dtypes whose kernels need `shader-f16` on WebGPU: the f16 exports, whose activations (and so
 * their KV cache) are fp16 too.
 */
export function needsShaderF16(dtype: Dtype): boolean {
  return dtype === 'fp16' || dtype === 'q4f16';
}

/**
 * The largest single buffer this adapter allows. ORT uploads each initializer into a storage
 * buffer of its own, so both limits bound one tensor.
 */
export function gpuBufferLimit(gpu: Pick<WebGpuInfo, 'maxBufferSize' | 'maxStorageBufferBindingSize'>): number {
  return Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize);
}
