/**
 * A model slot: one engine (behind its own Router), the model it runs, and that model's load
 * state. The chat answers with the primary slot. A second slot (a draft model beside a refine
 * model, or two models side by side) is a second ModelSlot with a Router of its own, i.e. its own
 * BrowserEngine and worker (main.ts builds them), and its own RunChoiceStore; nothing here is
 * shared between slots but the catalog, the gateway settings and the notices.
 *
 * Loading goes through the router, and so does what follows when that goes wrong: a hub download
 * that waits for a yes, a load the user cancels, a device that fails under a loaded model. Only
 * the latest load counts (Latest): what an older one reports after a newer one started is dropped.
 *
 * The first load of a model on a device with an automatic variant measures its variants first
 * (variant-probe.ts), as part of the load: its steps are the load's progress, Cancel stops both,
 * and the router then places the model by what was measured (variant-measurements.ts).
 */
import { modelFileUrls } from '../catalog/catalog';
import { isEmbeddingModel, type CatalogModel, type Dtype } from '../catalog/schema';
import type { LoadProgress } from '../engine/engine-types';
import { WorkerCrashedError, isAbortError } from '../engine/errors';
import type { Route, Router } from '../engine/router';
import { errorMessage } from '../errors/error-message';
import { EngineHold } from './engine-hold';
import type { GatewayConnection } from './gateway-connection';
import { Latest } from './latest';
import type { ModelCatalog } from './model-catalog';
import type { Notices } from './notices';
import { Notifier } from './notifier';
import type { Capabilities } from '../engine/capabilities';
import type { RunChoice, RunChoiceStore } from './preferences';
import { recoveryOffers, type FailedRun, type RecoveryOffer } from '../placement/fault-offers';
import { faultedLoad } from './recovery';
import type { Settings } from './settings';
import { measureBeforeLoad } from './measure-before-load';
import type { ProbeStep } from './variant-probe';
import type { VariantMeasurements } from './variant-measurements';

export type LoadState =
  | { kind: 'idle' }
  /** A hub model not in the cache yet: nothing downloads until the user says so. */
  | { kind: 'confirm'; modelId: string }
  /** `measuring`: set while the variants are measured before the real load (variant-probe.ts). */
  | { kind: 'loading'; modelId: string; progress: LoadProgress | null; measuring?: ProbeStep }
  | { kind: 'ready'; route: Route }
  /** `recovery`: what to try instead, after the device under the model failed. */
  | { kind: 'error'; modelId: string; message: string; recovery?: RecoveryOffer[] };

export interface SelectOptions {
  /** The user agreed to download a hub model that is not cached. */
  download?: boolean;
  /** "Measure again": measure the variants first even when a measurement exists or a variant was chosen. */
  measureAgain?: boolean;
}

export interface ModelSlotDeps {
  /** The engine pair this slot loads into; a second slot needs a Router (and BrowserEngine) of its own. */
  router: Pick<Router, 'load' | 'release'>;
  /** Which model this slot runs and where; the primary slot's is the saved preferences. */
  choice: RunChoiceStore;
  catalog: Pick<ModelCatalog, 'models' | 'verifyHubModel'>;
  settings: Pick<Settings, 'preferences'>;
  gateway: Pick<GatewayConnection, 'settings'>;
  /** The variant measurements made on this device, which the router places models by. */
  measurements: Pick<VariantMeasurements, 'fingerprint' | 'get' | 'save' | 'speedsFor'>;
  notices: Pick<Notices, 'notify'>;
  /** What this device can run: recovery offers are judged against it. */
  capabilities: Capabilities;
  /** URLs of the files in the weight cache. */
  cachedUrls: () => Promise<Set<string>>;
  /** The app's base URL, which bundled and imported model paths are relative to. */
  baseUrl: string;
}

export class ModelSlot extends Notifier {
  /** Who may use this slot's engine (the benchmark takes it). */
  readonly hold: EngineHold;
  private state: LoadState = { kind: 'idle' };
  private readonly loads = new Latest();
  private loadPromise: Promise<Route | null> | null = null;
  private readonly claims = new Set<() => void>();
  /** Stops the measurement in progress, and only it: the load goes on without one. */
  private probeSkip: AbortController | null = null;

  constructor(private readonly deps: ModelSlotDeps) {
    super();
    this.hold = new EngineHold({ notices: deps.notices, interrupt: () => this.interrupt() });
  }

  get load(): LoadState {
    return this.state;
  }

  /** The model chosen for this slot; a bundled one when that is not (or no longer) in the catalog. */
  get selected(): CatalogModel | undefined {
    const id = this.deps.choice.run.modelId;
    // An embedding model never answers: a choice of one (an old preference) falls back like a missing one.
    const models = this.deps.catalog.models.filter((m) => !isEmbeddingModel(m));
    return models.find((m) => m.id === id) ?? models.find((m) => m.source.kind === 'bundled');
  }

  /** Which model this slot runs, on which device and in which variant, as chosen. */
  get runChoice(): RunChoice {
    return this.deps.choice.run;
  }

  /** The load in progress, which a prompt sent meanwhile waits for; null when none is. */
  get pending(): Promise<Route | null> | null {
    return this.loadPromise;
  }

  /**
   * The route to answer with: the loaded model's, or the load in progress once it is done. Throws
   * in words when there is none (the load failed, a download waits for a yes, nothing is loaded).
   */
  async readyRoute(): Promise<Route> {
    const route = this.state.kind === 'ready' ? this.state.route : await this.loadPromise;
    if (route) return route;
    const load = this.state;
    if (load.kind === 'error') throw new Error(load.message);
    if (load.kind === 'confirm')
      throw new Error(`${this.selected?.name ?? 'This model'} is not downloaded yet: start the download in the model panel.`);
    throw new Error('No model is loaded. Pick a model first.');
  }

  /**
   * Marks the engine as in use (an answer streams from it) until the returned release is called.
   * Loading another model and taking the hold call `stop` first.
   */
  claim(stop: () => void): () => void {
    this.claims.add(stop);
    return () => this.claims.delete(stop);
  }

  private interrupt(): void {
    for (const stop of [...this.claims]) stop();
  }

  private set(load: LoadState): void {
    this.state = load;
    this.changed();
  }

  /** Whether every file of at least one variant is in the weight cache (always true for bundled and gateway models). */
  async isDownloaded(model: CatalogModel): Promise<boolean> {
    if (model.source.kind !== 'hub' && model.source.kind !== 'local') return true;
    return (await this.downloadedVariants(model)).size > 0;
  }

  /** The variants whose every file is on this device: all of a bundled model's, the cached ones of others. */
  async downloadedVariants(model: CatalogModel): Promise<Set<Dtype>> {
    const dtypes = model.variants.map((v) => v.dtype);
    if (model.source.kind !== 'hub' && model.source.kind !== 'local') return new Set(dtypes);
    try {
      const cached = await this.deps.cachedUrls();
      const { baseUrl } = this.deps;
      const { hubUrl } = this.deps.settings.preferences;
      return new Set(dtypes.filter((d) => modelFileUrls(model, d, baseUrl, hubUrl).every((url) => cached.has(url))));
    } catch {
      return new Set();
    }
  }

  async selectModel(modelId: string, options: SelectOptions = {}): Promise<Route | null> {
    const model = this.deps.catalog.models.find((m) => m.id === modelId);
    if (!model) {
      this.deps.notices.notify('error', `Unknown model "${modelId}".`);
      return null;
    }
    if (this.hold.refuses()) return null;
    this.interrupt();
    const signal = this.loads.start();
    this.deps.choice.setRun({ modelId });
    this.set({ kind: 'loading', modelId, progress: null });
    // Gigabytes are never fetched because a picker changed: a hub model waits for a yes. An
    // imported model has nowhere to download from: without its stored files it cannot load.
    const local = model.source.kind === 'local';
    if ((!options.download || local) && !(await this.isDownloaded(model))) {
      if (!this.loads.isCurrent(signal)) return null;
      this.loadPromise = null;
      this.set(
        local
          ? {
              kind: 'error',
              modelId,
              message: `The imported files of ${model.name} are no longer stored in this browser. Import the folder again.`,
            }
          : { kind: 'confirm', modelId },
      );
      return null;
    }
    if (!this.loads.isCurrent(signal)) return null;
    const target = model.source.kind === 'hub' ? await this.checkWithHub(model, signal) : model;
    if (!target || !this.loads.isCurrent(signal)) return null;
    const again = options.measureAgain ?? false;
    // One promise for measuring and loading: a prompt sent meanwhile waits for the model that runs.
    const promise =
      again || this.measuresFirst()
        ? this.measureVariants(target, signal, again).then(() =>
            this.loads.isCurrent(signal) ? this.routeLoad(model, target, signal) : null,
          )
        : this.routeLoad(model, target, signal);
    this.loadPromise = promise;
    return promise;
  }

  /** Loads `target` (the catalog's `model`, as checked with the hub) where the router places it, and keeps the outcome as the load state. */
  private routeLoad(model: CatalogModel, target: CatalogModel, signal: AbortSignal): Promise<Route | null> {
    const modelId = model.id;
    const { device, dtype } = this.deps.choice.run;
    const measured = this.deps.measurements.speedsFor(target);
    return this.deps.router
      .load(
        target,
        { device, dtype, gatewayFallback: this.deps.gateway.settings.fallback, measured },
        {
          signal,
          onProgress: (progress) => {
            if (this.loads.isCurrent(signal)) this.set({ kind: 'loading', modelId, progress });
          },
        },
      )
      .then((route) => {
        if (!this.loads.isCurrent(signal)) return null;
        this.set({ kind: 'ready', route });
        for (const problem of route.loaded.cacheProblems ?? []) this.deps.notices.notify('warning', problem);
        return route;
      })
      .catch((error: unknown) => {
        if (!this.loads.isCurrent(signal) || isAbortError(error)) return null;
        const faulted = faultedLoad(error, model);
        this.set({
          kind: 'error',
          modelId,
          message: errorMessage(error),
          ...(faulted ? { recovery: this.offers(faulted) } : {}),
        });
        return null;
      });
  }

  /**
   * A hub model as the hub has it (see ModelCatalog.verifyHubModel), saying where the catalog
   * disagreed. When the hub cannot be read, a model whose files are all stored still loads from
   * them; one that would need a download fails, with the hub's reason. Null: the slot says why.
   */
  private async checkWithHub(model: CatalogModel, signal: AbortSignal): Promise<CatalogModel | null> {
    try {
      const checked = await this.deps.catalog.verifyHubModel(model.id, signal);
      if (checked.readNow && checked.disagreements.length > 0) {
        this.deps.notices.notify(
          'warning',
          `The hub's files of ${model.name} differ from the catalog; the hub's are used. ${checked.disagreements.join(' ')}`,
        );
      }
      return checked.model;
    } catch (error) {
      if (!this.loads.isCurrent(signal) || isAbortError(error)) return null;
      if (await this.isDownloaded(model)) return model;
      this.loadPromise = null;
      this.set({ kind: 'error', modelId: model.id, message: errorMessage(error) });
      return null;
    }
  }

  /** Whether a load measures the variants first, unless measured already: an automatic variant, and measuring on. */
  private measuresFirst(): boolean {
    return this.deps.choice.run.dtype === 'auto' && this.deps.settings.preferences.measureVariants;
  }

  /**
   * Measures the variants of `model` before it loads, when measure-before-load.ts says so; Skip
   * (skipMeasuring) stops only this, the load's own cancel stops both. Never rejects.
   */
  private async measureVariants(model: CatalogModel, signal: AbortSignal, again: boolean): Promise<void> {
    const downloaded = await this.downloadedVariants(model);
    if (!this.loads.isCurrent(signal)) return;
    const skip = new AbortController();
    const stop = (): void => skip.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.probeSkip = skip;
    let measured: boolean;
    try {
      measured = await measureBeforeLoad(this.deps, {
        model,
        device: this.deps.choice.run.device,
        downloaded,
        again,
        skip: skip.signal,
        onStep: (step) => {
          if (this.loads.isCurrent(signal)) this.set({ kind: 'loading', modelId: model.id, progress: step.progress, measuring: step });
        },
      });
    } finally {
      signal.removeEventListener('abort', stop);
      if (this.probeSkip === skip) this.probeSkip = null;
    }
    if (measured && this.loads.isCurrent(signal)) this.set({ kind: 'loading', modelId: model.id, progress: null });
  }

  /** Stops measuring the variants; the model loads at once, in the usual order, and is measured again next time. */
  skipMeasuring(): void {
    this.probeSkip?.abort();
  }

  /** Stops a model download or load; nothing partial is kept (only complete files are cached). */
  cancelLoad(): void {
    const load = this.state;
    if (load.kind !== 'loading') return;
    const modelId = load.modelId;
    this.loads.cancel();
    this.loadPromise = null;
    const model = this.deps.catalog.models.find((m) => m.id === modelId);
    this.set(model?.source.kind === 'hub' ? { kind: 'confirm', modelId } : { kind: 'idle' });
    this.deps.notices.notify(
      'info',
      `Stopped loading ${model?.name ?? modelId}. Files that finished downloading stay cached; the rest will download again.`,
    );
  }

  /**
   * Frees the model this slot holds (a compare column the user removed): answers from it stop, a
   * load in progress is dropped, the engine lets go of the model, and the slot is idle until asked
   * to load again.
   */
  async release(): Promise<void> {
    if (this.state.kind === 'idle' && !this.loadPromise) return;
    this.interrupt();
    this.loads.cancel();
    this.loadPromise = null;
    this.set({ kind: 'idle' });
    await this.deps.router.release();
  }

  /** A new device or variant applies at once: the selected model loads again with it. */
  setRunPreference(change: Partial<Pick<RunChoice, 'device' | 'dtype'>>): void {
    if (this.hold.refuses()) return;
    this.deps.choice.setRun(change);
    const model = this.selected;
    if (model) void this.selectModel(model.id);
  }

  /** The ways on after `run`'s device failed, judged against the choice it came from. */
  private offers(run: FailedRun): RecoveryOffer[] {
    return recoveryOffers(run, this.deps.capabilities, this.deps.choice.run, this.deps.gateway.settings.baseUrl || null);
  }

  /** Takes one of the offers made after a device fault: another device, variant, or the gateway. */
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
    const current = this.state;
    if (current.kind !== 'ready' || current.route !== route) return;
    if (fault instanceof WorkerCrashedError) {
      void this.selectModel(route.model.id, { download: true });
      return;
    }
    const plan = route.plan;
    this.set({
      kind: 'error',
      modelId: route.model.id,
      message: fault.message,
      recovery: plan ? this.offers({ model: route.model, device: plan.device, dtype: plan.dtype }) : [],
    });
  }
}
