/**
 * Reading a failed load: the run whose device failed, when that is why, so the page can offer
 * the ways on (placement/recovery-offers.ts) as buttons.
 */
import type { CatalogModel } from '../catalog/schema';
import { DeviceUnavailableError } from '../engine/errors';
import type { FailedRun } from '../placement/fault-offers';

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
