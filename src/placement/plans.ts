/**
 * Which device and dtype to try for a browser model, in order, and why. Every (device, dtype) the
 * user's choice allows is judged by judge.ts; the ones it blocks are ruled out with the reason,
 * never tried. The router walks the remaining plans and falls back to the next when a load fails.
 *
 * Auto order (fastest likely first): WebGPU, then WASM; within a device, the variants measured
 * on this device fastest first (measured-order.ts), then the rest in the device's default order
 * (default-order.ts: on WebGPU the f16 variants, then q4, fp32, q8; on WASM q8, or fp32 for a tiny
 * model, with q4 after every other variant). An explicit dtype is never reordered.
 */
import type { Device } from '../catalog/model-ref';
import type { CatalogModel, Dtype } from '../catalog/schema';
import { largestFileBytes, variantBytes } from '../catalog/variants';
import { defaultOrder } from './default-order';
import { judgeRun, type JudgedCapabilities, type RunJudgement } from './judge';
import { KV_ESTIMATE_TOKENS, needsShaderF16 } from './limits';
import { measuredOrder, speedNote, type MeasuredSpeeds } from './measured-order';
import type { WebGpuInfo } from './snapshot';

/** 'gateway' sends every request to the configured gateway, skipping the browser. */
export type DevicePreference = 'auto' | Device | 'gateway';

/** What the user chose in the model panel: where it runs, and which variant. */
export interface RunChoice {
  device: DevicePreference;
  dtype: Dtype | 'auto';
  /**
   * Decode speeds measured on this device for this model (src/app/variant-measurements.ts); with
   * `dtype: 'auto'` they reorder each device's variants, fastest first. Ignored for a chosen dtype.
   */
  measured?: MeasuredSpeeds;
}

/** One run the router may try. */
export interface RunPlan {
  device: Device;
  dtype: Dtype;
  /** Why this plan, in words, for the status line. */
  reason: string;
  /** Set when a measurement put this variant first on its device: "q8: 1.6× faster than q4 on this CPU". */
  measured?: string;
}

/** One (device, dtype) the choice allows, with its verdict. */
export interface Candidate extends RunJudgement {
  device: Device;
  dtype: Dtype;
  /** Bytes the variant downloads. */
  bytes: number;
}

/** The plans in the order to try them, and everything that was judged on the way. */
export interface PlanResult {
  /** Every (device, dtype) judged, in the order tried, blocked ones included. */
  candidates: Candidate[];
  /** The candidates nothing blocks, in the order to try them. */
  plans: RunPlan[];
  /** Why a device or dtype was ruled out, in words (shown when nothing is possible). */
  ruledOut: string[];
}

/** The model fields placement reads. */
export type PlacedModel = Pick<CatalogModel, 'source' | 'files' | 'variants' | 'shape' | 'contextLength'>;

const LABEL: Record<Device, string> = { webgpu: 'WebGPU', wasm: 'WASM' };

/** "WebGPU q4f16: its largest weight file is 483 MB, ..." */
function ruledOutLine(c: Candidate): string {
  return `${LABEL[c.device]} ${c.dtype}: ${c.blockers.join('; ')}`;
}

/** Why the candidates before a plan were passed over: the first in full, the rest by name. */
function skipped(blocked: readonly Candidate[]): string | null {
  const [first, ...rest] = blocked;
  if (!first) return null;
  const others = rest.length ? `; ${LABEL[first.device]} ${rest.map((c) => c.dtype).join(', ')} ruled out too` : '';
  return `${LABEL[first.device]} ${first.dtype}: ${first.blockers[0] ?? 'ruled out'}${others}`;
}

/**
 * WebGPU's plans: every candidate nothing blocks, with the adapter in the reason. Returns the
 * candidates blocked after the last plan, which explain a fall to WASM.
 */
function webgpuPlans(result: PlanResult, candidates: readonly Candidate[], gpu: WebGpuInfo, choice: RunChoice): Candidate[] {
  const why = choice.device === 'webgpu' ? 'you chose WebGPU' : 'WebGPU adapter available';
  let blocked: Candidate[] = [];
  for (const c of candidates) {
    if (c.blockers.length) {
      result.ruledOut.push(ruledOutLine(c));
      blocked.push(c);
      continue;
    }
    const f16Note = !gpu.shaderF16 && choice.dtype === 'auto' && !needsShaderF16(c.dtype) ? ', no shader-f16 so f32 activations' : '';
    // The f16 note already explains the f16 variants passed over; name any other reason.
    const note = skipped(blocked.filter((b) => !(f16Note && needsShaderF16(b.dtype) && b.blockers.length === 1)));
    result.plans.push({ device: 'webgpu', dtype: c.dtype, reason: `${why} (${gpu.name})${f16Note}${note ? `; ${note}` : ''}` });
    blocked = [];
  }
  return blocked;
}

/** WASM's plans: every candidate nothing blocks, after `why` (how it came to WASM, and threads). */
function wasmPlans(result: PlanResult, candidates: readonly Candidate[], why: string): void {
  let blocked: Candidate[] = [];
  for (const c of candidates) {
    if (c.blockers.length) {
      result.ruledOut.push(ruledOutLine(c));
      blocked.push(c);
      continue;
    }
    const note = skipped(blocked);
    result.plans.push({ device: 'wasm', dtype: c.dtype, reason: `${why}${note ? `; ${note}` : ''}` });
    blocked = [];
  }
}

function judgeAll(model: PlacedModel, caps: JudgedCapabilities, device: Device, dtypes: readonly Dtype[], stored: boolean): Candidate[] {
  // Bundled files ship with the app and imported ones are stored already: nothing to cache.
  const nothingToCache = stored || model.source.kind === 'bundled' || model.source.kind === 'local';
  const contextTokens = model.shape ? Math.min(model.contextLength ?? KV_ESTIMATE_TOKENS, KV_ESTIMATE_TOKENS) : undefined;
  return dtypes.map((dtype) => {
    const bytes = variantBytes(model, dtype);
    const judgement = judgeRun(
      {
        device,
        dtype,
        downloadBytes: bytes,
        largestFileBytes: largestFileBytes(model, dtype),
        shape: model.shape,
        contextTokens,
        bytesToCache: nothingToCache ? 0 : bytes,
      },
      caps,
    );
    return { device, dtype, bytes, ...judgement };
  });
}

/**
 * The runs to try for `model` under the user's choice, each with its reason, and what was ruled
 * out. `stored`: the variant files are in the weight cache already (nothing left to store).
 */
export function planRuns(model: PlacedModel, caps: JudgedCapabilities, choice: RunChoice, stored = false): PlanResult {
  if (choice.device === 'gateway') return { candidates: [], plans: [], ruledOut: ['you chose the gateway'] };
  const available = new Set(model.variants.map((v) => v.dtype));
  const wanted = (device: Device): Dtype[] =>
    (choice.dtype === 'auto' ? measuredOrder(defaultOrder(model, device), choice.measured?.[device]) : [choice.dtype]).filter((d) =>
      available.has(d),
    );
  const result: PlanResult = { candidates: [], plans: [], ruledOut: [] };
  if (choice.dtype !== 'auto' && !available.has(choice.dtype)) {
    result.ruledOut.push(`this model has no ${choice.dtype} variant (it has ${[...available].join(', ')})`);
  }
  const gpu = caps.webgpu;
  let webgpuBlocked: Candidate[] = [];

  if (choice.device !== 'wasm') {
    const candidates = judgeAll(model, caps, 'webgpu', wanted('webgpu'), stored);
    result.candidates.push(...candidates);
    // Without an adapter every WebGPU candidate has the same blocker: say it once.
    if (!gpu) result.ruledOut.push(`WebGPU: ${caps.webgpuUnavailableReason ?? 'not available'}`);
    else webgpuBlocked = webgpuPlans(result, candidates, gpu, choice);
  }

  if (choice.device !== 'webgpu') {
    const why =
      choice.device === 'wasm'
        ? 'you chose WASM'
        : !gpu
          ? `no WebGPU: ${caps.webgpuUnavailableReason ?? 'not available'}`
          : result.plans.length > 0
            ? 'fallback after WebGPU'
            : (skipped(webgpuBlocked) ?? 'fallback after WebGPU');
    const candidates = judgeAll(model, caps, 'wasm', wanted('wasm'), stored);
    result.candidates.push(...candidates);
    wasmPlans(result, candidates, `${why}; WASM on ${caps.wasmThreads} thread${caps.wasmThreads === 1 ? '' : 's'}`);
  }
  if (choice.dtype === 'auto' && choice.measured) {
    for (const device of ['webgpu', 'wasm'] as const) noteMeasured(result.plans, device, choice.measured[device]);
  }
  return result;
}

/**
 * Says so in the reason of a device's first plan when a measurement put it there, compared with
 * the other measured variants that can still run on that device.
 */
function noteMeasured(plans: RunPlan[], device: Device, speeds: MeasuredSpeeds[Device]): void {
  const mine = plans.filter((p) => p.device === device);
  const first = mine[0];
  if (!first || !speeds) return;
  const note = speedNote(
    first.dtype,
    speeds.filter((s) => mine.some((p) => p.dtype === s.dtype)),
    device,
  );
  if (!note) return;
  first.measured = note;
  first.reason = `${first.reason}; ${note} (measured)`;
}
