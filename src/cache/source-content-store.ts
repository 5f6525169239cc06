/**
 * What retrieval reads of each source, in IndexedDB, one record per source: its text, its
 * passages and, when an embedding model ran, their vectors (one Float32Array, passage after
 * passage). Written by the retrieval worker when it indexes a source, read back after a reload so
 * nothing is cut or embedded twice. Records are validated on read; one that does not parse counts
 * as missing (the source is then indexed again from its text, or reported).
 */
import { del, get, set, type UseStore } from 'idb-keyval';
import { z } from 'zod';
import type { Chunk } from '../rag/types';
import { openStore } from './open-store';

const chunk = z.object({
  id: z.string(),
  sourceId: z.string(),
  index: z.number().int().nonnegative(),
  heading: z.string(),
  text: z.string(),
  tokens: z.number().int().nonnegative(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});

const contentRecord = z
  .object({
    sourceId: z.string().min(1),
    conversationId: z.string().min(1),
    text: z.string(),
    chunks: z.array(chunk),
    vectors: z.object({ embedder: z.string(), dims: z.number().int().positive(), data: z.instanceof(Float32Array) }).nullable(),
  })
  .refine((r) => !r.vectors || r.vectors.data.length === r.vectors.dims * r.chunks.length, {
    message: 'vectors must hold one vector per passage',
    path: ['vectors'],
  });

export interface SourceContent {
  sourceId: string;
  conversationId: string;
  text: string;
  chunks: Chunk[];
  vectors: { embedder: string; dims: number; data: Float32Array } | null;
}

export class SourceContentStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? openStore('playground-source-content', 'content');
  }

  /** A source's content, or null when it is missing or unreadable. */
  async get(sourceId: string): Promise<SourceContent | null> {
    const parsed = contentRecord.safeParse(await get(sourceId, this.store));
    return parsed.success ? parsed.data : null;
  }

  async save(content: SourceContent): Promise<void> {
    await set(content.sourceId, content, this.store);
  }

  async delete(sourceId: string): Promise<void> {
    await del(sourceId, this.store);
  }
}
