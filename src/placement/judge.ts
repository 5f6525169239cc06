/**
 * The rules for one run: can this variant run on this device here, and will it crawl? Decided
 * before anything downloads, from the catalog's byte sizes, a KV-cache estimate and the
 * capability snapshot. Blockers are hard limits (the run would fail: it is never tried); slowdowns
 * are costs the user should know about (it runs, slowly, or downloads again on every visit).
 * Every reason is a phrase a user understands, without the device and dtype (the caller knows).
 */
import type { Device } from '../catalog/model-ref';
import type { Dtype } from '../catalog/schema';
import { kvCacheBytes, kvElementBytes, type ModelShape } from './kv-cache';
import {
  GPU_MEMORY_CAUTION_BYTES,
  DEVICE_MEMORY_CAP_GIB,
  FALLBACK_ADAPTER_SLOW_BYTES,
  GIB,
  gpuBufferLimit,
  needsShaderF16,
  SINGLE_THREAD_SLOW_BYTES,
  WASM_SLOW_BYTES,
  WASM_WEIGHT_LIMIT,
} from './limits';
import type { Capabilities } from './snapshot';

/** The capability fields the rules read. */
export type JudgedCapabilities = Pick<
  Capabilities,
  'webgpu' | 'webgpuUnavailableReason' | 'wasmThreads' | 'deviceMemoryGiB' | 'storageQuotaBytes' | 'storageUsageBytes'
>;

/** One run to judge: a device, a variant, and what the catalog says about that variant. */
export interface RunInput {
  device: Device;
  dtype: Dtype;
  /** Bytes the variant downloads; they stand in for the weights held in memory. */
  downloadBytes: number;
  /** The variant's largest file: an upper bound on one GPU buffer's size. */
  largestFileBytes: number;
  /** Both `shape` and `contextTokens` are needed for a KV-cache estimate; without them it is 0. */
  shape?: ModelShape | undefined;
  contextTokens?: number | undefined;
  /** Bytes still to store in the weight cache: 0 when stored already or served with the app. */
  bytesToCache: number;
}

/** Memory a run needs: the weights and the KV cache. */
export interface MemoryEstimate {
  weightsBytes: number;
  kvCacheBytes: number;
  totalBytes: number;
}

/** The verdict on one run. */
export interface RunJudgement {
  /** Why it cannot run here; empty when it can. */
  blockers: string[];
  /** What it costs when it runs (slow decoding, a download on every visit). */
  slowdowns: string[];
  estimate: MemoryEstimate;
}

/** Decimal units, like the sizes the model panel shows: 1.2e9 -> "1.2 GB", 8e8 -> "800 MB". */
export function formatSize(bytes: number): string {
  const mb = Math.round(bytes / 1e6);
  if (mb >= 1000) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (mb >= 1) return `${mb} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

function estimateMemory(input: RunInput): MemoryEstimate {
  const { shape, contextTokens } = input;
  const kv = shape && contextTokens !== undefined ? kvCacheBytes(shape, contextTokens, kvElementBytes(input.dtype)) : 0;
  return { weightsBytes: input.downloadBytes, kvCacheBytes: kv, totalBytes: input.downloadBytes + kv };
}

/** "needs 1.2 GB for its weights and a 4096-token KV cache" */
function describeNeed(input: RunInput, estimate: MemoryEstimate): string {
  const kv = estimate.kvCacheBytes > 0 && input.contextTokens !== undefined ? ` and a ${input.contextTokens}-token KV cache` : '';
  return `needs ${formatSize(estimate.totalBytes)} for its weights${kv}`;
}

function blockers(input: RunInput, caps: JudgedCapabilities, estimate: MemoryEstimate): string[] {
  const { device, dtype } = input;
  const reasons: string[] = [];
  const needs = describeNeed(input, estimate);
  if (device === 'wasm' && estimate.totalBytes > WASM_WEIGHT_LIMIT) {
    reasons.push(`${needs}, but WASM can hold at most ${formatSize(WASM_WEIGHT_LIMIT)}`);
  }
  if (device === 'webgpu') {
    const gpu = caps.webgpu;
    if (!gpu) {
      reasons.push(caps.webgpuUnavailableReason ?? 'this browser has no WebGPU adapter');
    } else {
      // f16 kernels do not compile without the feature; there is no f32 fallback inside the graph.
      if (needsShaderF16(dtype) && !gpu.shaderF16) {
        reasons.push(`needs the GPU feature shader-f16, which this adapter (${gpu.name}) lacks`);
      }
      // The catalog knows file sizes, not tensor sizes, so a file stands in for its largest
      // tensor: conservative for a many-tensor file.
      const limit = gpuBufferLimit(gpu);
      if (input.largestFileBytes > limit) {
        reasons.push(
          `its largest weight file is ${formatSize(input.largestFileBytes)}, but this GPU's buffers hold at most ${formatSize(limit)}`,
        );
      }
    }
  }
  const memory = caps.deviceMemoryGiB;
  if (memory !== null && memory < DEVICE_MEMORY_CAP_GIB && estimate.totalBytes > (memory * GIB) / 2) {
    reasons.push(`${needs}, more than half of the ${memory} GB of memory this device reports`);
  }
  return reasons;
}

function slowdowns(input: RunInput, caps: JudgedCapabilities, estimate: MemoryEstimate): string[] {
  const { device } = input;
  const weightsBytes = estimate.weightsBytes;
  const weights = formatSize(weightsBytes);
  const reasons: string[] = [];
  if (device === 'webgpu' && estimate.totalBytes > GPU_MEMORY_CAUTION_BYTES) {
    reasons.push(
      `${describeNeed(input, estimate)} in GPU memory, which browsers do not report: on a GPU with less, the load fails or crawls`,
    );
  }
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
  // Not a blocker: the weight cache drops what it has no room for and the model still runs from
  // memory (weight-cache.ts). But every visit then downloads it again, which is worth saying first.
  if (caps.storageQuotaBytes !== null && input.bytesToCache > 0) {
    const free = Math.max(0, caps.storageQuotaBytes - (caps.storageUsageBytes ?? 0));
    if (free < input.bytesToCache) {
      reasons.push(`can't cache: needs ${formatSize(input.bytesToCache)}, ${formatSize(free)} free, so it downloads again on every visit`);
    }
  }
  return reasons;
}

/** Whether one variant can run on one device here, and what it costs when it does. */
export function judgeRun(input: RunInput, caps: JudgedCapabilities): RunJudgement {
  const estimate = estimateMemory(input);
  return { blockers: blockers(input, caps, estimate), slowdowns: slowdowns(input, caps, estimate), estimate };
}
