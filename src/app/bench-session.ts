/**
 * The benchmark tab's state and actions: the plan being edited, the run in progress, the saved
 * runs. Loads models through the primary slot's Router, holding that slot's engine meanwhile,
 * then gives the chat its model back.
 */
import type { GpuBufferReading } from '../engine/worker/gpu-buffer-meter';
import { defaultPlan } from '../bench/plan';
import { runBenchmark, type BenchProgress, type LoadedTarget } from '../bench/bench-runner';
import type { BenchEnvironment, BenchPlan, BenchRun, BenchTarget } from '../bench/bench-types';
import { BenchGrounding, type BenchGroundingDeps } from './bench-grounding';
import type { BenchStore } from '../cache/bench-store';
import type { Capabilities } from '../engine/capabilities';
import type { Route, Router } from '../engine/router';
import { errorMessage } from '../errors/error-message';
import type { ModelCatalog } from './model-catalog';
import type { ModelSlot } from './model-slot';
import { Notifier } from './notifier';
import type { Settings } from './settings';
import type { VariantMeasurements } from './variant-measurements';
import { checkTemplate } from '../bench/judge-prompt';
import { judgeRun, type JudgeProgress } from '../bench/judge-runner';
import { gradeByHand } from '../bench/rubric-hand';
import type { Criterion } from '../bench/rubric-types';
import type { WeightIndex } from './cache-manager';
import { measurePageMemory, type PageMemoryReading } from './page-memory';
import { judgeChoiceStore } from './judge-settings';
import { measureTargetResources } from './target-resources';
import { benchEnvironment, loadBenchTarget } from './bench-target-load';

export interface BenchSessionDeps {
  /** The slot whose engine the benchmark borrows (the chat's), and whose model it restores. */
  slot: Pick<ModelSlot, 'load' | 'selected' | 'selectModel' | 'isDownloaded' | 'hold' | 'subscribe'>;
  /** That slot's router: the benchmark loads its targets into the same engine. */
  router: Pick<Router, 'load'>;
  catalog: Pick<ModelCatalog, 'models'>;
  settings: Pick<Settings, 'preferences'>;
  capabilities: Capabilities;
  /** Variant speeds measured here: a target with an automatic variant runs the one the chat would. */
  measurements: Pick<VariantMeasurements, 'speedsFor'>;
  store: Pick<BenchStore, 'list' | 'save' | 'delete'>;
  /** The weight cache's index: a target's disk footprint is what it holds of the variant that ran. */
  weights: Pick<WeightIndex, 'list'>;
  /** The app's base URL, which bundled model paths are relative to. */
  baseUrl: string;
  /** The page's memory (default: performance.measureUserAgentSpecificMemory, where the browser has it). */
  pageMemory?: () => Promise<PageMemoryReading>;
  /** The gateway process's resident memory, where the gateway reports it. */
  gatewayMemory?: (signal: AbortSignal) => Promise<number | null>;
  /** The WebGPU buffers of the engine the benchmark runs on (its inference worker counts them). */
  gpuMemory?: () => Promise<GpuBufferReading | null>;
  /** Where the judge and its prompt are kept (default: localStorage; null: this session only). */
  judgeStorage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Retrieval for grounded prompts (the chat's retrieval worker); without it their RAG-on requests fail, saying so. */
  grounding?: Omit<BenchGroundingDeps, 'runId'>;
}

/** The bundled models on WASM: runs offline, on any machine. */
export const BUNDLED_PRESET: readonly BenchTarget[] = [
  { modelId: 'pocket-chat-1m', backend: 'wasm' },
  { modelId: 'pocket-chat-3m', backend: 'wasm' },
];

/**
 * phi-4-mini against gpt-oss-20b, each in the browser (WebGPU) and on the gateway: the same
 * catalog entry reaches the gateway through its Foundry alias, which gives "browser at N% of
 * native" for each model and the two models side by side on each backend.
 */
export const GATEWAY_PRESET: readonly BenchTarget[] = [
  { modelId: 'phi-4-mini-instruct', backend: 'webgpu' },
  { modelId: 'phi-4-mini-instruct', backend: 'gateway' },
  { modelId: 'gpt-oss-20b-onnx', backend: 'webgpu' },
  { modelId: 'gpt-oss-20b-onnx', backend: 'gateway' },
];

/** Resolves once the slot is not loading a model. */
function settled(slot: BenchSessionDeps['slot']): Promise<void> {
  const idle = (): boolean => slot.load.kind !== 'loading';
  if (idle()) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = slot.subscribe(() => {
      if (!idle()) return;
      unsubscribe();
      resolve();
    });
  });
}

interface BenchState {
  plan: BenchPlan;
  runs: BenchRun[];
  /** The run on screen: the one in progress, the last finished, or one reopened from history. */
  shown: BenchRun | null;
  progress: BenchProgress | null;
  running: boolean;
  /** The last problem (storage, import), in words; null when there is none. */
  problem: string | null;
  /** The judge model that grades answers after a run (and on demand); null: graded by hand only. */
  judge: BenchTarget | null;
  /** The judge's prompt (judge-prompt.ts placeholders). */
  judgeTemplate: string;
  /** Where the judge is while it grades; null otherwise. */
  judging: JudgeProgress | null;
}

export class BenchSession extends Notifier {
  private state: BenchState;
  private abort: AbortController | null = null;
  private readonly judgeStore: ReturnType<typeof judgeChoiceStore>;

  constructor(private readonly deps: BenchSessionDeps) {
    super();
    this.judgeStore = judgeChoiceStore(deps.judgeStorage);
    const chosen = this.judgeStore.load();
    this.state = {
      plan: defaultPlan(this.available(BUNDLED_PRESET)),
      runs: [],
      shown: null,
      progress: null,
      running: false,
      problem: null,
      judge: chosen.judge,
      judgeTemplate: chosen.template,
      judging: null,
    };
  }

  get plan(): BenchPlan {
    return this.state.plan;
  }
  /** Saved runs, newest first. */
  get runs(): readonly BenchRun[] {
    return this.state.runs;
  }
  get shown(): BenchRun | null {
    return this.state.shown;
  }
  get progress(): BenchProgress | null {
    return this.state.progress;
  }
  get running(): boolean {
    return this.state.running;
  }
  get problem(): string | null {
    return this.state.problem;
  }
  get judge(): BenchTarget | null {
    return this.state.judge;
  }
  get judgeTemplate(): string {
    return this.state.judgeTemplate;
  }
  get judging(): JudgeProgress | null {
    return this.state.judging;
  }

  /** Picks the judge (null: none) and its prompt; a template without the answer's placeholder is refused, saying why. */
  setJudge(change: { judge?: BenchTarget | null; template?: string }): void {
    if (change.template !== undefined) checkTemplate(change.template);
    this.set({
      judge: change.judge === undefined ? this.state.judge : change.judge,
      judgeTemplate: change.template ?? this.state.judgeTemplate,
    });
    this.judgeStore.save({ judge: this.state.judge, template: this.state.judgeTemplate });
  }

  /** Grades one criterion of an answer of the shown run by hand (null clears it), and saves the run. */
  async grade(answerKey: string, criterion: Criterion, grade: number | null): Promise<void> {
    const shown = this.state.shown;
    if (!shown || this.state.running) return;
    const run = gradeByHand(shown, answerKey, criterion, grade);
    this.set({ shown: run });
    try {
      await this.deps.store.save(run);
    } catch (error) {
      this.set({ problem: `The grade could not be saved: ${errorMessage(error)}` });
    }
    await this.refreshKeepingProblem();
  }

  /** Grades the shown run's answers with the judge (those graded by hand are kept), then saves it. */
  async judgeShown(options: { download?: boolean } = {}): Promise<BenchRun | null> {
    const shown = this.state.shown;
    if (this.state.running || !shown || !this.state.judge) return null;
    return this.exclusive(async (signal) => {
      const run = await this.judgeAnswers(shown, signal, options.download ?? false);
      await this.deps.store.save(run);
      return run;
    });
  }

  private set(change: Partial<BenchState>): void {
    this.state = { ...this.state, ...change };
    this.changed();
  }

  /** The preset's targets whose model is in the catalog (pocket-chat-3m may not be built yet). */
  available(targets: readonly BenchTarget[]): BenchTarget[] {
    return targets.filter((t) => this.deps.catalog.models.some((m) => m.id === t.modelId));
  }

  setPlan(change: Partial<BenchPlan>): void {
    this.set({ plan: { ...this.state.plan, ...change } });
  }

  async refresh(): Promise<void> {
    try {
      const { runs, skipped } = await this.deps.store.list();
      const { shown, running } = this.state;
      this.set({
        runs,
        problem: skipped.length ? `${skipped.length} saved run(s) could not be read: ${skipped[0]!.problem}` : null,
        shown: !shown && !running ? (runs[0] ?? null) : shown,
      });
    } catch (error) {
      this.set({ problem: `Saved runs are unavailable: ${errorMessage(error)}` });
    }
  }

  /** refresh(), keeping the problem the action before it had (refresh alone clears it). */
  private async refreshKeepingProblem(): Promise<void> {
    const problem = this.state.problem;
    await this.refresh();
    if (problem && !this.state.problem) this.set({ problem });
  }

  show(run: BenchRun): void {
    this.set({ shown: run });
  }

  async remove(id: string): Promise<void> {
    await this.deps.store.delete(id);
    if (this.state.shown?.id === id) this.state = { ...this.state, shown: null };
    await this.refresh();
  }

  /** Adds an imported run to the history (saved like a measured one) and shows it. */
  async addImported(run: BenchRun): Promise<void> {
    await this.deps.store.save(run);
    this.state = { ...this.state, shown: run };
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
    if (this.state.running) return null;
    const { slot } = this.deps;
    const previous = slot.selected?.id ?? null;
    // The chat and the benchmark share one engine: a running answer would skew the numbers, and
    // a model still loading for the chat would race the benchmark's first load.
    const release = slot.hold.take('A benchmark is running');
    const abort = new AbortController();
    this.abort = abort;
    this.set({ running: true, problem: null, progress: null });
    await settled(slot);
    let result: BenchRun | null = null;
    const runId = `run-${Date.now()}`;
    const grounding = this.deps.grounding ? new BenchGrounding({ ...this.deps.grounding, runId }) : null;
    try {
      result = await runBenchmark(this.state.plan, {
        id: runId,
        load: async (target, signal) => {
          const { loaded, route } = await this.load(target, signal, options.download ?? false);
          grounding?.remember(loaded, route);
          return loaded;
        },
        ...(grounding ? { ground: grounding.ground, cleanUp: grounding.cleanUp } : {}),
        environment: this.environment(),
        baseParams: this.deps.settings.preferences.params,
        signal: abort.signal,
        measureResources: (target, loaded, signal) => measureTargetResources(this.resourceDeps(), target, loaded, signal),
        onProgress: (progress) => this.set({ progress }),
        onSample: (run) => this.set({ shown: run }),
      });
      this.state = { ...this.state, shown: result };
      await this.deps.store.save(result);
      if (this.state.judge && !abort.signal.aborted) {
        const measured = result;
        result = await this.judgeAnswers(measured, abort.signal, options.download ?? false).catch((error: unknown) => {
          this.state = { ...this.state, problem: `The judge could not grade the run: ${errorMessage(error)}` };
          return measured;
        });
        if (result !== measured) await this.deps.store.save(result);
      }
    } catch (error) {
      this.state = { ...this.state, problem: `The run could not be saved: ${errorMessage(error)}` };
    } finally {
      this.abort = null;
      release();
      this.set({ running: false });
    }
    await this.refreshKeepingProblem();
    if (previous) void slot.selectModel(previous);
    return result;
  }

  /**
   * Runs `work` holding the chat's engine, as a run does (cancel() stops it), then gives the chat
   * its model back; a failure becomes the session's problem.
   */
  private async exclusive<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
    const { slot } = this.deps;
    const previous = slot.selected?.id ?? null;
    const release = slot.hold.take('A judge is grading a benchmark');
    const abort = new AbortController();
    this.abort = abort;
    this.set({ running: true, problem: null });
    await settled(slot);
    let result: T | null = null;
    try {
      result = await work(abort.signal);
    } catch (error) {
      this.state = { ...this.state, problem: `The judge could not grade the run: ${errorMessage(error)}` };
    } finally {
      this.abort = null;
      release();
      this.set({ running: false, judging: null });
    }
    await this.refreshKeepingProblem();
    if (previous) void slot.selectModel(previous);
    return result;
  }

  /** Loads the judge through the same path as a target and grades `run`'s answers; the run as graded so far on Stop. */
  private async judgeAnswers(run: BenchRun, signal: AbortSignal, allowDownload = false): Promise<BenchRun> {
    const judge = this.state.judge;
    if (!judge) return run;
    this.set({ judging: { done: 0, total: 0 } });
    try {
      const { loaded } = await this.load(judge, signal, allowDownload);
      return await judgeRun(run, {
        engine: loaded.engine,
        judgeId: judge.modelId,
        template: this.state.judgeTemplate,
        baseParams: this.deps.settings.preferences.params,
        signal,
        onProgress: (judging) => this.set({ judging }),
        onAnswer: (graded) => this.set({ shown: graded }),
      });
    } catch (error) {
      if (signal.aborted) return run;
      throw error;
    } finally {
      this.set({ judging: null });
    }
  }

  private load(target: BenchTarget, signal: AbortSignal, allowDownload: boolean): Promise<{ loaded: LoadedTarget; route: Route }> {
    return loadBenchTarget(this.deps, target, signal, allowDownload);
  }

  private environment(): BenchEnvironment {
    return benchEnvironment(this.deps.capabilities);
  }

  private resourceDeps(): Parameters<typeof measureTargetResources>[0] {
    const { catalog, weights, baseUrl, settings, pageMemory, gatewayMemory, gpuMemory } = this.deps;
    return {
      catalog,
      weights,
      baseUrl,
      hubUrl: () => settings.preferences.hubUrl,
      pageMemory: pageMemory ?? (() => measurePageMemory()),
      gatewayMemory,
      gpuMemory,
    };
  }
}
