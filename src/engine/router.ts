/**
 * The router decides where a model runs and always says why. It walks the device plans from
 * device-policy.ts (WebGPU f16 -> WebGPU f32 -> WASM) and falls back when a load fails,
 * collecting the reason for each step so the status line can explain the final choice.
 */
import type { CatalogModel } from '../catalog/schema';
import type { Capabilities } from './capabilities';
import { planBrowserRuns, type DevicePreference, type RunPlan } from './device-policy';
import { DeviceUnavailableError, isAbortError } from './errors';
import type { Engine, LoadOptions, LoadedModel, ModelRef } from './types';

export interface RunPreferences {
  device: DevicePreference;
  dtype: CatalogModel['variants'][number]['dtype'] | 'auto';
}

/** The outcome of routing: the engine to talk to, what it loaded, and the story of how. */
export interface Route {
  engine: Engine;
  model: CatalogModel;
  loaded: LoadedModel;
  plan: RunPlan;
  /** One line: "WASM · 2 threads, q4 — no WebGPU: …". */
  reason: string;
  /** Earlier attempts that failed, in words. */
  fallbacks: string[];
}

export interface RouterDeps {
  browser: Engine;
  capabilities: Capabilities;
  /** Builds the engine-level reference (file URLs, expected sizes) for a catalog model. */
  toModelRef: (model: CatalogModel, plan: RunPlan) => ModelRef;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Router {
  private route: Route | null = null;

  constructor(private readonly deps: RouterDeps) {}

  get active(): Route | null {
    return this.route;
  }

  async load(model: CatalogModel, prefs: RunPreferences, options: LoadOptions = {}): Promise<Route> {
    this.route = null;
    const { plans, ruledOut } = planBrowserRuns(model.variants, this.deps.capabilities, prefs.device, prefs.dtype);
    // One attempt per device: a WebGPU failure is rarely cured by another WebGPU dtype.
    const attempts = plans.filter((p, i) => plans.findIndex((q) => q.device === p.device) === i);
    const fallbacks: string[] = [];
    for (const plan of attempts) {
      try {
        const loaded = await this.deps.browser.load(this.deps.toModelRef(model, plan), options);
        const reason = fallbacks.length ? `${plan.reason}; after: ${fallbacks.join('; ')}` : plan.reason;
        this.route = { engine: this.deps.browser, model, loaded, plan, reason, fallbacks };
        return this.route;
      } catch (error) {
        if (isAbortError(error)) throw error;
        fallbacks.push(`${plan.device === 'webgpu' ? 'WebGPU' : 'WASM'} ${plan.dtype} failed: ${message(error)}`);
      }
    }
    const why = [...ruledOut, ...fallbacks];
    throw new DeviceUnavailableError(
      `${model.name} cannot run in this browser${why.length ? `: ${why.join('; ')}` : ''}. ` +
        (prefs.device === 'auto' ? 'Try a smaller model.' : 'Try another device in the model settings.'),
      { modelId: model.id },
    );
  }
}
