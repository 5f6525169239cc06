/**
 * Ranks a conversation's passages for a question: BM25 and, when the passages have vectors, the
 * embedding model's similarity, fused by reciprocal rank. Each passage keeps its place in both
 * rankings, so the page can show why it was chosen.
 */
import { semanticSearch } from './embedder';
import { reciprocalRankFusion } from './fusion';
import type { LexicalIndex } from './lexical-index';
import type { Chunk, RankedChunk } from './types';

/** How many passages each ranking contributes before fusion. */
export const RANKING_DEPTH = 50;

export interface RetrievalInput {
  query: string;
  index: LexicalIndex;
  chunks: ReadonlyMap<string, Chunk>;
  /** The question's vector and the passages', when an embedding model ran. */
  semantic?: { query: Float32Array; vectors: ReadonlyMap<string, Float32Array> };
  /** Most passages returned. */
  limit: number;
}

/** The best `limit` passages for the query, best first (see the module comment). */
export function rankPassages(input: RetrievalInput): RankedChunk[] {
  const lexical = input.index.search(input.query, RANKING_DEPTH).filter((h) => input.chunks.has(h.id));
  const semantic = input.semantic ? semanticSearch(input.semantic.query, input.semantic.vectors, RANKING_DEPTH) : [];
  const byLexical = new Map(lexical.map((h) => [h.id, h]));
  const bySemantic = new Map(semantic.map((h) => [h.id, h]));
  const fused = reciprocalRankFusion([lexical.map((h) => h.id), semantic.map((h) => h.id)]);
  return fused.slice(0, input.limit).flatMap(({ id, score }) => {
    const chunk = input.chunks.get(id);
    if (!chunk) return [];
    const l = byLexical.get(id);
    const s = bySemantic.get(id);
    return [
      {
        chunk,
        fused: score,
        ...(l ? { lexical: { rank: l.rank, score: l.score } } : {}),
        ...(s ? { semantic: { rank: s.rank, score: s.score } } : {}),
      },
    ];
  });
}
