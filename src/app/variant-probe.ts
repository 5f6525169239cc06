/**
 * The variant micro-benchmark: on the first load of a model on a device with an automatic variant,
 * each variant that could run there and is already on this device (bundled with the app, or every
 * file in the weight cache: a measurement never downloads anything) is loaded through the Router
 * into the slot's engine, warms up, decodes a fixed short prompt greedily for a few tokens, and is timed by
 * the worker's own clock (the GenerationTrace, read by src/metrics as for every answer). The
 * fastest goes first from then on (src/placement/measured-order.ts).
 *
 * This module decides what to measure and measures it; the slot (model-slot.ts) runs it inside its
 * load, shows its steps as load progress and stores the outcome (variant-measurements.ts).
 */
import type { Device } from '../catalog/model-ref';
import type { CatalogModel, Dtype } from '../catalog/schema';
import type { ChatEngine, ChatMessage, GenerationParams, LoadProgress } from '../engine/engine-types';
import { isAbortError } from '../engine/errors';
import { readAnswer } from '../bench/sample';
import { computeMetrics } from '../metrics/answer-metrics';
import { percentile } from '../bench/stats';
import { errorMessage } from '../errors/error-message';
import type { Capabilities } from '../placement/snapshot';
import type { DevicePreference } from '../placement/plans';
import { placeModel } from '../placement/verdict';
import type { VariantResult } from './measurement-record';

/** A prompt every chat model answers at length; its answer is thrown away. */
export const PROBE_MESSAGES: readonly ChatMessage[] = [{ role: 'user', content: 'Tell me about the moon.' }];

/**
 * Tokens per variant: the first belongs to prefill, so 23 decode steps are timed. End of sequence is
 * suppressed, so every variant decodes the same number of steps.
 */
export const PROBE_TOKENS = 24;

/**
 * Decoding stops after this long (the rate is then taken over the tokens so far), so a variant
 * that crawls (q4 of a large model on WASM: 5 tok/s) costs seconds, not a minute.
 */
export const PROBE_DECODE_BUDGET_MS = 3000;

/**
 * Tokens of the warm-up answer before the timed one. The first answer after a session is created
 * runs far slower than the next (measured here on Pocket Chat 1M: 70-270 tok/s against 380 for
 * the same session's second answer, at the same positions): ONNX Runtime allocates and the WASM
 * thread pool starts on first use. Timing it would rank variants by their start-up, not their speed.
 */
export const PROBE_WARMUP_TOKENS = 4;

const greedy = (tokens: number): GenerationParams => ({
  temperature: 0,
  topP: 1,
  topK: 0,
  maxNewTokens: tokens,
  minNewTokens: tokens,
  repetitionPenalty: 1,
  seed: 0,
  // Each run reads its whole prompt, as a first question does.
  reuseCache: false,
});

/** What to measure: the device the router would try first, and its variants on this device. */
export interface ProbePlan {
  device: Device;
  /** Variants nothing blocks there and that are on this device, in the order the router would try them. */
  dtypes: Dtype[];
  /** Variants that would run there but are not downloaded: left out, never fetched to be measured. */
  notDownloaded: Dtype[];
}

/** Where the measurement is, for the load status. */
export interface ProbeStep {
  device: Device;
  dtype: Dtype;
  /** 0-based position of `dtype` among `total`. */
  index: number;
  total: number;
  phase: 'loading' | 'decoding';
  /** The candidate's own load progress (reading its files), while it loads. */
  progress: LoadProgress | null;
  /** The variants measured so far. */
  results: VariantResult[];
}

/** Loads one candidate into the engine and returns what to chat with (the slot goes through its Router). */
export type ProbeLoad = (dtype: Dtype, signal: AbortSignal, onProgress: (progress: LoadProgress) => void) => Promise<ChatEngine>;

/**
 * The candidates of `model` under a device preference, from the same placement the router walks:
 * the first plan's device and every unblocked variant on it, split by `downloaded`. Null when the
 * browser would not run it (gateway, nothing fits).
 */
export function probePlan(
  model: CatalogModel,
  caps: Capabilities,
  device: DevicePreference,
  downloaded: ReadonlySet<Dtype>,
): ProbePlan | null {
  const { plans } = placeModel(model, caps, { device, dtype: 'auto' });
  const first = plans[0];
  if (!first) return null;
  const fitting = plans.filter((p) => p.device === first.device).map((p) => p.dtype);
  return {
    device: first.device,
    dtypes: fitting.filter((d) => downloaded.has(d)),
    notDownloaded: fitting.filter((d) => !downloaded.has(d)),
  };
}

function abortError(): DOMException {
  return new DOMException('The measurement was stopped.', 'AbortError');
}

/**
 * Decodes the probe prompt on a loaded candidate, a short warm-up answer first, stopping at the
 * time budget (which counts both); the rate comes from the timed answer's trace.
 */
async function decode(engine: ChatEngine, dtype: Dtype, signal: AbortSignal, budgetMs: number): Promise<VariantResult> {
  const budget = new AbortController();
  const stop = (): void => budget.abort();
  const timer = setTimeout(stop, budgetMs);
  signal.addEventListener('abort', stop, { once: true });
  try {
    await readAnswer(engine.chat(PROBE_MESSAGES, greedy(PROBE_WARMUP_TOKENS), budget.signal));
    const { trace } = await readAnswer(engine.chat(PROBE_MESSAGES, greedy(PROBE_TOKENS), budget.signal));
    const metrics = computeMetrics(trace);
    // The median step, not the mean: another process taking the core for a moment stalls a few
    // steps by many milliseconds, which would decide a 23-step mean on a busy machine.
    const gaps = metrics.interTokenMs.filter((g) => g > 0).sort((a, b) => a - b);
    const rate = gaps.length ? 1000 / percentile(gaps, 0.5) : null;
    return {
      dtype,
      decodeTokensPerSec: rate,
      tokens: metrics.generatedTokens,
      error: rate === null ? `fewer than two tokens in ${(budgetMs / 1000).toFixed(0)} s` : null,
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * Measures `dtypes` on `device` one after the other. A candidate that fails to load or to answer
 * is recorded with the reason and the next one is measured; stopping (`signal`) throws an
 * AbortError. The last candidate stays loaded: the slot's real load replaces it.
 */
export async function probeVariants(
  device: Device,
  dtypes: readonly Dtype[],
  load: ProbeLoad,
  signal: AbortSignal,
  onStep: (step: ProbeStep) => void,
  budgetMs = PROBE_DECODE_BUDGET_MS,
): Promise<VariantResult[]> {
  const results: VariantResult[] = [];
  // A function, not the property: the signal flips during awaits, which narrowing cannot see.
  const stopped = (): boolean => signal.aborted;
  for (const [index, dtype] of dtypes.entries()) {
    if (stopped()) throw abortError();
    const step = (phase: ProbeStep['phase'], progress: LoadProgress | null): void =>
      onStep({ device, dtype, index, total: dtypes.length, phase, progress, results: [...results] });
    step('loading', null);
    try {
      const engine = await load(dtype, signal, (progress) => step('loading', progress));
      if (stopped()) throw abortError();
      step('decoding', null);
      results.push(await decode(engine, dtype, signal, budgetMs));
    } catch (error) {
      if (stopped() || isAbortError(error)) throw abortError();
      results.push({ dtype, decodeTokensPerSec: null, tokens: 0, error: errorMessage(error) });
    }
    if (stopped()) throw abortError();
  }
  return results;
}
