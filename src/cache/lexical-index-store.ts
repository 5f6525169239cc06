/**
 * Each conversation's BM25 index over its sources' passages (MiniSearch's plain-data form), in
 * IndexedDB, with the ids of the sources it covers: an index whose sources differ from the
 * conversation's (another tab added one, a write failed halfway) is not used but rebuilt from
 * the passages. Validated on read; MiniSearch checks the index's own shape when it loads it.
 */
import { del, get, set, type UseStore } from 'idb-keyval';
import type { AsPlainObject } from 'minisearch';
import { z } from 'zod';
import { openStore } from './open-store';

const lexicalRecord = z.object({
  conversationId: z.string().min(1),
  sourceIds: z.array(z.string()),
  // MiniSearch's own format; loading it validates the rest.
  index: z.custom<AsPlainObject>((v) => typeof v === 'object' && v !== null && 'documentCount' in v && 'index' in v),
});

export type LexicalRecord = z.infer<typeof lexicalRecord>;

export class LexicalIndexStore {
  private readonly store: UseStore;

  constructor(store?: UseStore) {
    this.store = store ?? openStore('playground-source-index', 'lexical');
  }

  async get(conversationId: string): Promise<LexicalRecord | null> {
    const parsed = lexicalRecord.safeParse(await get(conversationId, this.store));
    return parsed.success ? parsed.data : null;
  }

  async save(record: LexicalRecord): Promise<void> {
    await set(record.conversationId, record, this.store);
  }

  async delete(conversationId: string): Promise<void> {
    await del(conversationId, this.store);
  }
}
