/**
 * Conversation export: Markdown for reading and sharing, JSON for re-import and analysis. Both
 * carry, per answer, the model, backend, dtype, settings and metrics that produced it.
 */
import { formatMs, formatRate } from '../metrics/answer-metrics';
import type { Conversation, Turn } from './conversation';

/** A source as exported: what the Sources panel lists, and its text (null when it could not be read back). */
export interface SourceExport {
  id: string;
  name: string;
  kind: string;
  bytes: number;
  chunkCount: number;
  addedAt: number;
  text: string | null;
}

export const EXPORT_FORMAT = 'webgpu-playground.conversation';
export const EXPORT_VERSION = 1;

function answerLine(turn: Turn): string {
  const m = turn.meta;
  if (!m) return '';
  const parts = [`${m.modelName} (${m.modelId})`, `${m.backend} · ${m.dtype}`, m.detail];
  if (m.metrics) {
    parts.push(
      `TTFT ${formatMs(m.metrics.ttftMs)}`,
      `prefill ${formatRate(m.metrics.prefillTokensPerSec)}`,
      `decode ${formatRate(m.metrics.decodeTokensPerSec)}`,
      `${m.metrics.promptTokens} prompt${m.metrics.cachedPromptTokens ? ` (${m.metrics.cachedPromptTokens} from the cache)` : ''} + ${m.metrics.generatedTokens} generated tokens`,
      `total ${formatMs(m.metrics.totalMs)}`,
    );
    if (m.metrics.retrievalMs !== undefined) parts.push(`retrieval ${formatMs(m.metrics.retrievalMs)}`);
    if (m.metrics.reasoningTokens !== undefined) {
      const effort = m.params.reasoningEffort ? ` (effort ${m.params.reasoningEffort})` : '';
      parts.push(`reasoned ${formatMs(m.metrics.reasoningMs ?? null)} · ${m.metrics.reasoningTokens} reasoning tokens${effort}`);
    }
  }
  const p = m.params;
  parts.push(
    p.temperature === 0 ? 'greedy' : `temperature ${p.temperature}, top-p ${p.topP}, top-k ${p.topK}`,
    `max ${p.maxNewTokens} new tokens`,
    ...(p.minNewTokens ? [`min ${p.minNewTokens} new tokens`] : []),
    ...(p.repetitionPenalty !== 1 ? [`repetition penalty ${p.repetitionPenalty}`] : []),
    ...(p.seed !== null ? [`seed ${p.seed}`] : []),
  );
  if (m.stopReason === 'aborted') parts.push('stopped by user');
  const grounded = m.grounding
    ? `\n>\n> Grounded on: ${m.grounding.passages.map((p) => `[${p.n}] ${p.heading ? `${p.sourceName} › ${p.heading}` : p.sourceName}`).join('; ') || 'no passage'}${m.grounding.statement ? `\n>\n> ${m.grounding.statement}` : ''}`
    : '';
  return `\n\n> ${parts.join(' · ')}${grounded}${m.error ? `\n>\n> Error: ${m.error}` : ''}`;
}

/** Markdown for reading: the system prompt, the sources (listed, not copied), then the turns. */
export function conversationToMarkdown(conversation: Conversation, sources: readonly SourceExport[] = []): string {
  const lines = [`# ${conversation.title}`, '', `Exported ${new Date().toISOString()}`, ''];
  if (conversation.systemPrompt.trim()) lines.push('## System', '', conversation.systemPrompt.trim(), '');
  if (sources.length) {
    lines.push('## Sources', '', ...sources.map((s) => `- ${s.name} (${s.kind}, ${s.bytes} bytes, ${s.chunkCount} passages)`), '');
  }
  for (const turn of conversation.turns) {
    lines.push(
      `## ${turn.role === 'user' ? 'You' : 'Assistant'}`,
      '',
      `${turn.content}${turn.role === 'assistant' ? answerLine(turn) : ''}`,
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** JSON for re-import and analysis: the conversation as stored, and its sources with their text. */
export function conversationToJson(conversation: Conversation, sources: readonly SourceExport[] = []): string {
  const exported = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), conversation, sources };
  return `${JSON.stringify(exported, null, 2)}\n`;
}

/** "phi-4-mini-chat.md" from a title: at most 60 characters, never starting or ending with a hyphen. */
export function exportFileName(conversation: Conversation, extension: 'md' | 'json'): string {
  // Trailing hyphens are trimmed after the cut, which can end the name right after one.
  const slug =
    conversation.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-/, '')
      .slice(0, 60)
      .replace(/-$/, '') || 'chat';
  return `${slug}.${extension}`;
}
