/**
 * What retrieval searches for one conversation: its sources' passages, their vectors, and one
 * BM25 index over all of them (BM25 needs one set of term statistics, so sources share an index).
 * Kept in memory while in use and in IndexedDB for later: a conversation opened again, or after a
 * reload, loads its index and passages instead of indexing its sources again. The stored index is
 * only trusted when it covers exactly the sources asked for; otherwise it is rebuilt from the
 * stored passages (cheap: no tokenizer, no embedding model) and stored again.
 */
import type { LexicalRecord } from '../cache/lexical-index-store';
import type { SourceContent } from '../cache/source-content-store';
import { LexicalIndex } from './lexical-index';
import type { Chunk } from './types';

/** The stores this reads and writes (IndexedDB in the browser; maps in Node tests). */
export interface IndexStores {
  content: {
    get(sourceId: string): Promise<SourceContent | null>;
    save(content: SourceContent): Promise<void>;
    delete(sourceId: string): Promise<void>;
  };
  lexical: {
    get(conversationId: string): Promise<LexicalRecord | null>;
    save(record: LexicalRecord): Promise<void>;
    delete(conversationId: string): Promise<void>;
  };
}

/** A source's stored content is gone or unreadable: it must be added again. */
export class MissingSourceError extends Error {
  override name = 'MissingSourceError';
}

/** What happened while loading, for tests and the curious (window.retrievalStats). */
export interface IndexCounters {
  /** Conversations whose stored BM25 index was loaded as it was. */
  lexicalLoaded: number;
  /** Conversations whose BM25 index was built from their passages. */
  lexicalRebuilt: number;
}

/** One conversation's searchable passages. */
export interface LoadedConversation {
  index: LexicalIndex;
  chunks: Map<string, Chunk>;
  /** Passage vectors by chunk id, per embedding model id. */
  vectors: Map<string, Map<string, Float32Array>>;
  sourceIds: string[];
}

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** The vectors of `content`, one per chunk, keyed by chunk id. */
function vectorsOf(content: SourceContent): Map<string, Float32Array> {
  const v = content.vectors;
  if (!v) return new Map();
  return new Map(content.chunks.map((c, i) => [c.id, v.data.subarray(i * v.dims, (i + 1) * v.dims)]));
}

export class ConversationIndexes {
  private readonly loaded = new Map<string, LoadedConversation>();
  readonly counters: IndexCounters = { lexicalLoaded: 0, lexicalRebuilt: 0 };

  constructor(private readonly stores: IndexStores) {}

  /** The conversation's passages over exactly `sourceIds`, from memory, its stored index, or its stored passages. */
  async open(conversationId: string, sourceIds: readonly string[]): Promise<LoadedConversation> {
    const cached = this.loaded.get(conversationId);
    if (cached && sameIds(cached.sourceIds, sourceIds)) return cached;
    const contents: SourceContent[] = [];
    for (const id of sourceIds) {
      const content = await this.stores.content.get(id);
      if (!content)
        throw new MissingSourceError(`A source of this conversation is missing from storage (${id}). Remove it and add it again.`);
      contents.push(content);
    }
    const chunks = new Map(contents.flatMap((c) => c.chunks.map((chunk) => [chunk.id, chunk] as const)));
    const vectors = new Map<string, Map<string, Float32Array>>();
    for (const content of contents) {
      if (!content.vectors) continue;
      const byModel = vectors.get(content.vectors.embedder) ?? new Map<string, Float32Array>();
      for (const [id, v] of vectorsOf(content)) byModel.set(id, v);
      vectors.set(content.vectors.embedder, byModel);
    }
    const stored = await this.stores.lexical.get(conversationId);
    let index: LexicalIndex | null = null;
    if (stored && sameIds(stored.sourceIds, sourceIds)) {
      try {
        index = LexicalIndex.load(stored.index);
        this.counters.lexicalLoaded++;
      } catch {
        index = null; // an index MiniSearch cannot read is rebuilt below
      }
    }
    if (!index) {
      index = LexicalIndex.empty();
      index.add([...chunks.values()]);
      this.counters.lexicalRebuilt++;
      await this.stores.lexical.save({ conversationId, sourceIds: [...sourceIds], index: index.toJSON() });
    }
    const conversation = { index, chunks, vectors, sourceIds: [...sourceIds] };
    this.loaded.set(conversationId, conversation);
    return conversation;
  }

  /** Stores a newly indexed source and adds it to its conversation's index (whose other sources are `others`). */
  async add(content: SourceContent, others: readonly string[]): Promise<void> {
    const conversation = await this.open(content.conversationId, others);
    await this.stores.content.save(content);
    conversation.index.add(content.chunks);
    for (const chunk of content.chunks) conversation.chunks.set(chunk.id, chunk);
    if (content.vectors) {
      const byModel = conversation.vectors.get(content.vectors.embedder) ?? new Map<string, Float32Array>();
      for (const [id, v] of vectorsOf(content)) byModel.set(id, v);
      conversation.vectors.set(content.vectors.embedder, byModel);
    }
    conversation.sourceIds = [...others, content.sourceId];
    await this.stores.lexical.save({
      conversationId: content.conversationId,
      sourceIds: conversation.sourceIds,
      index: conversation.index.toJSON(),
    });
  }

  /** Removes sources of a conversation from its index and from storage; `remaining` are the ones it keeps. */
  async remove(conversationId: string, removed: readonly string[], remaining: readonly string[]): Promise<void> {
    for (const id of removed) await this.stores.content.delete(id);
    const conversation = this.loaded.get(conversationId);
    if (!remaining.length) {
      this.loaded.delete(conversationId);
      await this.stores.lexical.delete(conversationId);
      return;
    }
    if (!conversation) {
      // Not in memory: the stored index no longer matches, and is rebuilt when next opened.
      await this.stores.lexical.delete(conversationId);
      return;
    }
    const gone = new Set(removed);
    const ids = [...conversation.chunks.values()].filter((c) => gone.has(c.sourceId)).map((c) => c.id);
    conversation.index.remove(ids);
    for (const id of ids) conversation.chunks.delete(id);
    for (const byModel of conversation.vectors.values()) for (const id of ids) byModel.delete(id);
    conversation.sourceIds = [...remaining];
    await this.stores.lexical.save({ conversationId, sourceIds: conversation.sourceIds, index: conversation.index.toJSON() });
  }
}
