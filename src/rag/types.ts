/**
 * The data of grounded answers, shared by ingestion, the index, the worker and the page: what a
 * source is, the passages it is cut into, and what retrieval found for a question.
 */

/** How a source reached the app. */
export const SOURCE_KINDS = ['pasted', 'text', 'markdown', 'html', 'pdf', 'docx'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A document's text as extracted, before it is cut up: headings as Markdown `#` lines. */
export interface ExtractedSource {
  name: string;
  kind: SourceKind;
  /** Bytes of the file, or UTF-8 bytes of pasted text. */
  bytes: number;
  text: string;
  /** What extraction could not keep, in words (pages without text, a docx's unsupported parts). */
  warnings: string[];
}

/** One passage of a source: the unit that is indexed, retrieved and cited. */
export interface Chunk {
  /** `${sourceId}#${index}`: unique across sources. */
  id: string;
  sourceId: string;
  /** Position in the source, from 0. */
  index: number;
  /** The heading trail above the passage ("Install › Windows"), or ''. */
  heading: string;
  text: string;
  /** Tokens of `passageText(chunk)` in the counter the source was cut with. */
  tokens: number;
  /** Character offsets of `text`'s first and last source characters (overlap makes ranges meet). */
  start: number;
  end: number;
}

/** A chunk as retrieval ranked it: where it stood in each ranking, and the fused score. */
export interface RankedChunk {
  chunk: Chunk;
  /** Reciprocal rank fusion score (higher is better). */
  fused: number;
  /** BM25 rank (1 = best) and score; absent when no query term is in the passage. */
  lexical?: { rank: number; score: number };
  /** Rank by cosine similarity to the question and the similarity; absent without embeddings. */
  semantic?: { rank: number; score: number };
}

/** The text that represents a chunk in the lexical index and the embedding: heading, then body. */
export function passageText(chunk: Pick<Chunk, 'heading' | 'text'>): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}
