/**
 * "Will this model fit this device?" answered before downloading anything: from the catalog's
 * byte sizes, an optional KV-cache estimate, and the capability snapshot. The verdict says
 * `wont-fit` when a hard limit is crossed, `slow` when it will run but crawl, and why, in words a
 * user understands. Hard limits are in binary units because the hardware defines them that way;
 * the "slow" thresholds are rough, so they are round decimal numbers that read well in a message.
 */
import type { Capabilities } from '../engine/capabilities';
import type { Device } from '../engine/engine-types';
import { dtypeLabel, needsShaderF16 } from './dtypes';
import { WASM_WEIGHT_LIMIT } from './fit';
import { kvCacheBytes, kvElementBytes, type ModelShape } from './kv-cache';
import type { CatalogModel, Dtype } from './schema';

const GIB = 1024 ** 3;

/**
 * Decode reads every weight once per token and is memory-bound; WASM SIMD on a typical laptop
 * CPU moves a few GB/s through a matmul, so past ~1 GB of weights expect a few tokens per second.
 */
export const WASM_SLOW_BYTES = 1e9;
/** A fallback adapter (SwiftShader) emulates the GPU on the CPU, slower than ORT's own WASM. */
export const FALLBACK_ADAPTER_SLOW_BYTES = 200e6;
/** One WASM thread gets a quarter of what ORT's four threads would: only tiny models stay quick. */
export const SINGLE_THREAD_SLOW_BYTES = 100e6;

export type FitLevel = 'fits' | 'slow' | 'wont-fit';
export type FitCapabilities = Pick<
  Capabilities,
  'webgpu' | 'wasmThreads' | 'deviceMemoryGiB' | 'storageQuotaBytes' | 'storageUsageBytes'
>;

export interface FitInput {
  /** Bytes the variant downloads (`variantBytes`); they stand in for the weights held in memory. */
  downloadBytes: number;
  /** The variant's largest file (`largestFileBytes`): an upper bound on one GPU buffer's size. */
  largestFileBytes: number;
  dtype: Dtype;
  device: Device;
  caps: FitCapabilities;
  /** Both `shape` and `contextTokens` are needed for a KV-cache estimate; without them it is 0. */
  shape?: ModelShape;
  contextTokens?: number;
  /** Bytes still to store in the cache; defaults to `downloadBytes`, pass 0 when already cached. */
  bytesToCache?: number;
  /** What to suggest instead, when the caller knows a smaller variant. */
  smallerVariant?: { dtype: Dtype; bytes: number };
}

export interface FitEstimate {
  weightsBytes: number;
  kvCacheBytes: number;
  totalBytes: number;
}

export interface FitVerdict {
  level: FitLevel;
  /** Why the level is not `fits`; only the reasons for the level itself. */
  reasons: string[];
  /** The next thing to try, or null when it fits. */
  suggestion: string | null;
  estimate: FitEstimate;
}

/** Decimal units, like the sizes the model panel shows: 1.2e9 -> "1.2 GB", 8e8 -> "800 MB". */
function formatSize(bytes: number): string {
  const mb = Math.round(bytes / 1e6);
  if (mb >= 1000) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (mb >= 1) return `${mb} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

/** The biggest single file of a variant, for `FitInput.largestFileBytes`. */
export function largestFileBytes(model: Pick<CatalogModel, 'variants'>, dtype: Dtype): number {
  const files = model.variants.find((v) => v.dtype === dtype)?.files ?? [];
  return Math.max(0, ...files.map((f) => f.bytes));
}

function estimateMemory(input: FitInput): FitEstimate {
  const { shape, contextTokens } = input;
  const kv = shape && contextTokens !== undefined ? kvCacheBytes(shape, contextTokens, kvElementBytes(input.dtype)) : 0;
  return { weightsBytes: input.downloadBytes, kvCacheBytes: kv, totalBytes: input.downloadBytes + kv };
}

/** "needs 1.2 GB for its weights and a 4096-token KV cache" */
function describeNeed(input: FitInput, estimate: FitEstimate): string {
  const kv = estimate.kvCacheBytes > 0 && input.contextTokens !== undefined ? ` and a ${input.contextTokens}-token KV cache` : '';
  return `needs ${formatSize(estimate.totalBytes)} for its weights${kv}`;
}

function wontFitReasons(input: FitInput, estimate: FitEstimate): string[] {
  const { caps, device, dtype } = input;
  const reasons: string[] = [];
  const needs = describeNeed(input, estimate);
  // wasm32 addresses at most 4 GiB, and ORT's arena and activations need part of it.
  if (device === 'wasm' && estimate.totalBytes > WASM_WEIGHT_LIMIT) {
    reasons.push(`${needs}, but WASM can hold at most ${formatSize(WASM_WEIGHT_LIMIT)}`);
  }
  if (device === 'webgpu') {
    const gpu = caps.webgpu;
    if (!gpu) {
      reasons.push('this browser has no WebGPU adapter');
    } else {
      // f16 kernels do not compile without the feature; there is no f32 fallback inside the graph.
      if (needsShaderF16(dtype) && !gpu.shaderF16) {
        reasons.push(`${dtypeLabel(dtype)} needs the GPU feature shader-f16, which this adapter (${gpu.name}) lacks`);
      }
      // ORT uploads each initializer into its own buffer. The catalog knows file sizes, not tensor
      // sizes, so a file stands in for its largest tensor: conservative for a many-tensor file.
      const bufferLimit = Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize);
      if (input.largestFileBytes > bufferLimit) {
        reasons.push(
          `its largest weight file is ${formatSize(input.largestFileBytes)}, but this GPU's buffers hold at most ${formatSize(bufferLimit)}`,
        );
      }
    }
  }
  // navigator.deviceMemory is capped at 8, so only smaller values say anything; a tab cannot
  // count on more than about half of the device's memory.
  const memory = caps.deviceMemoryGiB;
  if (memory !== null && memory < 8 && estimate.totalBytes > (memory * GIB) / 2) {
    reasons.push(`${needs}, more than half of the ${memory} GB of memory this device reports`);
  }
  // The weight cache swallows quota errors and the model still runs from memory, but then every
  // visit downloads it again; that is worth stopping for rather than discovering later.
  if (caps.storageQuotaBytes !== null) {
    const free = Math.max(0, caps.storageQuotaBytes - (caps.storageUsageBytes ?? 0));
    const toCache = input.bytesToCache ?? input.downloadBytes;
    if (free < toCache) reasons.push(`can't cache: needs ${formatSize(toCache)}, ${formatSize(free)} free`);
  }
  return reasons;
}

function slowReasons(input: FitInput, weightsBytes: number): string[] {
  const { caps, device } = input;
  const weights = formatSize(weightsBytes);
  const reasons: string[] = [];
  if (device === 'wasm' && weightsBytes > WASM_SLOW_BYTES) {
    reasons.push(`${weights} of weights is a lot for WASM (the CPU): above ${formatSize(WASM_SLOW_BYTES)}, expect a few tokens per second`);
  }
  if (device === 'wasm' && caps.wasmThreads <= 1 && weightsBytes > SINGLE_THREAD_SLOW_BYTES) {
    reasons.push(
      `WASM runs on one thread here (usually because the page is not cross-origin isolated), which is slow above ${formatSize(SINGLE_THREAD_SLOW_BYTES)} of weights (this model has ${weights})`,
    );
  }
  const gpu = caps.webgpu;
  if (device === 'webgpu' && gpu?.isFallbackAdapter === true && weightsBytes > FALLBACK_ADAPTER_SLOW_BYTES) {
    reasons.push(
      `the WebGPU adapter (${gpu.name}) is a software fallback that runs on the CPU, which is slow above ${formatSize(FALLBACK_ADAPTER_SLOW_BYTES)} of weights (this model has ${weights})`,
    );
  }
  return reasons;
}

function suggest(input: FitInput): string {
  const smaller = input.smallerVariant;
  if (smaller) return `try the ${dtypeLabel(smaller.dtype)} variant (${formatSize(smaller.bytes)})`;
  return 'run it on the gateway (Foundry Local)';
}

/** Whether a variant fits `input.device` here, why not, and what to try instead. */
export function checkFit(input: FitInput): FitVerdict {
  const estimate = estimateMemory(input);
  const blockers = wontFitReasons(input, estimate);
  if (blockers.length > 0) return { level: 'wont-fit', reasons: blockers, suggestion: suggest(input), estimate };
  const slowdowns = slowReasons(input, estimate.weightsBytes);
  if (slowdowns.length > 0) return { level: 'slow', reasons: slowdowns, suggestion: suggest(input), estimate };
  return { level: 'fits', reasons: [], suggestion: null, estimate };
}
