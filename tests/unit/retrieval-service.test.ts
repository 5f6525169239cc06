/**
 * The retrieval service's semantic half, through the Embedder interface: passages get vectors at
 * indexing, kept with them and loaded again (never re-embedded), the question is embedded and its
 * ranking fused with BM25, and an embedding model that fails costs the semantic half only, in words.
 *
 * No embedding model runs here yet (the bundled one is being trained), so the embedder is a small
 * concept model written for this test: each word maps to a concept and a text's vector is its
 * normalized concept counts, so "lamp" and "lantern" are close without sharing a word, which is
 * exactly what BM25 cannot see. Token counts are the estimate (tests/node uses the real tokenizer).
 */
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/rag/embedder';
import { createRetrievalService } from '../../src/rag/retrieval-service';
import type { EmbedderSpec, GroundRequest } from '../../src/rag/retrieval-types';
import { estimatedTokens } from '../../src/rag/tokens';
import { MemorySources } from './app-fixtures';

const CONCEPTS: Record<string, number> = {
  lamp: 0,
  lantern: 0,
  light: 0,
  battery: 1,
  power: 1,
  cell: 1,
  garden: 2,
  moss: 2,
  gate: 3,
  door: 3,
};
const DIMS = 5;

function conceptEmbedder(id: string, fail?: (text: string) => boolean): Embedder {
  return {
    id,
    embed: (texts) => {
      const bad = texts.find((t) => fail?.(t));
      if (bad !== undefined) return Promise.reject(new Error('sequence too long for the model'));
      return Promise.resolve(
        texts.map((t) => {
          const v = new Float32Array(DIMS);
          for (const word of t.toLowerCase().match(/[a-z]+/g) ?? []) v[CONCEPTS[word] ?? DIMS - 1]! += 1;
          const norm = Math.hypot(...v) || 1;
          return v.map((x) => x / norm);
        }),
      );
    },
  };
}

const SPEC: EmbedderSpec = {
  id: 'concepts',
  name: 'Concepts',
  ref: { id: 'concepts', location: 'nowhere', dtype: 'fp32', contextLength: 128 },
  pooling: 'mean',
  normalize: true,
  dimensions: DIMS,
};

function service(stores: MemorySources, embedder: Embedder) {
  return createRetrievalService(stores.stores, {
    counter: () => Promise.resolve(estimatedTokens),
    embedder: () => Promise.resolve(embedder),
    now: () => performance.now(),
  });
}

const request = (question: string, sources: { id: string; name: string }[]): GroundRequest => ({
  conversationId: 'c',
  sources,
  systemPrompt: '',
  history: [],
  question,
  contextLength: 4096,
  maxNewTokens: 256,
  tokenizer: { kind: 'estimate' },
  embedder: SPEC,
});

const DOC = '# Care\n\nThe lantern runs on a power cell.\n\n# Garden\n\nThe moss garden opens its gate at seven.';

describe('retrieval service with an embedding model', () => {
  it('embeds passages when indexing, stores the vectors, and fuses similarity with BM25 when grounding', async () => {
    const stores = new MemorySources();
    const s = service(stores, conceptEmbedder('concepts'));
    const report = await s.index({
      conversationId: 'c',
      sourceId: 'd',
      text: DOC,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: SPEC,
    });
    expect(report.embedding).toEqual({ model: 'concepts', dims: DIMS });
    const stored = stores.content.get('d')!;
    expect(stored.vectors?.data).toHaveLength(DIMS * stored.chunks.length);
    // No word of the question is in the lantern passage: only similarity finds it.
    const { grounding, messages } = await s.ground(request('Which battery does the lamp take?', [{ id: 'd', name: 'care.md' }]));
    expect(grounding.semantic).toBe('concepts');
    expect(grounding.passages[0]).toMatchObject({ heading: 'Care', n: 1 });
    expect(grounding.passages[0]!.lexical).toBeUndefined();
    expect(grounding.passages[0]!.semantic?.rank).toBe(1);
    expect(grounding.embeddingMs).toBeGreaterThanOrEqual(0);
    expect(messages.at(-1)!.content).toContain('[1] care.md › Care\nThe lantern runs on a power cell.');
    expect(await s.stats()).toMatchObject({ sourcesIndexed: 1, passagesEmbedded: 2, queriesEmbedded: 1 });
  });

  it('cuts passages that fit the embedding model’s window too, when it is smaller than the chat model’s passages', async () => {
    const stores = new MemorySources();
    const s = service(stores, conceptEmbedder('concepts'));
    // A 14-token window (12 without [CLS] and [SEP]); passages for a 4,096-token chat model would be 320 tokens.
    const small: EmbedderSpec = { ...SPEC, ref: { ...SPEC.ref, contextLength: 14 } };
    const text = Array.from({ length: 12 }, (_, i) => `The lantern ${i} runs on a power cell for ${i} hours.`).join(' ');
    await s.index({
      conversationId: 'c',
      sourceId: 'd',
      text,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: small,
    });
    const chunks = stores.content.get('d')!.chunks;
    expect(chunks.length).toBeGreaterThan(6);
    for (const c of chunks) expect(estimatedTokens.text(c.text)).toBeLessThanOrEqual(12);
    // Their counts are still the chat model's (here the estimate, for both).
    for (const c of chunks) expect(c.tokens).toBe(estimatedTokens.text(c.text));
    // Without an embedding model the same text makes one passage.
    await service(stores, conceptEmbedder('concepts')).index({
      conversationId: 'c2',
      sourceId: 'e',
      text,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: null,
    });
    expect(stores.content.get('e')!.chunks).toHaveLength(1);
  });

  it('loads stored vectors in a new service instead of embedding the passages again', async () => {
    const stores = new MemorySources();
    await service(stores, conceptEmbedder('concepts')).index({
      conversationId: 'c',
      sourceId: 'd',
      text: DOC,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: SPEC,
    });
    const again = service(stores, conceptEmbedder('concepts'));
    const { grounding } = await again.ground(request('lamp battery', [{ id: 'd', name: 'care.md' }]));
    expect(grounding.passages[0]!.semantic?.rank).toBe(1);
    expect(await again.stats()).toMatchObject({ sourcesIndexed: 0, passagesEmbedded: 0, queriesEmbedded: 1, lexicalLoaded: 1 });
  });

  it('keeps a source the embedding model cannot read, searched by its words, and says so', async () => {
    const stores = new MemorySources();
    const s = service(
      stores,
      conceptEmbedder('concepts', (t) => t.includes('moss')),
    );
    const report = await s.index({
      conversationId: 'c',
      sourceId: 'd',
      text: DOC,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: SPEC,
    });
    expect(report.embedding).toBeNull();
    expect(report.warnings).toEqual([
      'The embedding model could not read this source (sequence too long for the model); it is searched by its words only.',
    ]);
    expect(report.chunkCount).toBe(2);
    const { grounding } = await s.ground(request('When does the moss garden gate open?', [{ id: 'd', name: 'care.md' }]));
    expect(grounding.semantic).toBeNull();
    expect(grounding.semanticNote).toBe('No passage has vectors of concepts: passages were ranked by BM25 alone.');
    expect(grounding.passages[0]!.heading).toBe('Garden');
  });

  it('answers from BM25 when the question cannot be embedded, and says why', async () => {
    const stores = new MemorySources();
    const s = service(
      stores,
      conceptEmbedder('concepts', (t) => t.startsWith('Question too long')),
    );
    await s.index({
      conversationId: 'c',
      sourceId: 'd',
      text: DOC,
      existing: [],
      tokenizer: { kind: 'estimate' },
      contextLength: 4096,
      embedder: SPEC,
    });
    const { grounding } = await s.ground(
      request('Question too long: when does the moss garden gate open?', [{ id: 'd', name: 'care.md' }]),
    );
    expect(grounding.semantic).toBeNull();
    expect(grounding.semanticNote).toMatch(/^The embedding model could not read the question \(sequence too long for the model\)/);
    expect(grounding.passages[0]!.heading).toBe('Garden');
  });
});
