/**
 * Loading the selected model through the router, and what follows when that goes wrong: a hub
 * download that waits for a yes, a load the user cancels, a device that fails under a loaded
 * model. Only the latest load counts: each has its own AbortController, and what an older one
 * reports after a newer one started is dropped.
 */
import { modelFileUrls } from '../catalog/catalog';
import type { CatalogModel } from '../catalog/schema';
import { WorkerCrashedError, isAbortError } from '../engine/errors';
import type { Route } from '../engine/router';
import type { Playground, PlaygroundServices, SelectOptions } from './playground';
import { savePreferences, type Preferences } from './preferences';
import { recoveryOffers, type FailedRun, type RecoveryOffer } from '../placement/recovery-offers';
import { faultedLoad } from './recovery';
import { errorMessage } from '../errors/error-message';

/** The playground state the loader reads and writes, and the services it loads through. */
export interface ModelLoaderDeps {
  playground: Pick<Playground, 'catalog' | 'capabilities' | 'preferences' | 'gateway' | 'load' | 'selectedModel' | 'notify' | 'stop'>;
  services: Pick<PlaygroundServices, 'router' | 'cachedUrls' | 'baseUrl'>;
  changed: () => void;
  /** True (after telling the user why) when the engine is held by something else. */
  held: () => boolean;
}

/** Loads the selected model through the router; only the latest load counts. */
export class ModelLoader {
  private loadAbort: AbortController | null = null;
  private loadPromise: Promise<Route | null> | null = null;

  constructor(private readonly deps: ModelLoaderDeps) {}

  /** The load in progress, which a prompt sent meanwhile waits for; null when none is. */
  get pending(): Promise<Route | null> | null {
    return this.loadPromise;
  }

  async isDownloaded(model: CatalogModel): Promise<boolean> {
    if (model.source.kind !== 'hub' && model.source.kind !== 'local') return true;
    try {
      const cached = await this.deps.services.cachedUrls();
      const { baseUrl } = this.deps.services;
      const { hubUrl } = this.deps.playground.preferences;
      return model.variants.some((v) => modelFileUrls(model, v.dtype, baseUrl, hubUrl).every((url) => cached.has(url)));
    } catch {
      return false;
    }
  }

  async selectModel(modelId: string, options: SelectOptions = {}): Promise<Route | null> {
    const p = this.deps.playground;
    const model = p.catalog.find((m) => m.id === modelId);
    if (!model) {
      p.notify('error', `Unknown model "${modelId}".`);
      return null;
    }
    if (this.deps.held()) return null;
    p.stop();
    this.loadAbort?.abort();
    const abort = new AbortController();
    this.loadAbort = abort;
    p.preferences = { ...p.preferences, modelId };
    savePreferences(p.preferences);
    p.load = { kind: 'loading', modelId, progress: null };
    this.deps.changed();
    // Gigabytes are never fetched because a picker changed: a hub model waits for a yes. An
    // imported model has nowhere to download from: without its stored files it cannot load.
    const local = model.source.kind === 'local';
    if ((!options.download || local) && !(await this.isDownloaded(model))) {
      if (this.loadAbort !== abort) return null;
      p.load = local
        ? { kind: 'error', modelId, message: `The imported files of ${model.name} are no longer stored in this browser. Import the folder again.` }
        : { kind: 'confirm', modelId };
      this.loadPromise = null;
      this.deps.changed();
      return null;
    }
    if (this.loadAbort !== abort) return null;
    p.load = { kind: 'loading', modelId, progress: null };
    this.deps.changed();
    const promise = this.deps.services.router
      .load(model, { ...p.preferences, gatewayFallback: p.gateway.fallback }, {
        signal: abort.signal,
        onProgress: (progress) => {
          if (this.loadAbort !== abort) return;
          p.load = { kind: 'loading', modelId, progress };
          this.deps.changed();
        },
      })
      .then((route) => {
        if (this.loadAbort !== abort) return null;
        p.load = { kind: 'ready', route };
        for (const problem of route.loaded.cacheProblems ?? []) p.notify('warning', problem);
        this.deps.changed();
        return route;
      })
      .catch((error: unknown) => {
        if (this.loadAbort !== abort || isAbortError(error)) return null;
        const faulted = faultedLoad(error, model);
        p.load = {
          kind: 'error',
          modelId,
          message: errorMessage(error),
          ...(faulted ? { recovery: this.offers(faulted) } : {}),
        };
        this.deps.changed();
        return null;
      });
    this.loadPromise = promise;
    return promise;
  }

  cancelLoad(): void {
    const p = this.deps.playground;
    if (p.load.kind !== 'loading') return;
    const modelId = p.load.modelId;
    this.loadAbort?.abort();
    this.loadAbort = null;
    this.loadPromise = null;
    const model = p.catalog.find((m) => m.id === modelId);
    p.load = model?.source.kind === 'hub' ? { kind: 'confirm', modelId } : { kind: 'idle' };
    p.notify('info', `Stopped loading ${model?.name ?? modelId}. Files that finished downloading stay cached; the rest will download again.`);
    this.deps.changed();
  }

  /** A new device or variant applies at once: the selected model loads again with it. */
  setRunPreference(change: Partial<Pick<Preferences, 'device' | 'dtype'>>): void {
    const p = this.deps.playground;
    if (this.deps.held()) return;
    p.preferences = { ...p.preferences, ...change };
    savePreferences(p.preferences);
    const model = p.selectedModel;
    if (model) void this.selectModel(model.id);
  }

  /** The ways on after `run`'s device failed, judged against the choice it came from. */
  private offers(run: FailedRun): RecoveryOffer[] {
    const p = this.deps.playground;
    return recoveryOffers(run, p.capabilities, p.preferences, p.gateway.baseUrl || null);
  }

  recover(offer: RecoveryOffer): void {
    if (offer.kind === 'wasm') this.setRunPreference({ device: 'wasm' });
    else if (offer.kind === 'variant') this.setRunPreference({ dtype: offer.dtype });
    else this.setRunPreference({ device: 'gateway' });
  }

  /**
   * The worker under `route` is gone (the engine has already killed it). A hung or vanished worker
   * is most likely a one-off: load the model again at once. A failed device would fail again the
   * same way: stop, say so, and offer WASM, a smaller variant or the gateway.
   */
  afterEngineFault(fault: Error, route: Route): void {
    const p = this.deps.playground;
    const current = p.load;
    if (current.kind !== 'ready' || current.route !== route) return;
    if (fault instanceof WorkerCrashedError) {
      void this.selectModel(route.model.id, { download: true });
      return;
    }
    const plan = route.plan;
    p.load = {
      kind: 'error',
      modelId: route.model.id,
      message: fault.message,
      recovery: plan ? this.offers({ model: route.model, device: plan.device, dtype: plan.dtype }) : [],
    };
    this.deps.changed();
  }
}
