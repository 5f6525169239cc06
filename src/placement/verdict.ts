/**
 * The one placement verdict: for a catalog model, this capability snapshot and the user's choice,
 * the runs to try (the router walks them) and what the model panel shows (fits / will be slow /
 * will not fit, why, and what to try instead). Both come from the same planRuns() call, so the
 * panel can never call a run "will not fit" that the router then tries, or the other way round:
 * "will not fit" means exactly "no run left to try in this browser".
 */
import type { Device } from '../catalog/model-ref';
import type { CatalogModel, Dtype } from '../catalog/schema';
import { dtypeLabel } from '../catalog/dtypes';
import { formatSize, type MemoryEstimate } from './judge';
import { needsShaderF16 } from './limits';
import type { MeasuredSpeeds } from './measured-order';
import { planRuns, type Candidate, type DevicePreference, type PlanResult, type RunChoice } from './plans';
import type { Capabilities } from './snapshot';

/** How a model fares here, as the panel labels it. */
export type FitLevel = 'fits' | 'slow' | 'wont-fit';

/** The panel's verdict on the run the router would try first. */
export interface FitVerdict {
  /** 'wont-fit' exactly when no run is left to try in this browser. */
  level: FitLevel;
  /** Why the level is not `fits`: slowdowns of the first run, or why every run was ruled out. */
  reasons: string[];
  /** The next thing to try, or null when it fits. */
  suggestion: string | null;
  estimate: MemoryEstimate;
}

/** Where the model would run first, in which variant, and how well. */
export interface ModelFit {
  /** null when no browser run is left. */
  device: Device | null;
  dtype: Dtype | null;
  bytes: number;
  verdict: FitVerdict;
}

/** The whole answer: the router's plans and the panel's fit, from one planning pass. */
export interface Placement extends PlanResult {
  /** null for a model that only runs on a gateway, or when the user chose the gateway. */
  fit: ModelFit | null;
}

const GATEWAY_SUGGESTION = 'run it on the gateway (Foundry Local)';

/**
 * The smallest other variant the same device can run, as the suggestion for a slow one. Never an
 * f16 or 4-bit one on WASM: the CPU emulates fp16, and WASM has no 4-bit kernels (default-order.ts),
 * so smaller there is slower.
 */
function smallerOnSameDevice(first: Candidate, runnable: readonly Candidate[]): Candidate | undefined {
  return runnable
    .filter((c) => c.device === first.device && c.dtype !== first.dtype && c.bytes < first.bytes)
    .filter((c) => !(c.device === 'wasm' && (needsShaderF16(c.dtype) || c.dtype === 'q4' || c.dtype === 'bnb4')))
    .sort((a, b) => a.bytes - b.bytes)[0];
}

function fitOf(result: PlanResult): ModelFit {
  const plan = result.plans[0];
  const first = plan && result.candidates.find((c) => c.device === plan.device && c.dtype === plan.dtype);
  if (!first) {
    const estimate = { weightsBytes: 0, kvCacheBytes: 0, totalBytes: 0 };
    return {
      device: null,
      dtype: null,
      bytes: 0,
      verdict: { level: 'wont-fit', reasons: result.ruledOut, suggestion: GATEWAY_SUGGESTION, estimate },
    };
  }
  const runnable = result.candidates.filter((c) => c.blockers.length === 0);
  const smaller = smallerOnSameDevice(first, runnable);
  const slow = first.slowdowns.length > 0;
  const suggestion = !slow
    ? null
    : smaller
      ? `try the ${dtypeLabel(smaller.dtype)} variant (${formatSize(smaller.bytes)})`
      : GATEWAY_SUGGESTION;
  return {
    device: first.device,
    dtype: first.dtype,
    bytes: first.bytes,
    verdict: { level: slow ? 'slow' : 'fits', reasons: first.slowdowns, suggestion, estimate: first.estimate },
  };
}

/**
 * Where `model` can run here under the user's choice: the plans in order with their reasons, what
 * was ruled out and why, and the panel's verdict. `stored`: its files are in the weight cache.
 */
export function placeModel(model: CatalogModel, caps: Capabilities, choice: RunChoice, stored = false): Placement {
  if (model.source.kind === 'gateway') {
    return { candidates: [], plans: [], ruledOut: [`${model.name} runs only on a gateway (no in-browser build)`], fit: null };
  }
  const result = planRuns(model, caps, choice, stored);
  return { ...result, fit: choice.device === 'gateway' ? null : fitOf(result) };
}

/**
 * The model panel's view of placeModel(): where it would run first, and how well. `measured`: the
 * speeds measured on this device for this model, as the router gets them.
 */
export function fitForModel(
  model: CatalogModel,
  caps: Capabilities,
  device: DevicePreference,
  dtype: Dtype | 'auto',
  stored = false,
  measured?: MeasuredSpeeds,
): ModelFit | null {
  return placeModel(model, caps, { device, dtype, measured }, stored).fit;
}
