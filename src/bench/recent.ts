/**
 * The chat's live latency chart: the current model's most recent answers, from the metrics kept
 * under each answer, so the chart and the numbers under the answers never disagree.
 */
import type { Conversation } from '../chat/conversation';

export interface RecentLatency {
  /** 1-based answer numbers, oldest first. */
  labels: number[];
  ttftMs: (number | null)[];
  decodeTokensPerSec: (number | null)[];
}

/** TTFT and decode tok/s of the last `limit` finished answers of `modelId`, across conversations. */
export function recentLatency(conversations: readonly Conversation[], modelId: string, limit = 20): RecentLatency {
  const answers = conversations
    .flatMap((c) => c.turns)
    .filter((t) => t.role === 'assistant' && t.meta?.modelId === modelId && t.meta.metrics !== undefined && !t.meta.error)
    .sort((a, b) => a.createdAt - b.createdAt)
    .slice(-limit);
  return {
    labels: answers.map((_, i) => i + 1),
    ttftMs: answers.map((t) => t.meta?.metrics?.ttftMs ?? null),
    decodeTokensPerSec: answers.map((t) => t.meta?.metrics?.decodeTokensPerSec ?? null),
  };
}
