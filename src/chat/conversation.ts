/**
 * Conversations as the app stores them, and the pure operations on them: what is sent to the
 * model, regenerate, edit-and-resend, titles. The UI never builds model messages itself.
 */
import type { AnswerMetrics } from '../metrics/answer-metrics';
import type { BackendKind, ChatMessage, GenerationParams, StopReason } from '../engine/engine-types';
import type { Grounding } from '../rag/retrieval-types';

/** Everything known about how an answer was produced. */
export interface AnswerMeta {
  modelId: string;
  modelName: string;
  backend: BackendKind;
  dtype: string;
  /** "WebGPU · google · swiftshader", "WASM · 2 threads". */
  detail: string;
  /** Why this backend (router reason), e.g. after a fallback. */
  routeReason: string;
  params: GenerationParams;
  metrics?: AnswerMetrics;
  stopReason?: StopReason;
  /** An error that ended the answer early; the text so far is kept. */
  error?: string;
  /** Something the engine changed, e.g. a lowered token budget. */
  notice?: string;
  /** Requests the page and worker made while this answer was produced (privacy meter). */
  networkRequests?: number;
  /** The passages the answer was grounded on, in a conversation with sources; what it cites as [n]. */
  grounding?: Grounding;
}

export interface Turn {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Reasoning text streamed apart from the answer (gpt-oss); never sent back to the model. */
  reasoning?: string;
  createdAt: number;
  meta?: AnswerMeta;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  systemPrompt: string;
  turns: Turn[];
}

export function newId(): string {
  return crypto.randomUUID();
}

export function createConversation(systemPrompt = '', now = Date.now()): Conversation {
  return { id: newId(), title: 'New chat', createdAt: now, updatedAt: now, systemPrompt, turns: [] };
}

const TITLE_LENGTH = 48;

/**
 * The first `limit` characters of text, as the user sees them: grapheme clusters where
 * Intl.Segmenter exists (a flag or a family emoji is one), else code points. Never splits a
 * surrogate pair, so the result is always well-formed.
 */
function leadingCharacters(text: string, limit: number): string[] {
  const out: string[] = [];
  const segments: Iterable<string> =
    'Segmenter' in Intl
      ? (function* () {
          for (const s of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) yield s.segment;
        })()
      : text;
  for (const character of segments) {
    if (out.length === limit) break;
    out.push(character);
  }
  return out;
}

/** A short title from the first user message: its first line, at most 48 characters (graphemes). */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!line) return 'New chat';
  const head = leadingCharacters(line, TITLE_LENGTH + 1);
  return head.length > TITLE_LENGTH
    ? `${head
        .slice(0, TITLE_LENGTH - 1)
        .join('')
        .trimEnd()}…`
    : line;
}

/**
 * The messages sent to the model: the system prompt (if any), then the turns. Assistant turns that
 * produced nothing (an error before the first token) are left out, and consecutive messages of the
 * same role are joined, because many chat templates reject two user messages in a row.
 */
export function messagesForModel(conversation: Pick<Conversation, 'systemPrompt' | 'turns'>): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = conversation.systemPrompt.trim();
  if (system) out.push({ role: 'system', content: system });
  for (const turn of conversation.turns) {
    if (turn.role === 'assistant' && turn.content.trim() === '') continue;
    const last = out[out.length - 1];
    if (last && last.role === turn.role) {
      last.content = `${last.content}\n\n${turn.content}`;
    } else {
      out.push({ role: turn.role, content: turn.content });
    }
  }
  return out;
}

/** The conversation without its last answer, ready to answer again. Null if it does not end in one. */
export function withoutLastAnswer(conversation: Conversation): Conversation | null {
  const last = conversation.turns[conversation.turns.length - 1];
  if (!last || last.role !== 'assistant') return null;
  return { ...conversation, turns: conversation.turns.slice(0, -1) };
}

/** The conversation with its last user message replaced and everything after it dropped. */
export function withEditedLastUser(conversation: Conversation, text: string, now = Date.now()): Conversation | null {
  const index = conversation.turns.map((t) => t.role).lastIndexOf('user');
  if (index < 0) return null;
  const edited: Turn = { ...conversation.turns[index]!, content: text, createdAt: now };
  return { ...conversation, turns: [...conversation.turns.slice(0, index), edited], updatedAt: now };
}

/** Adds a user turn (and titles a new chat after it). */
export function withUserTurn(conversation: Conversation, text: string, now = Date.now()): Conversation {
  const turn: Turn = { id: newId(), role: 'user', content: text, createdAt: now };
  const title = conversation.turns.length === 0 && conversation.title === 'New chat' ? titleFrom(text) : conversation.title;
  return { ...conversation, title, turns: [...conversation.turns, turn], updatedAt: now };
}
