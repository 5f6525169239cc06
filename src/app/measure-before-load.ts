/**
 * The measurement a first load makes before it loads: the variants of a model that are on this
 * device, each loaded and timed in the slot's own engine (variant-probe.ts), kept per device
 * (variant-measurements.ts) so the router then places the model by them. Split from ModelSlot,
 * which owns the load state this reports into.
 */
import type { CatalogModel, Dtype } from '../catalog/schema';
import type { Capabilities } from '../engine/capabilities';
import type { LoadProgress } from '../engine/engine-types';
import { isAbortError } from '../engine/errors';
import type { Router } from '../engine/router';
import { errorMessage } from '../errors/error-message';
import type { DevicePreference } from '../placement/plans';
import { modelRevision } from './measurement-record';
import type { Notices } from './notices';
import { probePlan, probeVariants, type ProbeStep } from './variant-probe';
import type { VariantMeasurements } from './variant-measurements';

export interface MeasureDeps {
  router: Pick<Router, 'load'>;
  capabilities: Capabilities;
  measurements: Pick<VariantMeasurements, 'fingerprint' | 'get' | 'save'>;
  notices: Pick<Notices, 'notify'>;
}

export interface MeasureRequest {
  model: CatalogModel;
  /** The device the user chose (auto: where the router would run it). */
  device: DevicePreference;
  /** The variants whose files are on this device: only those are measured, nothing downloads. */
  downloaded: ReadonlySet<Dtype>;
  /** "Measure again": measure even when a measurement exists. */
  again: boolean;
  /** Skip (or the load's cancel) stops measuring; the load then goes on without a measurement. */
  skip: AbortSignal;
  /** Each step, as load progress. */
  onStep: (step: ProbeStep) => void;
}

/**
 * Measures and keeps the result when this is the first load here with an automatic variant (or
 * `again`); says in a notice why nothing was compared or kept. Never rejects; resolves with
 * whether it measured (or tried to), so the caller knows its steps showed as progress.
 */
export async function measureBeforeLoad(deps: MeasureDeps, request: MeasureRequest): Promise<boolean> {
  const { model, again } = request;
  const { measurements, notices } = deps;
  const plan = probePlan(model, deps.capabilities, request.device, request.downloaded);
  if (!plan) return false;
  const fingerprint = measurements.fingerprint(plan.device);
  if (!fingerprint || (!again && measurements.get(model, plan.device))) return false;
  if (plan.dtypes.length < 2) {
    const missing = plan.notDownloaded.length ? ` (${plan.notDownloaded.join(', ')} would download first; a measurement never does)` : '';
    if (again)
      notices.notify(
        'info',
        `${model.name}: nothing to compare, only ${plan.dtypes.join(', ') || 'no variant'} is on this device${missing}.`,
      );
    return false;
  }
  try {
    const load = (d: Dtype, s: AbortSignal, onProgress: (p: LoadProgress) => void) =>
      deps.router.load(model, { device: plan.device, dtype: d, gatewayFallback: false }, { signal: s, onProgress }).then((r) => r.engine);
    const results = await probeVariants(plan.device, plan.dtypes, load, request.skip, request.onStep);
    if (results.filter((r) => r.decodeTokensPerSec !== null).length >= 2) {
      measurements.save({
        modelId: model.id,
        revision: modelRevision(model),
        device: plan.device,
        fingerprint,
        measuredAt: Date.now(),
        results,
      });
    } else {
      const why = results.flatMap((r) => (r.error ? [`${r.dtype}: ${r.error}`] : [])).join('; ');
      notices.notify('warning', `The variants of ${model.name} could not be compared (${why}); it loads in the usual order.`);
    }
  } catch (error) {
    // Skipped or cancelled: nothing is kept, and the next load measures again.
    if (!isAbortError(error))
      notices.notify('warning', `Measuring the variants of ${model.name} failed (${errorMessage(error)}); it loads in the usual order.`);
  }
  return true;
}
