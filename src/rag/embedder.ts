/**
 * The semantic half of retrieval, behind one interface: an Embedder turns texts into unit
 * vectors (mean-pooled and normalized, so a dot product is the cosine similarity). The app's
 * implementation runs a feature-extraction model in the retrieval worker; retrieval works
 * without one (lexical only).
 */

/** Turns texts into unit-length vectors of one model. */
export interface Embedder {
  /** The model and its vector size, e.g. "pocket-embed (q8) · 64 dims": vectors of different ids never mix. */
  readonly id: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Cosine similarity of two unit vectors. */
export function similarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** A hit of a semantic search: the chunk id, its similarity to the query and rank (1 = best). */
export interface SemanticHit {
  id: string;
  score: number;
  rank: number;
}

/** The `limit` passages most similar to `query`, best first. */
export function semanticSearch(query: Float32Array, vectors: ReadonlyMap<string, Float32Array>, limit: number): SemanticHit[] {
  return [...vectors]
    .map(([id, v]) => ({ id, score: similarity(query, v) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((hit, i) => ({ ...hit, rank: i + 1 }));
}
