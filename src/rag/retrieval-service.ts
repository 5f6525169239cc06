/**
 * The retrieval service, as the retrieval worker runs it: indexes sources (cut in the model's
 * tokens, BM25, and vectors when an embedding model is given) and grounds questions (rank, fit
 * the window, build the prompt). Free of browser globals: the tokenizer and the embedding model
 * come from providers, storage from IndexStores, so Node tests run it with a real tokenizer.
 * One operation at a time: indexing two files of one conversation at once would race on its index.
 */
import { planGroundedPrompt } from './budget';
import { chunkText } from './chunk';
import { chunkSizes } from './chunk-size';
import { ConversationIndexes, type IndexStores } from './conversation-index';
import type { Embedder } from './embedder';
import { rankPassages } from './retrieve';
import type {
  EmbedderSpec,
  GroundRequest,
  GroundResult,
  IndexReport,
  IndexRequest,
  PassageRef,
  RetrievalApi,
  RetrievalStats,
  TokenizerSpec,
} from './retrieval-types';
import type { TokenCounter } from './tokens';
import { passageText, type RankedChunk } from './types';

export interface RetrievalProviders {
  counter(spec: TokenizerSpec): Promise<TokenCounter>;
  embedder(spec: EmbedderSpec): Promise<Embedder>;
  /** Milliseconds, for the timings. */
  now(): number;
}

/** Passages embedded per call: bounded memory, and progress between batches. */
const EMBED_BATCH = 16;
/** Passages ranked before fitting: more than ever fit, so what was left out can be told. */
const CANDIDATES = 12;
/** Most passages in one prompt. */
const MAX_PASSAGES = 8;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createRetrievalService(stores: IndexStores, providers: RetrievalProviders): RetrievalApi {
  const indexes = new ConversationIndexes(stores);
  const stats = { sourcesIndexed: 0, passagesEmbedded: 0, queriesEmbedded: 0 };
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  async function index(request: IndexRequest): Promise<IndexReport> {
    const started = providers.now();
    const counter = await providers.counter(request.tokenizer);
    const sizes = chunkSizes(request.contextLength);
    const count = await passageCounter(counter, sizes.chunkTokens, request.embedder);
    // Each passage's own count is in the chat model's tokens, whatever bounded its size.
    const chunks = chunkText(request.sourceId, request.text, { ...sizes, count }).map((c) => ({
      ...c,
      tokens: counter.text(passageText(c)),
    }));
    const indexMs = providers.now() - started;
    const warnings: string[] = [];
    let vectors: { embedder: string; dims: number; data: Float32Array } | null = null;
    let embeddingMs: number | null = null;
    if (request.embedder && chunks.length) {
      const embedStart = providers.now();
      try {
        const embedder = await providers.embedder(request.embedder);
        const parts: Float32Array[] = [];
        for (let i = 0; i < chunks.length; i += EMBED_BATCH)
          parts.push(...(await embedder.embed(chunks.slice(i, i + EMBED_BATCH).map(passageText))));
        const dims = parts[0]?.length ?? 0;
        if (!dims || parts.some((p) => p.length !== dims)) throw new Error('the model returned vectors of different sizes');
        const data = new Float32Array(dims * parts.length);
        parts.forEach((p, i) => data.set(p, i * dims));
        vectors = { embedder: embedder.id, dims, data };
        stats.passagesEmbedded += chunks.length;
      } catch (error) {
        warnings.push(`The embedding model could not read this source (${errorText(error)}); it is searched by its words only.`);
      }
      embeddingMs = providers.now() - embedStart;
    }
    await indexes.add(
      { sourceId: request.sourceId, conversationId: request.conversationId, text: request.text, chunks, vectors },
      request.existing,
    );
    stats.sourcesIndexed++;
    return {
      chunkCount: chunks.length,
      chunking: { ...sizes, counter: counter.label },
      embedding: vectors ? { model: vectors.embedder, dims: vectors.dims } : null,
      warnings,
      indexMs,
      embeddingMs,
    };
  }

  /**
   * How passages are measured while cutting: in the chat model's tokens, and, with an embedding
   * model whose window is smaller than a passage, also in its tokens, scaled so that a passage
   * within `chunkTokens` is within both windows (the pipeline would cut the rest off unread).
   */
  async function passageCounter(counter: TokenCounter, chunkTokens: number, embedder: EmbedderSpec | null): Promise<(t: string) => number> {
    const chat = (t: string): number => counter.text(t);
    // The embedding model's [CLS] and [SEP] take two of its tokens.
    const limit = embedder ? embedder.ref.contextLength - 2 : Infinity;
    if (!embedder || limit >= chunkTokens || limit < 1) return chat;
    let embedTokens: TokenCounter;
    try {
      embedTokens = await providers.counter({ kind: 'model', ref: embedder.ref, label: `${embedder.id}'s tokenizer` });
    } catch {
      return chat; // the embedding model will fail to load too, and the source says so
    }
    const scale = chunkTokens / limit;
    return (t) => Math.max(chat(t), Math.ceil(embedTokens.text(t) * scale));
  }

  async function ground(request: GroundRequest): Promise<GroundResult> {
    const started = providers.now();
    const conversation = await indexes.open(
      request.conversationId,
      request.sources.map((s) => s.id),
    );
    const counter = await providers.counter(request.tokenizer);
    let semantic: { query: Float32Array; vectors: ReadonlyMap<string, Float32Array> } | undefined;
    let semanticNote: string | undefined;
    let embeddingMs: number | null = null;
    if (!request.embedder) semanticNote = 'No embedding model is set up: passages were ranked by BM25 alone.';
    else {
      const vectors = conversation.vectors.get(request.embedder.id);
      if (!vectors?.size) semanticNote = `No passage has vectors of ${request.embedder.id}: passages were ranked by BM25 alone.`;
      else {
        const embedStart = providers.now();
        try {
          const embedder = await providers.embedder(request.embedder);
          const [query] = await embedder.embed([request.question]);
          stats.queriesEmbedded++;
          if (query) semantic = { query, vectors };
        } catch (error) {
          // The words still find passages: the answer goes on with BM25 and says why.
          semanticNote = `The embedding model could not read the question (${errorText(error)}): passages were ranked by BM25 alone.`;
        }
        embeddingMs = providers.now() - embedStart;
      }
    }
    const ranked = rankPassages({
      query: request.question,
      index: conversation.index,
      chunks: conversation.chunks,
      limit: CANDIDATES,
      ...(semantic ? { semantic } : {}),
    });
    const sourceNames = new Map(request.sources.map((s) => [s.id, s.name]));
    const plan = planGroundedPrompt({
      systemPrompt: request.systemPrompt,
      history: request.history,
      question: request.question,
      ranked,
      sourceNames,
      contextLength: request.contextLength,
      maxNewTokens: request.maxNewTokens,
      counter,
      maxPassages: MAX_PASSAGES,
    });
    const ref = (r: RankedChunk): PassageRef => ({
      chunkId: r.chunk.id,
      sourceId: r.chunk.sourceId,
      sourceName: sourceNames.get(r.chunk.sourceId) ?? 'source',
      heading: r.chunk.heading,
      fused: r.fused,
      ...(r.lexical ? { lexical: r.lexical } : {}),
      ...(r.semantic ? { semantic: r.semantic } : {}),
    });
    return {
      messages: plan.messages,
      grounding: {
        passages: plan.passages.map((p) => ({ ...ref(p.ranked), n: p.n, text: p.text, tokens: p.tokens })),
        leftOut: plan.leftOut.map(ref),
        statement: plan.statement,
        promptTokens: plan.promptTokens,
        answerTokens: plan.answerTokens,
        contextLength: plan.contextLength,
        counter: counter.label,
        semantic: semantic && request.embedder ? request.embedder.id : null,
        ...(semanticNote ? { semanticNote } : {}),
        retrievalMs: providers.now() - started,
        embeddingMs,
      },
    };
  }

  return {
    index: (request) => serial(() => index(request)),
    forget: (conversationId, removed, remaining) => serial(() => indexes.remove(conversationId, removed, remaining)),
    ground: (request) => serial(() => ground(request)),
    stats: (): Promise<RetrievalStats> => Promise.resolve({ ...stats, ...indexes.counters }),
  };
}
