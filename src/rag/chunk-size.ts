/**
 * How big passages are for a model, from its context window: small enough that several fit next
 * to the question and the answer (an eighth of the window), big enough to hold a fact with its
 * surroundings, never more than 320 tokens (retrieval gets vaguer with longer passages).
 */
import type { ChunkOptions } from './chunk';

const MIN_CHUNK_TOKENS = 48;
const MAX_CHUNK_TOKENS = 320;

/** Passage and overlap sizes for a model reading `contextLength` tokens. */
export function chunkSizes(contextLength: number): Pick<ChunkOptions, 'chunkTokens' | 'overlapTokens'> {
  const chunkTokens = Math.max(MIN_CHUNK_TOKENS, Math.min(MAX_CHUNK_TOKENS, Math.floor(contextLength / 8)));
  return { chunkTokens, overlapTokens: Math.floor(chunkTokens / 4) };
}
