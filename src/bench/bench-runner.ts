/**
 * Runs a benchmark plan: target by target, load the model, send every planned request, turn each
 * finished stream into a BenchSample. Loading and chatting are injected (the app passes the
 * Router), so the runner decides only order, bookkeeping, failure and cancellation.
 */
import type { ChatEngine, GenerationParams, LoadedModel } from '../engine/engine-types';
import { planRequests } from './plan';
import { failedSample, readAnswer, sampleFromAnswer, type SampleContext } from './sample';
import type { BenchEnvironment, BenchPlan, BenchRun, BenchSample, BenchTarget, TargetResult } from './bench-types';
import { errorMessage } from '../errors/error-message';

/** A loaded target: the engine to ask, what loaded, and the files (with hashes) that ran. */
export interface LoadedTarget {
  engine: ChatEngine;
  loaded: LoadedModel;
  files: TargetResult['files'];
  /** A router notice worth keeping with the result ("fell back to WASM"), or null. */
  notice: string | null;
}

/** Where the run is: requests done of total, and the target being measured. */
export interface BenchProgress {
  done: number;
  total: number;
  target: BenchTarget | null;
  phase: 'loading' | 'running' | 'finished';
}

export interface RunnerDeps {
  load: (target: BenchTarget, signal: AbortSignal) => Promise<LoadedTarget>;
  environment: BenchEnvironment;
  /** Sampling settings besides the plan's temperature and token budget. */
  baseParams: GenerationParams;
  onProgress?: (progress: BenchProgress) => void;
  /** Called with the run after every sample, so a UI can chart it while it grows. */
  onSample?: (run: BenchRun) => void;
  signal: AbortSignal;
  id?: string;
  now?: () => number;
}

function describe(error: unknown): string {
  return errorMessage(error) || 'unknown error';
}

/** Runs every target of `plan`; never throws for a model's failure, only records it. */
export async function runBenchmark(plan: BenchPlan, deps: RunnerDeps): Promise<BenchRun> {
  const now = deps.now ?? Date.now;
  const requests = planRequests(plan);
  const samples: BenchSample[] = [];
  const targets: TargetResult[] = [];
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
      try {
        sample = sampleFromAnswer(context, await readAnswer(loaded.engine.chat(request.prompt.messages, params, deps.signal)));
      } catch (error) {
        sample = failedSample(context, sentAt, aborted() ? 'cancelled' : describe(error));
      }
      samples.push(sample);
      done++;
      if (aborted()) Object.assign(result, { status: 'cancelled', message: 'cancelled while running' });
      else if (sample.error !== null) Object.assign(result, { status: 'failed', message: sample.error });
      deps.onSample?.(run());
      progress(target, 'running');
    }
  }
  progress(null, 'finished');
  return { ...run(), finishedAt: now() };
}
