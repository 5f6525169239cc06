/**
 * Which device and dtype to try for a browser model, in order, and why. Pure: decided from the
 * capability snapshot, the model's variants and the user's choice. The router walks the list and
 * falls back to the next plan when a load fails.
 *
 * Auto order (fastest likely first): WebGPU with an f16 variant (needs shader-f16), WebGPU with
 * f32 activations (q4, fp32, q8), then WASM (q4, q8, fp32).
 */
import type { Dtype } from '../catalog/schema';
import { needsShaderF16 } from '../catalog/dtypes';
import { fitProblem } from '../catalog/fit';
import type { Capabilities } from './capabilities';
import type { Device } from './engine-types';

/** 'gateway' sends every request to the configured gateway, skipping the browser. */
export type DevicePreference = 'auto' | Device | 'gateway';

export interface RunPlan {
  device: Device;
  dtype: Dtype;
  /** Why this plan, in words, for the status line. */
  reason: string;
}

export interface PlanResult {
  plans: RunPlan[];
  /** Why a device or dtype was ruled out, in words (shown when nothing is possible). */
  ruledOut: string[];
}

const WEBGPU_ORDER: Dtype[] = ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'];
const WASM_ORDER: Dtype[] = ['q4', 'q8', 'int8', 'uint8', 'fp32', 'bnb4', 'fp16', 'q4f16'];

export function planBrowserRuns(
  variants: readonly { dtype: Dtype }[],
  caps: Pick<Capabilities, 'webgpu' | 'webgpuUnavailableReason' | 'wasmThreads' | 'deviceMemoryGiB'>,
  device: DevicePreference,
  dtype: Dtype | 'auto' = 'auto',
  /** Download size per dtype, for the fit check; unknown sizes are assumed to fit. */
  bytesOf: (dtype: Dtype) => number = () => 0,
): PlanResult {
  if (device === 'gateway') return { plans: [], ruledOut: ['you chose the gateway'] };
  const available = new Set(variants.map((v) => v.dtype));
  const ruledOut: string[] = [];
  const plans: RunPlan[] = [];
  const wanted = (order: Dtype[]): Dtype[] => (dtype === 'auto' ? order : [dtype]).filter((d) => available.has(d));

  if (dtype !== 'auto' && !available.has(dtype)) {
    ruledOut.push(`this model has no ${dtype} variant (it has ${[...available].join(', ')})`);
  }

  if (device !== 'wasm') {
    if (!caps.webgpu) {
      ruledOut.push(`WebGPU: ${caps.webgpuUnavailableReason ?? 'not available'}`);
    } else {
      const gpu = caps.webgpu;
      for (const d of wanted(WEBGPU_ORDER)) {
        if (needsShaderF16(d) && !gpu.shaderF16) {
          ruledOut.push(`WebGPU ${d}: the adapter (${gpu.name}) has no shader-f16`);
          continue;
        }
        const tooBig = fitProblem(bytesOf(d), 'webgpu', caps);
        if (tooBig) {
          ruledOut.push(`WebGPU ${d}: ${tooBig}`);
          continue;
        }
        const why = device === 'webgpu' ? 'you chose WebGPU' : 'WebGPU adapter available';
        const f16Note = !gpu.shaderF16 && dtype === 'auto' && !needsShaderF16(d) ? ', no shader-f16 so f32 activations' : '';
        plans.push({ device: 'webgpu', dtype: d, reason: `${why} (${gpu.name})${f16Note}` });
      }
    }
  }

  if (device !== 'webgpu') {
    for (const d of wanted(WASM_ORDER)) {
      const tooBig = fitProblem(bytesOf(d), 'wasm', caps);
      if (tooBig) {
        ruledOut.push(`WASM ${d}: ${tooBig}`);
        continue;
      }
      const threads = `${caps.wasmThreads} thread${caps.wasmThreads === 1 ? '' : 's'}`;
      const why =
        device === 'wasm'
          ? 'you chose WASM'
          : caps.webgpu
            ? 'fallback after WebGPU'
            : `no WebGPU: ${caps.webgpuUnavailableReason ?? 'not available'}`;
      plans.push({ device: 'wasm', dtype: d, reason: `${why}; WASM on ${threads}` });
    }
  }
  return { plans, ruledOut };
}
