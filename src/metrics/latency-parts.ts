/**
 * Where an answer's time went, in consecutive parts that add up to the time from the question to
 * the last token (issue 16's latency decomposition), from the trace the engine kept:
 *
 *   retrieval  ranking passages and building the grounded prompt (grounded answers), before the request
 *   queue      the page sent the request -> the engine's worker took it (a busy worker waits here)
 *   prepare    in the browser: chat template, tokenizing, the KV cache carried over -> first forward
 *              pass; on a gateway: request sent -> the server's response headers ("to first byte")
 *   prefill    -> the first generated token (a gateway's own queueing and prefill are inside it)
 *   thinking   first token -> the first token of the answer's text, for a model that reasons first
 *   decode     -> the last token
 *
 * A part the engine cannot see is null (queue on a gateway, prepare for a trace without its
 * marks), and its time falls into the next part that can be seen.
 */
import type { GenerationTrace } from '../engine/engine-types';

export const LATENCY_PARTS = ['retrieval', 'queue', 'prepare', 'prefill', 'thinking', 'decode'] as const;
export type LatencyPart = (typeof LATENCY_PARTS)[number];
export type LatencyParts = Record<LatencyPart, number | null>;

/** What each part is called on screen. */
export const PART_LABEL: Record<LatencyPart, string> = {
  retrieval: 'Retrieval',
  queue: 'Queue',
  prepare: 'Prepare',
  prefill: 'Prefill',
  thinking: 'Thinking',
  decode: 'Decode',
};

const span = (from: number | null | undefined, to: number | null | undefined): number | null =>
  from === null || from === undefined || to === null || to === undefined ? null : Math.max(0, to - from);

/** The parts of one answer; `retrievalMs` is the grounded prompt's time, when there was one. */
export function latencyParts(trace: GenerationTrace, retrievalMs?: number): LatencyParts {
  const first = trace.tokenTimes[0];
  // The start of prefill as far as the engine can tell: the first forward pass, the server's first byte, or the request.
  const prepared = trace.prefillStartAt ?? trace.firstByteAt ?? null;
  const prefillFrom = prepared ?? trace.requestAt;
  const answerAt = trace.answerAt === undefined ? first : trace.answerAt;
  const reasoned = trace.reasoning !== undefined && first !== undefined;
  // The answer's text began at answerAt; with no answer text, the reasoning ran to the end.
  const thinkingTo = reasoned ? (answerAt ?? trace.endAt) : null;
  return {
    retrieval: retrievalMs ?? null,
    queue: span(trace.sentAt, trace.requestAt),
    prepare: span(trace.requestAt, prepared),
    prefill: first === undefined ? span(prefillFrom, trace.endAt) : span(prefillFrom, first),
    thinking: reasoned ? span(first, thinkingTo) : null,
    decode: first === undefined ? null : span(reasoned ? thinkingTo : first, trace.endAt),
  };
}

/** The sum of the parts that were seen. */
export function partsTotal(parts: LatencyParts): number {
  return LATENCY_PARTS.reduce((n, p) => n + (parts[p] ?? 0), 0);
}
