/**
 * One benchmark request -> one BenchSample. The numbers come from the engine's GenerationTrace
 * (timestamps taken where tokens are produced) through computeMetrics, never from UI timing, so a
 * sample means the same as the metrics under a chat answer.
 */
import type { BackendKind, GenerationEvent, GenerationTrace, StopReason } from '../engine/engine-types';
import { computeMetrics } from '../metrics/answer-metrics';
import { latencyParts } from '../metrics/latency-parts';
import type { BenchSample, RunDtype } from './bench-types';

/** Which request this is: everything a sample carries besides its measurements. */
export interface SampleContext {
  modelId: string;
  backend: BackendKind;
  dtype: RunDtype;
  promptId: string;
  round: number;
  warmup: boolean;
}

/** A finished generation: its trace, its answer text and why it stopped. */
export interface FinishedAnswer {
  trace: GenerationTrace;
  output: string;
  stopReason: StopReason;
}

/** A sample from a finished generation; an aborted one is marked with an error. */
export function sampleFromAnswer(context: SampleContext, answer: FinishedAnswer, error: string | null = null): BenchSample {
  const m = computeMetrics(answer.trace);
  return {
    ...context,
    startedAt: answer.trace.requestAt,
    // The engine's latency: the first token of any kind. For a reasoning model the answer's own
    // TTFT depends on how long it chose to think (see answer-metrics.ts).
    ttftMs: m.firstTokenMs ?? m.ttftMs,
    prefillTokensPerSec: m.prefillTokensPerSec,
    decodeTokensPerSec: m.decodeTokensPerSec,
    totalMs: m.totalMs,
    interTokenMs: m.interTokenMs,
    promptTokens: m.promptTokens,
    generatedTokens: m.generatedTokens,
    output: answer.output,
    stopReason: answer.stopReason,
    // A cut-short answer would flatter TTFT and total latency, so it must not count as a success.
    error: error ?? (answer.stopReason === 'aborted' ? 'cancelled' : null),
    parts: latencyParts(answer.trace),
    ...(m.meanLogprob !== undefined ? { meanLogprob: m.meanLogprob } : {}),
  };
}

/** A sample for a request that failed before it produced a trace (load error, network error). */
export function failedSample(context: SampleContext, startedAt: number, error: string): BenchSample {
  return {
    ...context,
    startedAt,
    ttftMs: null,
    prefillTokensPerSec: null,
    decodeTokensPerSec: null,
    totalMs: null,
    interTokenMs: [],
    promptTokens: 0,
    generatedTokens: 0,
    output: '',
    stopReason: null,
    error: error || 'unknown error',
  };
}

/** Thrown when a chat stream ends without its `end` event (an engine bug or a dropped stream). */
export class IncompleteStreamError extends Error {
  override readonly name = 'IncompleteStreamError';
  constructor() {
    super('The model stream ended without an end event; the answer cannot be measured.');
  }
}

/**
 * Reads a whole chat stream: answer text (reasoning is left out: it is not the answer, though its
 * tokens are in the trace), the trace and the stop reason. Errors of the stream propagate.
 */
export async function readAnswer(stream: AsyncIterable<GenerationEvent>): Promise<FinishedAnswer> {
  let output = '';
  for await (const event of stream) {
    if (event.type === 'token') output += event.text;
    else if (event.type === 'end') return { trace: event.trace, output, stopReason: event.reason };
  }
  throw new IncompleteStreamError();
}
