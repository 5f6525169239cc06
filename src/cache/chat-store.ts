/**
 * Conversations in IndexedDB. Records are validated on read: one that does not parse is skipped
 * and reported, never allowed to blank the page.
 */
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { z } from 'zod';
import type { Conversation } from '../chat/conversation';

const metrics = z.object({
  ttftMs: z.number().nullable(),
  prefillTokensPerSec: z.number().nullable(),
  decodeTokensPerSec: z.number().nullable(),
  promptTokens: z.number(),
  generatedTokens: z.number(),
  totalMs: z.number(),
  interTokenMs: z.array(z.number()),
});

const params = z.object({
  temperature: z.number(),
  topP: z.number(),
  topK: z.number(),
  maxNewTokens: z.number(),
  minNewTokens: z.number().optional(),
  repetitionPenalty: z.number(),
  seed: z.number().nullable(),
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

export class ChatStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? createStore('playground-chats', 'conversations');
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

  async save(conversation: Conversation): Promise<void> {
    await set(conversation.id, conversation, this.store);
  }

  async delete(id: string): Promise<void> {
    await del(id, this.store);
  }
}
