/**
 * Whose tokens grounded prompts are counted in, and for what window: the loaded model's own
 * tokenizer when it runs in this browser (its ref is the one the engine loaded), an estimate when
 * a gateway runs it (the server keeps its tokenizer), and the embedding model to rank with.
 */
import { isEmbeddingModel, type CatalogModel, type Dtype } from '../catalog/schema';
import type { ModelRef } from '../engine/engine-types';
import type { Route } from '../engine/router';
import type { RunPlan } from '../placement/plans';
import { defaultOrder } from '../placement/default-order';
import type { EmbedderSpec, TokenizerSpec } from '../rag/retrieval-types';

/** The window assumed for a gateway model whose server does not say (most serve at least this). */
export const ASSUMED_CONTEXT = 4096;

/** Builds the engine reference of a browser model for a plan (catalog.ts' toModelRef, bound to the app's addresses). */
export type ModelRefFor = (model: CatalogModel, plan: Pick<RunPlan, 'device' | 'dtype'>) => ModelRef;

/** The tokenizer of the model `route` runs: its own in the browser, the estimate on a gateway. */
export function tokenizerFor(route: Route | null, modelRef: ModelRefFor): TokenizerSpec {
  if (!route?.plan) return { kind: 'estimate' };
  return { kind: 'model', ref: modelRef(route.model, route.plan), label: `${route.model.name}'s tokenizer` };
}

/** The context window of the model `route` runs (or of `selected`, before one runs). */
export function contextFor(route: Route | null, selected: CatalogModel | undefined): number {
  return route?.loaded.contextLength ?? route?.model.contextLength ?? selected?.contextLength ?? ASSUMED_CONTEXT;
}

/** Embedding models the user can rank sources with, bundled ones first. */
export function embeddingModels(models: readonly CatalogModel[]): CatalogModel[] {
  const all = models.filter(isEmbeddingModel);
  return [...all.filter((m) => m.source.kind === 'bundled'), ...all.filter((m) => m.source.kind !== 'bundled')];
}

/** The variant the retrieval worker runs of an embedding model: the one WASM tries first. */
export function embedderDtype(model: CatalogModel): Dtype | undefined {
  return defaultOrder(model, 'wasm').find((d) => model.variants.some((v) => v.dtype === d));
}

/**
 * The embedding model passages are ranked with: the one chosen (`choice`, a catalog id), or for
 * 'auto' (and a choice the catalog no longer has) the catalog's first embedding model, a bundled
 * one before a downloaded one; on WASM, in the variant WASM tries first. Its id names the model
 * and variant, so vectors of another variant are never compared with these. Null: BM25 alone
 * ('none', or no embedding model at all).
 */
export function embedderFor(models: readonly CatalogModel[], modelRef: ModelRefFor, choice = 'auto'): EmbedderSpec | null {
  if (choice === 'none') return null;
  const candidates = embeddingModels(models);
  const model = candidates.find((m) => m.id === choice) ?? candidates[0];
  if (!model?.embedding) return null;
  const dtype = embedderDtype(model);
  if (!dtype) return null;
  const { pooling, normalize, dimensions } = model.embedding;
  return {
    id: `${model.id} (${dtype})`,
    name: model.name,
    ref: modelRef(model, { device: 'wasm', dtype }),
    pooling,
    normalize,
    dimensions,
  };
}
