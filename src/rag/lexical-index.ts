/**
 * The lexical half of retrieval: BM25 (MiniSearch's BM25+) over the passages of a conversation's
 * sources, heading trail and text. The index serializes to plain data, kept in IndexedDB so a
 * reload does not rebuild it.
 */
import MiniSearch, { type AsPlainObject } from 'minisearch';
import { passageText, type Chunk } from './types';

/** What is indexed per passage; `id` is the chunk id. */
interface IndexedPassage {
  id: string;
  text: string;
}

/**
 * Words that carry no meaning for retrieval: in a question ("what does it do") they would match
 * every passage. Short on purpose: BM25's idf already discounts common words.
 */
const STOP_WORDS = new Set(
  'a an and are as at be by can did do does for from had has have how i in is it its of on or that the this to was were what when where which who why will with you your'.split(
    ' ',
  ),
);

const OPTIONS = {
  fields: ['text'],
  storeFields: [],
  processTerm: (term: string): string | null => {
    const lower = term.toLowerCase();
    return STOP_WORDS.has(lower) ? null : lower;
  },
};

/** A hit of a lexical search: the chunk id, its BM25 score and rank (1 = best). */
export interface LexicalHit {
  id: string;
  score: number;
  rank: number;
}

/** BM25 over passages; add and remove by source. */
export class LexicalIndex {
  private constructor(private readonly index: MiniSearch<IndexedPassage>) {}

  static empty(): LexicalIndex {
    return new LexicalIndex(new MiniSearch<IndexedPassage>(OPTIONS));
  }

  /** An index from its `toJSON()` form. */
  static load(data: AsPlainObject): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJS<IndexedPassage>(data, OPTIONS));
  }

  /** Plain data (structured-cloneable) for IndexedDB. */
  toJSON(): AsPlainObject {
    return this.index.toJSON();
  }

  get size(): number {
    return this.index.documentCount;
  }

  add(chunks: readonly Chunk[]): void {
    this.index.addAll(chunks.filter((c) => !this.index.has(c.id)).map((c) => ({ id: c.id, text: passageText(c) })));
  }

  /** Forgets the passages with these ids (a removed source's). */
  remove(ids: readonly string[]): void {
    const known = ids.filter((id) => this.index.has(id));
    if (known.length) this.index.discardAll(known);
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The best `limit` passages for `query`, best first; none when no query word is in any passage. */
  search(query: string, limit: number): LexicalHit[] {
    return this.index
      .search(query)
      .slice(0, limit)
      .map((r, i) => ({ id: String(r.id), score: r.score, rank: i + 1 }));
  }
}
