/**
 * Per-answer latency metrics, derived from a GenerationTrace (timestamps taken where tokens are
 * produced). Definitions, so numbers from different backends mean the same thing:
 *
 * - TTFT: request received by the engine -> first generated token.
 * - Prefill tokens/s: prompt tokens / (first forward pass start -> first token). When the engine
 *   cannot see the forward pass (a remote gateway), the whole TTFT is used.
 * - Decode tokens/s: (generated tokens - 1) / (first token -> last token). The first token belongs
 *   to prefill, so it is not counted; prompt tokens are never counted.
 * - Inter-token gaps: time between consecutive generated tokens.
 */
import type { GenerationTrace } from '../engine/types';

export interface AnswerMetrics {
  ttftMs: number | null;
  prefillTokensPerSec: number | null;
  decodeTokensPerSec: number | null;
  promptTokens: number;
  generatedTokens: number;
  totalMs: number;
  interTokenMs: number[];
}

export function computeMetrics(trace: GenerationTrace): AnswerMetrics {
  const times = trace.tokenTimes;
  const first = times[0];
  const last = times[times.length - 1];
  const ttftMs = first === undefined ? null : first - trace.requestAt;
  let prefillTokensPerSec: number | null = null;
  if (first !== undefined && trace.promptTokens > 0) {
    const prefillMs = first - (trace.prefillStartAt ?? trace.requestAt);
    prefillTokensPerSec = prefillMs > 0 ? (trace.promptTokens * 1000) / prefillMs : null;
  }
  let decodeTokensPerSec: number | null = null;
  if (first !== undefined && last !== undefined && times.length >= 2 && last > first) {
    decodeTokensPerSec = ((times.length - 1) * 1000) / (last - first);
  }
  const interTokenMs: number[] = [];
  for (let i = 1; i < times.length; i++) interTokenMs.push(times[i]! - times[i - 1]!);
  return {
    ttftMs,
    prefillTokensPerSec,
    decodeTokensPerSec,
    promptTokens: trace.promptTokens,
    generatedTokens: times.length,
    totalMs: trace.endAt - trace.requestAt,
    interTokenMs,
  };
}

/** "12 ms", "1.4 s" */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "410 tok/s", "9.8 tok/s" */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '–';
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)} tok/s`;
}
