/**
 * The retrieval service's tokenizers and embedding models in a worker (browser or Node): each
 * loaded once and kept (a tokenizer is a few MB; there is one embedding model at a time), through
 * `prepare` (the browser's integrity expectations for the model's files).
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelRef } from '../engine-types';
import type { Embedder } from '../../rag/embedder';
import type { RetrievalProviders } from '../../rag/retrieval-service';
import { estimatedTokens } from '../../rag/tokens';
import { loadFeatureExtractor } from './feature-extractor';
import { loadTokenizer, tokenCounter } from './token-counter';

/** What to do before a model's files are fetched (see loadTokenizer). */
export type PrepareFiles = (ref: ModelRef, fileUrl: (path: string) => string, alias?: { from: string; to: string }) => void;

/** A model's files: the same ref elsewhere (another dtype, device) shares the tokenizer. */
const refKey = (ref: ModelRef): string => `${ref.location}|${ref.hub ? `${ref.hub.repo}@${ref.hub.revision}` : ''}`;

export function workerProviders(options: { device: 'wasm' | 'cpu'; prepare?: PrepareFiles; now: () => number }): RetrievalProviders & {
  /** How many tokenizers were loaded (a reload that loads none did not re-count anything). */
  readonly loads: { tokenizers: number; embedders: number };
} {
  const tokenizers = new Map<string, Promise<PreTrainedTokenizer>>();
  let embedder: { key: string; loading: Promise<Embedder> } | null = null;
  const loads = { tokenizers: 0, embedders: 0 };
  return {
    loads,
    now: options.now,
    async counter(spec) {
      if (spec.kind === 'estimate') return estimatedTokens;
      const key = refKey(spec.ref);
      let loading = tokenizers.get(key);
      if (!loading) {
        loads.tokenizers++;
        loading = loadTokenizer(spec.ref, options.prepare);
        tokenizers.set(key, loading);
        // A failed load is tried again next time, not remembered.
        loading.catch(() => tokenizers.delete(key));
      }
      return tokenCounter(await loading, spec.label);
    },
    embedder(spec) {
      const key = `${spec.id}|${refKey(spec.ref)}|${spec.ref.dtype}`;
      if (embedder?.key !== key) {
        loads.embedders++;
        const loading = loadFeatureExtractor(spec, options.device, options.prepare);
        const current = { key, loading };
        embedder = current;
        loading.catch(() => {
          if (embedder === current) embedder = null;
        });
      }
      return embedder.loading;
    },
  };
}
