/**
 * What the user is offered after the device under a model failed (a lost GPU, memory exhausted):
 * run it on WASM, a smaller variant, or the gateway. Pure, so the choice is testable without a
 * GPU; the model panel renders the offers as buttons.
 */
import { variantBytes } from '../catalog/fit';
import type { CatalogModel, Dtype } from '../catalog/schema';
import { DeviceUnavailableError } from '../engine/errors';
import type { Device } from '../engine/engine-types';

export type RecoveryOffer =
  | { kind: 'wasm' }
  | { kind: 'variant'; dtype: Dtype; bytes: number }
  | { kind: 'gateway'; baseUrl: string };

export interface FailedRun {
  model: CatalogModel;
  device: Device;
  dtype: Dtype;
}

/**
 * WASM when the fault was on WebGPU; the largest variant smaller than the failed one (the least
 * quality given up for memory); the gateway when one is configured.
 */
export function recoveryOffers(run: FailedRun, gatewayUrl: string | null): RecoveryOffer[] {
  const offers: RecoveryOffer[] = [];
  if (run.device === 'webgpu') offers.push({ kind: 'wasm' });
  const failedBytes = variantBytes(run.model, run.dtype);
  const smaller = run.model.variants
    .map((v) => ({ dtype: v.dtype, bytes: variantBytes(run.model, v.dtype) }))
    .filter((v) => v.dtype !== run.dtype && v.bytes < failedBytes)
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (smaller) offers.push({ kind: 'variant', ...smaller });
  if (gatewayUrl) offers.push({ kind: 'gateway', baseUrl: gatewayUrl });
  return offers;
}

/**
 * The run whose device failed while a model was loading, when that is why the load failed (the
 * router names it in the error's details: see Router.load), else null.
 */
export function faultedLoad(error: unknown, model: CatalogModel): FailedRun | null {
  if (!(error instanceof DeviceUnavailableError)) return null;
  const { faultDevice, faultDtype } = error.details;
  const variant = model.variants.find((v) => v.dtype === faultDtype);
  if ((faultDevice !== 'webgpu' && faultDevice !== 'wasm') || !variant) return null;
  return { model, device: faultDevice, dtype: variant.dtype };
}
