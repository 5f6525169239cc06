/**
 * Per-answer latency metrics, derived from a GenerationTrace (timestamps taken where tokens are
 * produced). Definitions, so numbers from different backends mean the same thing:
 *
 * - TTFT (`ttftMs`): request received by the engine -> the token that began the ANSWER's text.
 *   This is the TTFT under each answer and in the latency chart: how long a person waits for the
 *   answer. A reasoning model first reasons, so its TTFT includes the reasoning.
 * - First token (`firstTokenMs`): request -> the first generated token of any kind, reasoning
 *   included; the same as TTFT for models that do not reason. The engine's own latency: prefill is
 *   measured against it, and the benchmark's TTFT is this one (src/bench/sample.ts).
 * - Prefill tokens/s: prompt tokens read / (first forward pass start -> first token). When the engine
 *   cannot see the forward pass (a remote gateway), the time from the request is used. Tokens taken
 *   from the previous answer's KV cache (`cachedPromptTokens`) were not read, so they do not count.
 * - Decode tokens/s: (generated tokens - 1) / (first token -> last token), reasoning tokens
 *   included (the model generates them like any other). The first token belongs to prefill, so it
 *   is not counted; prompt tokens are never counted.
 * - Reasoning: how many generated tokens were reasoning, and the time from the first reasoning
 *   token to the last ("Reasoned for 3.2 s · 412 tokens"); absent when the model did not reason.
 * - Inter-token gaps: time between consecutive generated tokens.
 * - Retrieval (grounded answers only): ranking and fitting the passages in the retrieval worker,
 *   before the engine gets the request; not part of TTFT, which starts at the engine.
 */
import type { GenerationTrace } from '../engine/engine-types';
import type { LatencyParts } from './latency-parts';

export interface AnswerMetrics {
  /** To the first answer token (see the module comment); what the latency chart shows. */
  ttftMs: number | null;
  /** To the first generated token, reasoning included. Absent in answers stored before it existed. */
  firstTokenMs?: number | null;
  prefillTokensPerSec: number | null;
  decodeTokensPerSec: number | null;
  promptTokens: number;
  /** Of promptTokens, those taken from the previous answer's KV cache; absent when none. */
  cachedPromptTokens?: number;
  generatedTokens: number;
  totalMs: number;
  interTokenMs: number[];
  /** Generated tokens that were reasoning (part of generatedTokens); absent without reasoning. */
  reasoningTokens?: number;
  /** First reasoning token -> last one; absent without reasoning. */
  reasoningMs?: number;
  /** Grounded answers: ranking the passages and building the prompt, before the request (embedding the question included). */
  retrievalMs?: number;
  /** Grounded answers with an embedding model: embedding the question (part of retrievalMs). */
  embeddingMs?: number;
  /** Where the time went, part by part (latency-parts.ts); absent in answers stored before it existed. */
  parts?: LatencyParts;
  /** The model's mean token log-probability (GenerationTrace.meanLogprob); absent when the engine does not report it. */
  meanLogprob?: number;
}

export function computeMetrics(trace: GenerationTrace): AnswerMetrics {
  const times = trace.tokenTimes;
  const first = times[0];
  const last = times[times.length - 1];
  const firstTokenMs = first === undefined ? null : first - trace.requestAt;
  const answerAt = trace.answerAt === undefined ? first : trace.answerAt;
  const ttftMs = answerAt === null || answerAt === undefined ? null : answerAt - trace.requestAt;
  let prefillTokensPerSec: number | null = null;
  const cached = trace.cachedTokens ?? 0;
  const read = trace.promptTokens - cached;
  if (first !== undefined && read > 0) {
    const prefillMs = first - (trace.prefillStartAt ?? trace.requestAt);
    prefillTokensPerSec = prefillMs > 0 ? (read * 1000) / prefillMs : null;
  }
  // A gateway may batch tokens into chunks: its exact count (from `usage`) wins over the chunk count.
  const generated = trace.generatedTokens ?? times.length;
  let decodeTokensPerSec: number | null = null;
  if (first !== undefined && last !== undefined && times.length >= 2 && generated >= 2 && last > first) {
    decodeTokensPerSec = ((generated - 1) * 1000) / (last - first);
  }
  const interTokenMs: number[] = [];
  for (let i = 1; i < times.length; i++) interTokenMs.push(times[i]! - times[i - 1]!);
  const reasoning = trace.reasoning;
  return {
    ttftMs,
    firstTokenMs,
    prefillTokensPerSec,
    decodeTokensPerSec,
    promptTokens: trace.promptTokens,
    ...(cached > 0 ? { cachedPromptTokens: cached } : {}),
    generatedTokens: generated,
    totalMs: trace.endAt - trace.requestAt,
    interTokenMs,
    ...(reasoning ? { reasoningTokens: reasoning.tokens, reasoningMs: reasoning.lastAt - reasoning.firstAt } : {}),
    ...(trace.meanLogprob !== undefined ? { meanLogprob: trace.meanLogprob } : {}),
  };
}

/**
 * "5.0 ms", "12 ms", "1.40 s", "12.3 s". Each unit and precision is chosen by the value as rounded
 * for display, so 9.96 shows as "10 ms" (not "10.0 ms"), 999.6 as "1.00 s" (not "1000 ms") and
 * 9996 as "10.0 s" (not "10.00 s").
 */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const tenths = ms.toFixed(1);
  if (Number(tenths) < 10) return `${tenths} ms`;
  const whole = ms.toFixed(0);
  if (Number(whole) < 1000) return `${whole} ms`;
  const hundredths = (ms / 1000).toFixed(2);
  return `${Number(hundredths) < 10 ? hundredths : (ms / 1000).toFixed(1)} s`;
}

/** "9.8 tok/s", "410 tok/s"; 9.96 shows as "10 tok/s" (decided on the rounded value). */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '–';
  const tenths = rate.toFixed(1);
  return `${Number(tenths) < 10 ? tenths : rate.toFixed(0)} tok/s`;
}
