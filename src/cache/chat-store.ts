/**
 * Conversations in IndexedDB. Records are validated on read: one that does not parse is skipped
 * and reported, never allowed to blank the page.
 */
import { del, entries, get, set, update, type UseStore } from 'idb-keyval';
import { openStore } from './open-store';
import { z } from 'zod';
import type { Conversation, Turn } from '../chat/conversation';
import { REASONING_EFFORTS } from '../settings/generation-settings';
import { groundingSchema } from './grounding-schema';
import { LATENCY_PARTS } from '../metrics/latency-parts';

const metrics = z.object({
  ttftMs: z.number().nullable(),
  prefillTokensPerSec: z.number().nullable(),
  decodeTokensPerSec: z.number().nullable(),
  promptTokens: z.number(),
  cachedPromptTokens: z.number().int().nonnegative().optional(),
  generatedTokens: z.number(),
  totalMs: z.number(),
  interTokenMs: z.array(z.number()),
  // Absent in answers stored before reasoning was timed apart (answer-metrics.ts).
  firstTokenMs: z.number().nullable().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  reasoningMs: z.number().nonnegative().optional(),
  retrievalMs: z.number().nonnegative().optional(),
  embeddingMs: z.number().nonnegative().optional(),
  // Absent in answers stored before the decomposition existed (latency-parts.ts).
  parts: z.record(z.enum(LATENCY_PARTS), z.number().nonnegative().nullable()).optional(),
  meanLogprob: z.number().optional(),
});

const params = z.object({
  temperature: z.number(),
  topP: z.number(),
  topK: z.number(),
  maxNewTokens: z.number(),
  minNewTokens: z.number().optional(),
  repetitionPenalty: z.number(),
  seed: z.number().nullable(),
  reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
  reuseCache: z.boolean().optional(),
});

const turn = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  reasoning: z.string().optional(),
  createdAt: z.number(),
  meta: z
    .object({
      modelId: z.string(),
      modelName: z.string(),
      backend: z.enum(['webgpu', 'wasm', 'gateway']),
      dtype: z.string(),
      detail: z.string(),
      routeReason: z.string(),
      params,
      metrics: metrics.optional(),
      stopReason: z.enum(['eos', 'length', 'aborted']).optional(),
      error: z.string().optional(),
      notice: z.string().optional(),
      networkRequests: z.number().int().nonnegative().optional(),
      grounding: groundingSchema.optional(),
    })
    .optional(),
});

export const conversationSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  systemPrompt: z.string(),
  turns: z.array(turn),
});

export interface LoadedConversations {
  conversations: Conversation[];
  /** Keys of records that could not be read, to tell the user. */
  skipped: string[];
}

/** What another tab did to a conversation. */
export interface ChatChange {
  kind: 'saved' | 'deleted';
  id: string;
}

export class ChatStore {
  private readonly store: UseStore;
  private readonly channel: BroadcastChannel | null;

  constructor(
    store?: UseStore,
    channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('playground-chats'),
  ) {
    this.store = store ?? openStore('playground-chats', 'conversations');
    this.channel = channel;
  }

  /** All readable conversations, most recently updated first. */
  async list(): Promise<LoadedConversations> {
    const all = await entries<IDBValidKey, unknown>(this.store);
    const conversations: Conversation[] = [];
    const skipped: string[] = [];
    for (const [key, value] of all) {
      const parsed = conversationSchema.safeParse(value);
      if (parsed.success) conversations.push(parsed.data);
      else skipped.push(typeof key === 'string' || typeof key === 'number' ? String(key) : 'unnamed record');
    }
    conversations.sort((a, b) => b.updatedAt - a.updatedAt);
    return { conversations, skipped };
  }

  /** One conversation, or null when it is missing or unreadable. */
  async get(id: string): Promise<Conversation | null> {
    const parsed = conversationSchema.safeParse(await get(id, this.store));
    return parsed.success ? parsed.data : null;
  }

  async save(conversation: Conversation): Promise<void> {
    await set(conversation.id, conversation, this.store);
    this.announce({ kind: 'saved', id: conversation.id });
  }

  /**
   * Changes one turn of the stored copy in a single transaction, leaving every other turn as it is
   * stored: a late addition to an answer (its request count) must not write back this tab's copy of
   * the conversation over turns another tab added meanwhile. Nothing happens when the conversation
   * or the turn is not stored (or does not parse).
   */
  async patchTurn(conversationId: string, turnId: string, patch: (turn: Turn) => Turn): Promise<boolean> {
    const outcome = { patched: false }; // set inside the transaction's callback
    await update<unknown>(
      conversationId,
      (old) => {
        const parsed = conversationSchema.safeParse(old);
        if (!parsed.success || !parsed.data.turns.some((t) => t.id === turnId)) return old;
        outcome.patched = true;
        return { ...parsed.data, turns: parsed.data.turns.map((t) => (t.id === turnId ? patch(t) : t)) };
      },
      this.store,
    );
    if (outcome.patched) this.announce({ kind: 'saved', id: conversationId });
    return outcome.patched;
  }

  async delete(id: string): Promise<void> {
    await del(id, this.store);
    this.announce({ kind: 'deleted', id });
  }

  /**
   * Other tabs' saves and deletions, so each tab edits the latest copy: without this, two tabs
   * on one conversation would each write back their own stale list of turns.
   */
  onChange(listener: (change: ChatChange) => void): void {
    this.channel?.addEventListener('message', (event: MessageEvent<ChatChange>) => listener(event.data));
  }

  private announce(change: ChatChange): void {
    try {
      this.channel?.postMessage(change);
    } catch {
      // A closed channel (page unloading) has no one left to tell.
    }
  }
}
