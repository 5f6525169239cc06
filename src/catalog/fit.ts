/**
 * Will a model variant fit where we want to run it? Decided before downloading gigabytes, from
 * the catalog's byte sizes and what the browser reports. Conservative only where the limit is
 * hard: a wasm32 heap cannot grow past 4 GiB, and `navigator.deviceMemory` (capped at 8 by the
 * browser, so only small values are informative) bounds what a phone or small laptop can hold.
 */
import type { Capabilities } from '../engine/capabilities';
import type { Device } from '../engine/engine-types';
import type { CatalogModel, Dtype } from './schema';

const GIB = 1024 ** 3;
/** Weights plus KV cache, activations and ORT's own arena must share the 4 GiB wasm32 heap. */
export const WASM_WEIGHT_LIMIT = 3.5 * GIB;

/** Bytes downloaded for one dtype: the shared files plus the variant's own. */
export function variantBytes(model: Pick<CatalogModel, 'files' | 'variants'>, dtype: Dtype): number {
  const shared = model.files.reduce((n, f) => n + f.bytes, 0);
  const variant = model.variants.find((v) => v.dtype === dtype);
  return shared + (variant?.files.reduce((n, f) => n + f.bytes, 0) ?? 0);
}

function gb(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GB`;
}

/** Why `bytes` of weights cannot run on `device` here, or null when they may. */
export function fitProblem(bytes: number, device: Device, caps: Pick<Capabilities, 'deviceMemoryGiB'>): string | null {
  if (device === 'wasm' && bytes > WASM_WEIGHT_LIMIT) {
    return `needs ${gb(bytes)} of weights; WASM can address at most 4 GB`;
  }
  const memory = caps.deviceMemoryGiB;
  if (memory !== null && memory < 8 && bytes > (memory * GIB) / 2) {
    return `needs ${gb(bytes)} of weights; this device reports ${memory} GB of memory`;
  }
  return null;
}
