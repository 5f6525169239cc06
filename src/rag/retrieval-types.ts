/**
 * What the page and the retrieval worker say to each other: index a source, forget sources, and
 * ground a question (retrieve, fit, build the prompt). Plain data only (structured clone), so the
 * same service runs in the worker, and in Node tests without one.
 */
import type { ChatMessage, ModelRef } from '../engine/engine-types';

/** Whose tokens passages and prompts are counted in: a model's tokenizer, or an estimate. */
export type TokenizerSpec = { kind: 'model'; ref: ModelRef; label: string } | { kind: 'estimate' };

/** The embedding model to run (a catalog entry with task "feature-extraction"); `id` names its vectors. */
export interface EmbedderSpec {
  id: string;
  /** For people: "Pocket Embed". */
  name: string;
  ref: ModelRef;
  /** From the catalog's `embedding` block: how the pipeline makes one vector of a text, and its size. */
  pooling: 'mean' | 'cls' | 'first_token' | 'eos' | 'last_token';
  normalize: boolean;
  dimensions: number;
}

export interface IndexRequest {
  conversationId: string;
  sourceId: string;
  text: string;
  /** The conversation's other sources, already indexed. */
  existing: string[];
  tokenizer: TokenizerSpec;
  /** The context window passages are sized for. */
  contextLength: number;
  embedder: EmbedderSpec | null;
}

export interface IndexReport {
  chunkCount: number;
  chunking: { chunkTokens: number; overlapTokens: number; counter: string };
  embedding: { model: string; dims: number } | null;
  /** E.g. the embedding model could not read the source: it is searched by words only. */
  warnings: string[];
  /** Cutting, counting and BM25 indexing. */
  indexMs: number;
  embeddingMs: number | null;
}

/** Where a passage stood in each ranking. */
export interface PassageScores {
  /** Reciprocal rank fusion score. */
  fused: number;
  lexical?: { rank: number; score: number };
  semantic?: { rank: number; score: number };
}

/** A passage as the answer and the page refer to it. */
export interface PassageRef extends PassageScores {
  chunkId: string;
  sourceId: string;
  sourceName: string;
  heading: string;
}

/** A passage that went into the prompt as [n]. */
export interface GroundedPassage extends PassageRef {
  n: number;
  text: string;
  tokens: number;
}

export interface GroundRequest {
  conversationId: string;
  /** The conversation's sources (ids and names), in the order they were added. */
  sources: { id: string; name: string }[];
  systemPrompt: string;
  history: ChatMessage[];
  question: string;
  contextLength: number;
  maxNewTokens: number;
  tokenizer: TokenizerSpec;
  embedder: EmbedderSpec | null;
}

/** What the answer was grounded on: kept with the answer (without the messages). */
export interface Grounding {
  passages: GroundedPassage[];
  /** Retrieved, but not in the prompt (no room, or over the passage limit), best first. */
  leftOut: PassageRef[];
  /** What was left out and why, in words; '' when nothing was. */
  statement: string;
  promptTokens: number;
  answerTokens: number;
  contextLength: number;
  /** Whose tokens: "Pocket Chat 1M's tokenizer" or the estimate's label. */
  counter: string;
  /** The embedding model the semantic ranking used; null: BM25 only (and `semanticNote` says why). */
  semantic: string | null;
  semanticNote?: string;
  /** Ranking, fitting and building the prompt, in the worker (embedding the question included). */
  retrievalMs: number;
  /** Embedding the question, when an embedding model ran. */
  embeddingMs: number | null;
}

export interface GroundResult {
  messages: ChatMessage[];
  grounding: Grounding;
}

/** Counts of the work done so far, so tests can tell loading from re-indexing. */
export interface RetrievalStats {
  sourcesIndexed: number;
  passagesEmbedded: number;
  queriesEmbedded: number;
  lexicalLoaded: number;
  lexicalRebuilt: number;
}

/** The retrieval service (see retrieval-service.ts). */
export interface RetrievalApi {
  index(request: IndexRequest): Promise<IndexReport>;
  /** Forgets sources of a conversation (`remaining`: the ones it keeps). */
  forget(conversationId: string, removed: string[], remaining: string[]): Promise<void>;
  ground(request: GroundRequest): Promise<GroundResult>;
  stats(): Promise<RetrievalStats>;
}

/** What the retrieval worker exposes: the service, its models' load counts, and its requests for the privacy meter. */
export interface RetrievalWorkerApi extends RetrievalApi {
  stats(): Promise<RetrievalStats & { tokenizersLoaded?: number; embeddersLoaded?: number }>;
  watchRequests(onRequest: (url: string, at: number) => unknown): void;
}
