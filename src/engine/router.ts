/**
 * The router decides where a model runs and always says why. This is where the fallback is
 * decided: it walks the plans of the placement verdict (placement/verdict.ts: WebGPU f16 ->
 * WebGPU f32 -> WASM, minus every run the verdict blocks, which is never tried), falls back when
 * a load fails, and finally hands the model to the gateway when the browser cannot run it at all
 * (no adapter, no shader-f16 for an f16-only model, too big, load error) — or directly, when the
 * model only exists on a gateway or the user chose the gateway.
 */
import type { CatalogModel } from '../catalog/schema';
import type { Capabilities } from '../placement/snapshot';
import type { RunChoice, RunPlan } from '../placement/plans';
import { placeModel } from '../placement/verdict';
import { DeviceFaultError, DeviceUnavailableError, ModelLoadError, isAbortError } from './errors';
import type { ChatEngine, Engine, GatewayModelRef, LoadOptions, LoadedModel, ModelRef } from './engine-types';
import { errorMessage } from '../errors/error-message';

/** The user's run choice (device, variant; the speeds measured here), and whether the gateway may step in. */
export interface RunPreferences extends RunChoice {
  /** Whether a model the browser cannot run may go to the gateway on its own. */
  gatewayFallback: boolean;
}

/** The outcome of routing: the engine to talk to, what it loaded, and the story of how. */
export interface Route {
  engine: ChatEngine;
  model: CatalogModel;
  loaded: LoadedModel;
  /** The browser plan that worked; null when the gateway answers. */
  plan: RunPlan | null;
  /** One line: "WASM · 2 threads, q4 — no WebGPU: …" or "gateway — you chose the gateway". */
  reason: string;
  /** Earlier attempts that failed, in words. */
  fallbacks: string[];
}

/** The engines to route between, the snapshot to place by, and how to build engine references. */
export interface RouterDeps {
  browser: Engine;
  gateway: Engine<GatewayModelRef> | null;
  capabilities: Capabilities;
  /** Builds the engine-level reference (file URLs, expected sizes) for a catalog model. */
  toModelRef: (model: CatalogModel, plan: RunPlan) => ModelRef;
  toGatewayRef: (model: CatalogModel) => GatewayModelRef;
}

/** Loads a model where the placement verdict says it can run, and remembers the route. */
export class Router {
  private route: Route | null = null;

  constructor(private readonly deps: RouterDeps) {}

  get active(): Route | null {
    return this.route;
  }

  /** Frees what the last route loaded in the browser (a gateway keeps its models: others may use them). */
  async release(): Promise<void> {
    this.route = null;
    await this.deps.browser.unload();
  }

  async load(model: CatalogModel, prefs: RunPreferences, options: LoadOptions = {}): Promise<Route> {
    this.route = null;
    if (model.source.kind === 'gateway') {
      return this.viaGateway(model, options, `${model.name} runs only on a gateway (no in-browser build)`, []);
    }
    if (prefs.device === 'gateway') return this.viaGateway(model, options, 'you chose the gateway', []);

    // The same verdict the model panel shows: a run it blocks is ruled out here, not tried.
    const { plans, ruledOut } = placeModel(model, this.deps.capabilities, prefs);
    // One attempt per device: a WebGPU failure is rarely cured by another WebGPU dtype.
    const attempts = plans.filter((p, i) => plans.findIndex((q) => q.device === p.device) === i);
    const fallbacks: string[] = [];
    // When the last attempt failed because its device did (lost GPU, out of memory), the page
    // offers recovery for that run rather than just "try another device".
    let faulted: { faultDevice: string; faultDtype: string } | null = null;
    // Whether every attempt failed on a download (the network, a refused CDN, a corrupt file).
    let downloads = attempts.length > 0;
    for (const plan of attempts) {
      try {
        const loaded = await this.deps.browser.load(this.deps.toModelRef(model, plan), options);
        const reason = fallbacks.length ? `${plan.reason}; after: ${fallbacks.join('; ')}` : plan.reason;
        this.route = { engine: this.deps.browser, model, loaded, plan, reason, fallbacks };
        return this.route;
      } catch (error) {
        if (isAbortError(error)) throw error;
        faulted = error instanceof DeviceFaultError ? { faultDevice: plan.device, faultDtype: plan.dtype } : null;
        if (!(error instanceof ModelLoadError && error.details['download'] === true)) downloads = false;
        fallbacks.push(`${plan.device === 'webgpu' ? 'WebGPU' : 'WASM'} ${plan.dtype} failed: ${errorMessage(error)}`);
      }
    }

    // Each reason is a sentence of its own; joined, their final periods would double up.
    const why = [...ruledOut, ...fallbacks].map((w) => w.replace(/\.+$/, ''));
    const browserStory = `${model.name} cannot run in this browser${why.length ? `: ${why.join('; ')}` : ''}`;
    if (this.deps.gateway && prefs.gatewayFallback && prefs.device === 'auto') {
      try {
        return await this.viaGateway(model, options, `the browser cannot run it (${why.join('; ') || 'no usable device'})`, fallbacks);
      } catch (error) {
        if (isAbortError(error)) throw error;
        throw new DeviceUnavailableError(`${browserStory}. The gateway fallback failed too: ${errorMessage(error)}`, {
          modelId: model.id,
          ...faulted,
        });
      }
    }
    // A device fault's own message already says what to try, and the page offers it as buttons.
    const advice = faulted
      ? ''
      : downloads
        ? ' Nothing of the failed file was kept: try again.'
        : prefs.device === 'auto'
          ? ' Try a smaller model, or run it on a gateway (connection settings).'
          : ' Try another device in the model settings.';
    throw new DeviceUnavailableError(`${browserStory}.${advice}`, { modelId: model.id, ...faulted });
  }

  private async viaGateway(model: CatalogModel, options: LoadOptions, why: string, fallbacks: string[]): Promise<Route> {
    const gateway = this.deps.gateway;
    if (!gateway) {
      throw new DeviceUnavailableError(`${model.name} needs a gateway, and none is set up. Add one in the connection settings.`, {
        modelId: model.id,
      });
    }
    const loaded = await gateway.load(this.deps.toGatewayRef(model), options);
    this.route = { engine: gateway, model, loaded, plan: null, reason: `on the gateway: ${why}`, fallbacks };
    return this.route;
  }
}
