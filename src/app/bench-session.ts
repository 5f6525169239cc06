/**
 * The benchmark tab's state and actions: the plan being edited, the run in progress, the saved
 * runs. Loads models through the same Router as the chat, then gives the chat its model back.
 * Emits `change` after every mutation, like the Playground.
 */
import { version } from '../../package.json';
import { defaultPlan } from '../bench/plan';
import { runBenchmark, type BenchProgress, type LoadedTarget } from '../bench/bench-runner';
import type { BenchEnvironment, BenchPlan, BenchRun, BenchTarget } from '../bench/bench-types';
import type { BenchStore } from '../cache/bench-store';
import type { Route, Router } from '../engine/router';
import type { Playground } from './playground';
import { errorMessage } from '../errors/error-message';

export interface BenchSessionDeps {
  playground: Playground;
  router: Router;
  store: BenchStore;
}

/** The bundled models on WASM: runs offline, on any machine. */
export const BUNDLED_PRESET: readonly BenchTarget[] = [
  { modelId: 'pocket-chat-1m', backend: 'wasm' },
  { modelId: 'pocket-chat-3m', backend: 'wasm' },
];

/**
 * phi-4-mini against gpt-oss-20b on the gateway, plus Phi-4-mini in the browser (WebGPU) and the
 * same catalog entry on the gateway through its alias, which gives "browser at N% of native".
 */
export const GATEWAY_PRESET: readonly BenchTarget[] = [
  { modelId: 'phi-4-mini', backend: 'gateway' },
  { modelId: 'gpt-oss-20b', backend: 'gateway' },
  { modelId: 'phi-4-mini-instruct', backend: 'webgpu' },
  { modelId: 'phi-4-mini-instruct', backend: 'gateway' },
];

/** Resolves once the playground is not loading a model. */
function settled(app: Playground): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (app.load.kind === 'loading') return;
      app.removeEventListener('change', check);
      resolve();
    };
    app.addEventListener('change', check);
    check();
  });
}

export class BenchSession extends EventTarget {
  plan: BenchPlan;
  runs: BenchRun[] = [];
  /** The run on screen: the one in progress, the last finished, or one reopened from history. */
  shown: BenchRun | null = null;
  progress: BenchProgress | null = null;
  running = false;
  /** The last problem (storage, import), in words; null when there is none. */
  problem: string | null = null;

  private abort: AbortController | null = null;

  constructor(private readonly deps: BenchSessionDeps) {
    super();
    this.plan = defaultPlan(this.available(BUNDLED_PRESET));
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  /** The preset's targets whose model is in the catalog (pocket-chat-3m may not be built yet). */
  available(targets: readonly BenchTarget[]): BenchTarget[] {
    return targets.filter((t) => this.deps.playground.catalog.some((m) => m.id === t.modelId));
  }

  setPlan(change: Partial<BenchPlan>): void {
    this.plan = { ...this.plan, ...change };
    this.changed();
  }

  async refresh(): Promise<void> {
    try {
      const { runs, skipped } = await this.deps.store.list();
      this.runs = runs;
      this.problem = skipped.length ? `${skipped.length} saved run(s) could not be read: ${skipped[0]!.problem}` : null;
      if (!this.shown && !this.running) this.shown = runs[0] ?? null;
    } catch (error) {
      this.problem = `Saved runs are unavailable: ${errorMessage(error)}`;
    }
    this.changed();
  }

  show(run: BenchRun): void {
    this.shown = run;
    this.changed();
  }

  async remove(id: string): Promise<void> {
    await this.deps.store.delete(id);
    if (this.shown?.id === id) this.shown = null;
    await this.refresh();
  }

  /** Adds an imported run to the history (saved like a measured one) and shows it. */
  async addImported(run: BenchRun): Promise<void> {
    await this.deps.store.save(run);
    this.shown = run;
    await this.refresh();
  }

  cancel(): void {
    this.abort?.abort();
  }

  /**
   * Measures the plan. A hub or imported model that is not in this browser's cache fails its
   * target with the reason, unless `download` is set (the headless driver: naming the model on
   * the command line is the consent): gigabytes never download because a benchmark started.
   */
  async run(options: { download?: boolean } = {}): Promise<BenchRun | null> {
    if (this.running) return null;
    const app = this.deps.playground;
    const previous = app.selectedModel?.id ?? null;
    // The chat and the benchmark share one engine: a running answer would skew the numbers, and
    // a model still loading for the chat would race the benchmark's first load.
    const release = app.hold('A benchmark is running');
    const abort = new AbortController();
    this.abort = abort;
    this.running = true;
    this.problem = null;
    this.progress = null;
    this.changed();
    await settled(app);
    let result: BenchRun | null = null;
    try {
      result = await runBenchmark(this.plan, {
        load: (target, signal) => this.load(target, signal, options.download ?? false),
        environment: this.environment(),
        baseParams: app.preferences.params,
        signal: abort.signal,
        onProgress: (progress) => {
          this.progress = progress;
          this.changed();
        },
        onSample: (run) => {
          this.shown = run;
          this.changed();
        },
      });
      this.shown = result;
      await this.deps.store.save(result);
    } catch (error) {
      this.problem = `The run could not be saved: ${errorMessage(error)}`;
    } finally {
      this.running = false;
      this.abort = null;
      release();
      this.changed();
    }
    await this.refresh();
    if (previous) void app.selectModel(previous);
    return result;
  }

  private async load(target: BenchTarget, signal: AbortSignal, allowDownload: boolean): Promise<LoadedTarget> {
    const model = this.deps.playground.catalog.find((m) => m.id === target.modelId);
    if (!model) throw new Error(`"${target.modelId}" is not in the catalog.`);
    const device = target.backend;
    if (device !== 'gateway' && !allowDownload && !(await this.deps.playground.isDownloaded(model))) {
      throw new Error(`${model.name} is not downloaded yet: download it from the model panel first (a benchmark never starts a download).`);
    }
    // A signal of its own for the load, cut loose once it is done: BrowserEngine keeps its abort
    // listener after a load, and a later Cancel would kill the worker under the running answer.
    const loadAbort = new AbortController();
    const forward = (): void => loadAbort.abort();
    signal.addEventListener('abort', forward, { once: true });
    let route: Route;
    try {
      route = await this.deps.router.load(model, { device, dtype: target.dtype ?? 'auto', gatewayFallback: false }, { signal: loadAbort.signal });
    } finally {
      signal.removeEventListener('abort', forward);
    }
    const variant = model.variants.find((v) => v.dtype === route.loaded.dtype);
    const files = route.loaded.backend === 'gateway' ? [] : [...model.files, ...(variant?.files ?? [])];
    return {
      engine: route.engine,
      loaded: route.loaded,
      files: files.map((f) => ({ path: f.path, sha256: f.sha256 ?? null })),
      notice: route.fallbacks.length ? route.reason : null,
    };
  }

  private environment(): BenchEnvironment {
    const caps = this.deps.playground.capabilities;
    return {
      userAgent: caps.userAgent,
      adapter: caps.webgpu
        ? { vendor: caps.webgpu.vendor, architecture: caps.webgpu.architecture, device: caps.webgpu.name, description: caps.webgpu.description }
        : null,
      hardwareConcurrency: caps.hardwareConcurrency,
      wasmThreads: caps.wasmThreads,
      crossOriginIsolated: caps.crossOriginIsolated,
      appVersion: version,
    };
  }
}
