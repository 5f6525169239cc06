/**
 * Runs a benchmark plan: target by target, load the model, send every planned request, turn each
 * finished stream into a BenchSample. Loading and chatting are injected (the app passes the
 * Router), so the runner decides only order, bookkeeping, failure and cancellation.
 */
import type { ChatEngine, ChatMessage, GenerationParams, LoadedModel } from '../engine/engine-types';
import { citedPassages } from '../rag/citations';
import { planRequests, type PlannedRequest } from './plan';
import { runPipeline } from './pipeline-runner';
import { failedSample, readAnswer, sampleFromAnswer, type SampleContext } from './sample';
import type {
  BenchDocument,
  BenchEnvironment,
  BenchPlan,
  BenchPrompt,
  BenchRun,
  BenchSample,
  BenchTarget,
  PipelineResult,
  RagSample,
  TargetResources,
  TargetResult,
} from './bench-types';
import { errorMessage } from '../errors/error-message';

/** A loaded target: the engine to ask, what loaded, and the files (with hashes) that ran. */
export interface LoadedTarget {
  engine: ChatEngine;
  loaded: LoadedModel;
  files: TargetResult['files'];
  /** A router notice worth keeping with the result ("fell back to WASM"), or null. */
  notice: string | null;
}

/** A grounded prompt's messages with passages retrieved from the plan's documents. */
export interface GroundedPrompt {
  messages: ChatMessage[];
  /** The document of each passage in the prompt: [1] is passages[0]. */
  passages: string[];
  /** Documents of passages retrieved but left out (no room), best first. */
  leftOut: string[];
  retrievalMs: number;
}

/** Retrieves passages of `documents` for `prompt`'s question, as the chat would for a conversation holding them. */
export type GroundPrompt = (
  target: LoadedTarget,
  prompt: BenchPrompt,
  documents: readonly BenchDocument[],
  maxNewTokens: number,
  signal: AbortSignal,
) => Promise<GroundedPrompt>;

/** Where the run is: requests done of total, and the target being measured. */
export interface BenchProgress {
  done: number;
  total: number;
  target: BenchTarget | null;
  /** `resources`: the answers are done, the memory reading of the target is awaited. */
  /** `refining`: a draft -> refine pipeline refines the drafts its rule escalated. */
  phase: 'loading' | 'running' | 'resources' | 'refining' | 'finished';
}

export interface RunnerDeps {
  load: (target: BenchTarget, signal: AbortSignal) => Promise<LoadedTarget>;
  environment: BenchEnvironment;
  /** Sampling settings besides the plan's temperature and token budget. */
  baseParams: GenerationParams;
  onProgress?: (progress: BenchProgress) => void;
  /**
   * Measures what a loaded target occupies (memory, disk). Called as the first request of its last
   * warm-up round is sent (its first measured one without warm-up), so a reading taken at once is
   * taken while it answers, and a garbage collection the reading may force falls on an answer that
   * is not counted; awaited after its last request, before the next target loads (a late reading
   * would otherwise count the next model).
   */
  measureResources?: (target: BenchTarget, loaded: LoadedModel, signal: AbortSignal) => Promise<TargetResources>;
  /** Called with the run after every sample, so a UI can chart it while it grows. */
  onSample?: (run: BenchRun) => void;
  /** Grounds a grounded prompt's RAG-on requests; without it they fail, saying so. */
  ground?: GroundPrompt;
  /** Called once the run is over, finished or not (the app drops the documents' index). */
  cleanUp?: () => Promise<void>;
  signal: AbortSignal;
  id?: string;
  now?: () => number;
}

function describe(error: unknown): string {
  return errorMessage(error) || 'unknown error';
}

/** The target's resource reading; a failed measurement becomes a note, never a failed target. */
function startMeasuring(deps: RunnerDeps, target: BenchTarget, loaded: LoadedModel): Promise<TargetResources> | null {
  const measure = deps.measureResources;
  if (!measure) return null;
  const unmeasured = (error: unknown): TargetResources => ({
    pageMemoryBytes: null,
    diskBytes: null,
    gatewayRssBytes: null,
    notes: [`not measured: ${describe(error)}`],
  });
  try {
    return measure(target, loaded, deps.signal).catch(unmeasured);
  } catch (error) {
    return Promise.resolve(unmeasured(error));
  }
}

/** Resolves with null once `signal` aborts. */
function whenAborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
}

/** Runs every target of `plan`; never throws for a model's failure, only records it. */
export async function runBenchmark(plan: BenchPlan, deps: RunnerDeps): Promise<BenchRun> {
  const now = deps.now ?? Date.now;
  const requests = planRequests(plan);
  const samples: BenchSample[] = [];
  const targets: TargetResult[] = [];
  const pipelines: PipelineResult[] = [];
  const startedAt = now();
  const id = deps.id ?? `run-${startedAt}`;
  const run = (): BenchRun => ({
    id,
    startedAt,
    finishedAt: null,
    plan,
    environment: deps.environment,
    targets: targets.map((t) => ({ ...t })),
    samples: [...samples],
    ...(plan.pipelines ? { pipelines: [...pipelines] } : {}),
  });
  // Cold prompts: a prompt run again would otherwise start from the previous run's KV cache, and
  // its TTFT and prefill would measure the cache, not the model.
  const params: GenerationParams = {
    ...deps.baseParams,
    temperature: plan.temperature,
    maxNewTokens: plan.maxNewTokens,
    seed: 0,
    reuseCache: false,
  };
  let done = 0;
  // A function, not the property: the signal flips during awaits, which narrowing cannot see.
  const aborted = (): boolean => deps.signal.aborted;
  const progress = (target: BenchTarget | null, phase: BenchProgress['phase']): void =>
    deps.onProgress?.({ done, total: requests.length, target, phase });

  for (const target of plan.targets) {
    const mine = requests.filter((r) => r.target === target);
    const result: TargetResult = { target, status: 'ok', message: null, dtype: null, detail: '', files: [] };
    targets.push(result);
    if (aborted()) {
      Object.assign(result, { status: 'cancelled', message: 'cancelled before it started' });
      done += mine.length;
      continue;
    }
    progress(target, 'loading');
    let loaded: LoadedTarget;
    try {
      loaded = await deps.load(target, deps.signal);
    } catch (error) {
      const cancelled = aborted();
      Object.assign(
        result,
        cancelled ? { status: 'cancelled', message: 'cancelled while loading' } : { status: 'failed', message: describe(error) },
      );
      done += mine.length;
      continue;
    }
    Object.assign(result, { dtype: loaded.loaded.dtype, detail: loaded.loaded.detail, files: loaded.files, message: loaded.notice });
    progress(target, 'running');
    let resources: Promise<TargetResources> | null = null;
    const measureWith = mine.find((r) => r.warmup && r.round === plan.warmupRounds - 1) ?? mine.find((r) => !r.warmup);
    for (const request of mine) {
      if (result.status !== 'ok') {
        done++;
        continue;
      }
      const context: SampleContext = {
        modelId: target.modelId,
        backend: loaded.loaded.backend,
        dtype: loaded.loaded.dtype,
        promptId: request.prompt.id,
        round: request.round,
        warmup: request.warmup,
      };
      const sentAt = now();
      let sample: BenchSample;
      let grounded: GroundedPrompt | null = null;
      try {
        grounded = request.rag ? await groundRequest(deps, loaded, request, plan, params.maxNewTokens) : null;
        const answering = readAnswer(loaded.engine.chat(grounded?.messages ?? request.prompt.messages, params, deps.signal));
        if (request === measureWith) resources = startMeasuring(deps, target, loaded.loaded);
        sample = sampleFromAnswer(context, await answering);
      } catch (error) {
        sample = failedSample(context, sentAt, aborted() ? 'cancelled' : describe(error));
      }
      if (request.rag !== null) sample = { ...sample, rag: ragSample(request.rag, sample.output, grounded) };
      // Retrieval happens before the engine's request: it is the first part of this one's time.
      if (grounded && sample.parts) sample = { ...sample, parts: { ...sample.parts, retrieval: grounded.retrievalMs } };
      samples.push(sample);
      done++;
      if (aborted()) Object.assign(result, { status: 'cancelled', message: 'cancelled while running' });
      else if (sample.error !== null) Object.assign(result, { status: 'failed', message: sample.error });
      deps.onSample?.(run());
      progress(target, 'running');
    }
    if (resources && !aborted()) {
      progress(target, 'resources');
      // Cancel must not wait for a memory reading (Chromium may take 20 s to give one).
      const reading = await Promise.race([resources, whenAborted(deps.signal)]);
      if (reading) result.resources = reading;
      deps.onSample?.(run());
    }
  }
  // Draft -> refine, on the drafts measured above: only the refine requests are new.
  for (const pipeline of plan.pipelines ?? []) {
    progress(pipeline.refine, 'refining');
    pipelines.push(await runPipeline(pipeline, plan, samples, { load: deps.load, params, signal: deps.signal }));
    deps.onSample?.(run());
  }
  progress(null, 'finished');
  await deps.cleanUp?.().catch(() => undefined);
  return { ...run(), finishedAt: now() };
}

function groundRequest(
  deps: RunnerDeps,
  loaded: LoadedTarget,
  request: PlannedRequest,
  plan: BenchPlan,
  maxNewTokens: number,
): Promise<GroundedPrompt> {
  if (!deps.ground) return Promise.reject(new Error('this benchmark cannot retrieve passages (no retrieval service)'));
  return deps.ground(loaded, request.prompt, plan.documents, maxNewTokens, deps.signal);
}

/** What a grounded request retrieved and what its answer cited; the control, or a request whose retrieval failed, has none. */
function ragSample(on: boolean, output: string, grounded: GroundedPrompt | null): RagSample {
  if (!grounded) return { on, retrieved: [], cited: [], retrievalMs: null };
  const cited = citedPassages(output, grounded.passages.length).cited.map((n) => grounded.passages[n - 1]!);
  return {
    on: true,
    retrieved: [...grounded.passages, ...grounded.leftOut],
    cited: [...new Set(cited)],
    retrievalMs: grounded.retrievalMs,
  };
}
