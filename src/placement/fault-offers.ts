/**
 * What the user is offered after the device under a model failed (a lost GPU, memory exhausted):
 * run it on WASM, a smaller variant, or the gateway. Each offer is a change of the run choice, and
 * is made only when placement has a run for the changed choice: an offer the router would turn
 * down at once (WASM for a model too big for the wasm32 heap) is no way out.
 */
import type { Device } from '../catalog/model-ref';
import type { CatalogModel, Dtype } from '../catalog/schema';
import { variantBytes } from '../catalog/variants';
import type { RunChoice } from './plans';
import type { Capabilities } from './snapshot';
import { placeModel } from './verdict';

/** One way on, as the panel's buttons show it. */
export type RecoveryOffer = { kind: 'wasm' } | { kind: 'variant'; dtype: Dtype; bytes: number } | { kind: 'gateway'; baseUrl: string };

/** The run whose device failed. */
export interface FailedRun {
  model: CatalogModel;
  device: Device;
  dtype: Dtype;
}

/**
 * WASM when the fault was on WebGPU; the largest variant smaller than the failed one (the least
 * quality given up for memory); the gateway when one is configured. `choice` is the run choice the
 * failed run came from: an offer changes one part of it.
 */
export function recoveryOffers(run: FailedRun, caps: Capabilities, choice: RunChoice, gatewayUrl: string | null): RecoveryOffer[] {
  const runs = (change: Partial<RunChoice>): boolean => placeModel(run.model, caps, { ...choice, ...change }).plans.length > 0;
  const offers: RecoveryOffer[] = [];
  if (run.device === 'webgpu' && runs({ device: 'wasm' })) offers.push({ kind: 'wasm' });
  const failedBytes = variantBytes(run.model, run.dtype);
  const smaller = run.model.variants
    .map((v) => ({ dtype: v.dtype, bytes: variantBytes(run.model, v.dtype) }))
    .filter((v) => v.dtype !== run.dtype && v.bytes < failedBytes && runs({ dtype: v.dtype }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (smaller) offers.push({ kind: 'variant', ...smaller });
  if (gatewayUrl) offers.push({ kind: 'gateway', baseUrl: gatewayUrl });
  return offers;
}
