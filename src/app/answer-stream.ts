/**
 * One answer read from an engine's event stream: its text (and reasoning) as it grows, the token
 * count, the engine's notice, and at the end why it stopped and its metrics. The chat
 * (generation.ts) and the compare view (compare-session.ts) both stream answers through this, so
 * an answer is counted and timed the same way wherever it is shown.
 */
import { computeMetrics, type AnswerMetrics } from '../metrics/answer-metrics';
import { latencyParts } from '../metrics/latency-parts';
import type { GenerationEvent, StopReason } from '../engine/engine-types';

export interface StreamedAnswer {
  content: string;
  reasoning: string;
  /** Generated tokens so far, reasoning included. */
  tokens: number;
  notice?: string;
  stopReason?: StopReason;
  metrics?: AnswerMetrics;
}

/** What an event changed: the chat updates only the fields that did. */
export type AnswerChange = 'count' | 'content' | 'reasoning' | 'notice' | 'end';

/** Time spent grounding the question before the engine got it (grounded chat answers only). */
export interface RetrievalTimes {
  retrievalMs: number;
  embeddingMs: number | null;
}

export function emptyAnswer(): StreamedAnswer {
  return { content: '', reasoning: '', tokens: 0 };
}

/**
 * Reads `events` into `answer` (mutated, so a caller holds the partial answer when the stream
 * throws), calling `onChange` after each event that changed it. Resolves at the stream's end;
 * throws what the engine throws.
 */
export async function streamAnswer(
  answer: StreamedAnswer,
  events: AsyncIterable<GenerationEvent>,
  onChange: (change: AnswerChange) => void,
  retrieval?: RetrievalTimes,
): Promise<StreamedAnswer> {
  for await (const event of events) {
    if (event.type === 'token' || event.type === 'reasoning') {
      answer.tokens += event.count ?? 1;
      if (!event.text) {
        onChange('count');
      } else if (event.type === 'token') {
        answer.content += event.text;
        onChange('content');
      } else {
        answer.reasoning += event.text;
        onChange('reasoning');
      }
    } else if (event.type === 'start' && event.notice) {
      answer.notice = event.notice;
      onChange('notice');
    } else if (event.type === 'end') {
      answer.stopReason = event.reason;
      const times = retrieval
        ? { retrievalMs: retrieval.retrievalMs, ...(retrieval.embeddingMs !== null ? { embeddingMs: retrieval.embeddingMs } : {}) }
        : {};
      answer.metrics = { ...computeMetrics(event.trace), ...times, parts: latencyParts(event.trace, retrieval?.retrievalMs) };
      onChange('end');
    }
  }
  return answer;
}
