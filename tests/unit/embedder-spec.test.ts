/**
 * Which embedding model grounded answers rank with (source-specs.ts), and that embedding models
 * stay out of the chat: the picker's and benchmark's list, and the slot's fallback.
 */
import { describe, expect, it } from 'vitest';
import { toModelRef } from '../../src/catalog/catalog';
import type { CatalogModel } from '../../src/catalog/schema';
import { embedderFor } from '../../src/app/source-specs';
import { BASE_URL, catalog, testApp } from './app-fixtures';

const refFor = (model: CatalogModel, plan: { device: 'wasm' | 'webgpu'; dtype: CatalogModel['variants'][number]['dtype'] }) =>
  toModelRef(model, plan, BASE_URL);

/** The catalog's chat models only. */
const chatOnly = catalog.filter((m) => m.task !== 'feature-extraction');

/** An embedding model entry at another source, made from the shipped one. */
function embedding(id: string, source: CatalogModel['source'] = { kind: 'bundled', path: `models/${id}` }): CatalogModel {
  const chat = catalog.find((m) => m.id === 'pocket-chat-1m')!;
  return {
    ...chat,
    id,
    name: id,
    source,
    tasks: [],
    task: 'feature-extraction',
    embedding: { dimensions: 128, pooling: 'mean', normalize: true },
  };
}

describe('embedderFor', () => {
  it('is null without an embedding model: retrieval is BM25 alone', () => {
    expect(embedderFor(chatOnly, refFor)).toBeNull();
  });

  it('takes the bundled embedding model on WASM in the variant WASM tries first, and names its vectors by model and variant', () => {
    const hubbed = embedding('hub-embed', { kind: 'hub', repo: 'owner/embed', revision: 'abc' });
    const spec = embedderFor([hubbed, ...catalog], refFor);
    // Pocket Embed's fp32 weights are small enough that WASM tries fp32 first (placement/default-order.ts).
    expect(spec?.id).toBe('pocket-embed (fp32)');
    expect(spec?.ref).toMatchObject({ id: 'pocket-embed', device: 'wasm', dtype: 'fp32', location: `${BASE_URL}models/pocket-embed/` });
    expect(spec).toMatchObject({ pooling: 'mean', normalize: true, dimensions: 128 });
    expect(embedderFor([...chatOnly, hubbed], refFor)?.ref.hub).toEqual({ repo: 'owner/embed', revision: 'abc' });
  });
});

describe('embedding models in the app', () => {
  it('never appear among the chat models, and a choice of one falls back to a chat model', async () => {
    const { app, userModels } = testApp({ preferences: { modelId: 'pocket-embed' } });
    await userModels.save(embedding('my-embed', { kind: 'local', path: 'local/my-embed' }));
    await app.catalog.loadUserModels();
    expect(app.catalog.embeddingModels.map((m) => m.id)).toEqual(['pocket-embed', 'my-embed']);
    expect(app.catalog.chatModels.map((m) => m.id)).not.toContain('pocket-embed');
    expect(app.catalog.chatModels.map((m) => m.id)).not.toContain('my-embed');
    expect(app.catalog.chatModels).toHaveLength(app.catalog.models.length - 2);
    expect(app.models.primary.selected?.id).toBe('pocket-chat-1m');
  });
});
