/**
 * The app's embedder on the bundled embedding model, as the retrieval worker runs it (the same
 * providers and loader, onnxruntime-node underneath): the catalog entry chosen by embedderFor,
 * its vectors equal to the PyTorch reference's (tools/embed/golden), the app's semantic ranking
 * finding the held-out questions' passages as often as the reference did, and the retrieval
 * service indexing and grounding with it and the chat model's real tokenizer. Storage in memory
 * (no IndexedDB in Node).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedderFor } from '../../src/app/source-specs';
import type { CatalogModel } from '../../src/catalog/schema';
import type { ModelRef } from '../../src/engine/engine-types';
import { workerProviders } from '../../src/engine/worker/retrieval-providers';
import { semanticSearch } from '../../src/rag/embedder';
import { createRetrievalService } from '../../src/rag/retrieval-service';
import type { EmbedderSpec, TokenizerSpec } from '../../src/rag/retrieval-types';
import { MemorySources } from '../unit/app-fixtures';
import { readEmbedGolden, readEmbedReport, readRetrievalSets } from '../support/embed-golden';
import { PUBLIC_MODELS, readCatalog } from '../support/paths';

/** A bundled model's ref in Node: its folder on disk. */
const folderRef = (model: CatalogModel, plan: Pick<ModelRef, 'device' | 'dtype'>): ModelRef => ({
  id: model.id,
  location: path.join(PUBLIC_MODELS, model.id),
  dtype: plan.dtype,
  device: plan.device,
  contextLength: model.contextLength!,
  files: [...model.files, ...(model.variants.find((v) => v.dtype === plan.dtype)?.files ?? [])],
});

const catalog = readCatalog().models;
const golden = readEmbedGolden();
const report = readEmbedReport();
const spec = embedderFor(catalog, folderRef)!;
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * (b[i] ?? NaN), 0);

describe('the bundled embedding model through the app’s embedder', () => {
  const providers = workerProviders({ device: 'cpu', now: () => performance.now() });

  it('is the one embedderFor picks from the catalog: Pocket Embed, fp32 on WASM, mean-pooled and normalized', () => {
    expect(spec).toMatchObject({ id: 'pocket-embed (fp32)', pooling: 'mean', normalize: true, dimensions: golden.dimensions });
    expect(spec.ref.contextLength).toBe(256);
  });

  it.each(['fp32', 'q8'] as const)('gives the PyTorch vectors for every golden sentence (%s)', async (dtype) => {
    const variant: EmbedderSpec = {
      ...spec,
      id: `pocket-embed (${dtype})`,
      ref: folderRef(
        catalog.find((m) => m.id === 'pocket-embed')!,
        { device: 'wasm', dtype },
      ),
    };
    const embedder = await providers.embedder(variant);
    const vectors = await embedder.embed(golden.cases.map((c) => c.text));
    golden.cases.forEach((c, i) => {
      const want = c.vectors[dtype]!;
      const got = vectors[i]!;
      expect(got).toHaveLength(golden.dimensions);
      // Both are unit vectors: the dot product is the cosine.
      expect(dot(got, want), c.text).toBeGreaterThanOrEqual(0.9999);
      expect(Math.max(...Array.from(got, (x, k) => Math.abs(x - want[k]!))), c.text).toBeLessThanOrEqual(dtype === 'fp32' ? 1e-5 : 2e-3);
    });
  });

  it('ranks the held-out questions’ passages first as often as the PyTorch reference', async () => {
    const set = readRetrievalSets().passages;
    const rows = set.splits['held_out_questions']!;
    const embedder = await providers.embedder(spec);
    const pool = await embedder.embed(set.pool.map((p) => p.text));
    const vectors = new Map(pool.map((v, i) => [String(i), v]));
    let hits = 0;
    for (let start = 0; start < rows.length; start += 32) {
      const batch = rows.slice(start, start + 32);
      const questions = await embedder.embed(batch.map((r) => r.query));
      batch.forEach((r, i) => {
        if (semanticSearch(questions[i]!, vectors, 1)[0]?.id === String(r.target)) hits++;
      });
    }
    const reference = report.retrieval['passages']!['held_out_questions']!['embedding_fp32']!['hit@1'];
    // Ties are broken by order here and shared by the reference: a margin of a hundredth covers them.
    expect(hits / rows.length).toBeGreaterThanOrEqual(reference - 0.01);
  });

  it('indexes a source with vectors and grounds a question by BM25 and similarity fused, with the chat model’s tokenizer', async () => {
    const chat = catalog.find((m) => m.id === 'pocket-chat-1m')!;
    const tokenizer: TokenizerSpec = {
      kind: 'model',
      ref: folderRef(chat, { device: 'wasm', dtype: 'fp32' }),
      label: "Pocket Chat 1M's tokenizer",
    };
    const stores = new MemorySources();
    const service = createRetrievalService(stores.stores, providers);
    const text = [
      '# Countries',
      '',
      'Paris is the capital of France.',
      '',
      '# Animals',
      '',
      'The dog barks at strangers.',
      '',
      '# Tea',
      '',
      'To make tea, pour boiling water over a tea bag and let it steep for three minutes.',
    ].join('\n');
    const report = await service.index({
      conversationId: 'c',
      sourceId: 's',
      text,
      existing: [],
      tokenizer,
      contextLength: 512,
      embedder: spec,
    });
    expect(report.embedding).toEqual({ model: 'pocket-embed (fp32)', dims: golden.dimensions });
    expect(stores.content.get('s')!.vectors!.data).toHaveLength(golden.dimensions * report.chunkCount);
    const { grounding } = await service.ground({
      conversationId: 'c',
      sources: [{ id: 's', name: 'facts.md' }],
      systemPrompt: '',
      history: [],
      question: 'What is the capital of France?',
      contextLength: 512,
      maxNewTokens: 256,
      tokenizer,
      embedder: spec,
    });
    expect(grounding.semantic).toBe('pocket-embed (fp32)');
    expect(grounding.passages[0]).toMatchObject({ heading: 'Countries', lexical: { rank: 1 }, semantic: { rank: 1 } });
    expect(grounding.passages.every((p) => p.semantic !== undefined)).toBe(true);
    expect(grounding.embeddingMs).toBeGreaterThan(0);
  });
});
