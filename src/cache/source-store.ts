/**
 * The sources of each conversation (what the Sources panel lists), in IndexedDB, one record per
 * source. Their text, passages, lexical index and vectors live in the retrieval worker's stores
 * (source-content-store.ts, lexical-index-store.ts). Records are validated on read: one that does
 * not parse is skipped and reported, never allowed to blank the panel. Other tabs hear of changes.
 */
import { del, entries, set, type UseStore } from 'idb-keyval';
import { z } from 'zod';
import { SOURCE_KINDS } from '../rag/types';
import { openStore } from './open-store';

const sourceRecord = z.object({
  id: z.string().min(1),
  conversationId: z.string().min(1),
  name: z.string(),
  kind: z.enum(SOURCE_KINDS),
  /** Bytes of the file (UTF-8 bytes of pasted text). */
  bytes: z.number().int().nonnegative(),
  /** Characters of its extracted text. */
  chars: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  addedAt: z.number(),
  /** How it was cut: passage and overlap sizes, and whose tokens they count. */
  chunking: z.object({ chunkTokens: z.number().int().positive(), overlapTokens: z.number().int().nonnegative(), counter: z.string() }),
  /** The embedding model its passages have vectors of; null: lexical retrieval only. */
  embedding: z.object({ model: z.string(), dims: z.number().int().positive() }).nullable(),
  /** What extraction or indexing could not do, in words. */
  warnings: z.array(z.string()),
});

export type SourceRecord = z.infer<typeof sourceRecord>;

/** Validates one stored source; null when it does not parse. */
export function parseSourceRecord(value: unknown): SourceRecord | null {
  const parsed = sourceRecord.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export interface LoadedSources {
  sources: SourceRecord[];
  /** Keys of records that could not be read. */
  skipped: string[];
}

/** What another tab did to the sources of a conversation. */
export interface SourceChange {
  conversationId: string;
}

export class SourceStore {
  private readonly store: UseStore;
  private readonly channel: BroadcastChannel | null;

  constructor(
    store?: UseStore,
    channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('playground-sources'),
  ) {
    this.store = store ?? openStore('playground-sources', 'sources');
    this.channel = channel;
  }

  /** Every readable source, oldest first. */
  async list(): Promise<LoadedSources> {
    const sources: SourceRecord[] = [];
    const skipped: string[] = [];
    for (const [key, value] of await entries<IDBValidKey, unknown>(this.store)) {
      const record = parseSourceRecord(value);
      if (record) sources.push(record);
      else skipped.push(typeof key === 'string' ? key : 'unnamed record');
    }
    sources.sort((a, b) => a.addedAt - b.addedAt);
    return { sources, skipped };
  }

  async save(record: SourceRecord): Promise<void> {
    await set(record.id, record, this.store);
    this.announce(record.conversationId);
  }

  async delete(record: Pick<SourceRecord, 'id' | 'conversationId'>): Promise<void> {
    await del(record.id, this.store);
    this.announce(record.conversationId);
  }

  /** Other tabs' additions and removals, so each tab lists what is stored. */
  onChange(listener: (change: SourceChange) => void): void {
    this.channel?.addEventListener('message', (event: MessageEvent<SourceChange>) => listener(event.data));
  }

  private announce(conversationId: string): void {
    try {
      this.channel?.postMessage({ conversationId } satisfies SourceChange);
    } catch {
      // A closed channel (page unloading) has no one left to tell.
    }
  }
}
