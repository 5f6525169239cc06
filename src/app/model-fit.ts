/**
 * The fit verdict the model panel shows for a catalog model: the device and variant the router
 * would try first (device-policy.ts), checked against this device (fit-check.ts). Gateway models
 * have none: the server decides what it can run.
 */
import { checkFit, largestFileBytes, type FitVerdict } from '../catalog/fit-check';
import { needsShaderF16 } from '../catalog/dtypes';
import { variantBytes } from '../catalog/fit';
import type { CatalogModel, Dtype } from '../catalog/schema';
import type { Capabilities } from '../engine/capabilities';
import { planBrowserRuns, type DevicePreference } from '../engine/device-policy';
import type { Device } from '../engine/engine-types';

export interface ModelFit {
  /** Where it would run and in which variant; null when no browser plan exists at all. */
  device: Device | null;
  dtype: Dtype | null;
  bytes: number;
  verdict: FitVerdict;
}

/** KV cache for a full context is the worst case; 4096 tokens is what a chat here rarely exceeds. */
const CONTEXT_FOR_ESTIMATE = 4096;

export function fitForModel(model: CatalogModel, caps: Capabilities, device: DevicePreference, dtype: Dtype | 'auto', cached = false): ModelFit | null {
  if (model.source.kind === 'gateway' || device === 'gateway') return null;
  const bytesOf = (d: Dtype): number => variantBytes(model, d);
  const { plans, ruledOut } = planBrowserRuns(model.variants, caps, device, dtype, bytesOf);
  const plan = plans[0];
  if (!plan) {
    return {
      device: null,
      dtype: null,
      bytes: 0,
      verdict: {
        level: 'wont-fit',
        reasons: ruledOut,
        suggestion: 'run it on the gateway (Foundry Local)',
        estimate: { weightsBytes: 0, kvCacheBytes: 0, totalBytes: 0 },
      },
    };
  }
  const bytes = bytesOf(plan.dtype);
  // The smallest other variant the same device could take, as the suggestion for a slow one
  // (never an f16 one on WASM: the CPU emulates fp16, so smaller there is slower).
  const smaller = plans
    .filter((p) => p.device === plan.device && p.dtype !== plan.dtype && bytesOf(p.dtype) < bytes)
    .filter((p) => !(p.device === 'wasm' && needsShaderF16(p.dtype)))
    .sort((a, b) => bytesOf(a.dtype) - bytesOf(b.dtype))[0];
  const verdict = checkFit({
    downloadBytes: bytes,
    largestFileBytes: largestFileBytes(model, plan.dtype),
    dtype: plan.dtype,
    device: plan.device,
    caps,
    ...(model.shape ? { shape: model.shape, contextTokens: Math.min(model.contextLength ?? CONTEXT_FOR_ESTIMATE, CONTEXT_FOR_ESTIMATE) } : {}),
    bytesToCache: cached || model.source.kind === 'bundled' || model.source.kind === 'local' ? 0 : bytes,
    ...(smaller ? { smallerVariant: { dtype: smaller.dtype, bytes: bytesOf(smaller.dtype) } } : {}),
  });
  return { device: plan.device, dtype: plan.dtype, bytes, verdict };
}
