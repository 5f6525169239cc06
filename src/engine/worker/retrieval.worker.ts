/**
 * The retrieval worker's entry point: sources are cut, counted, indexed and embedded here, and
 * questions grounded, off the page's main thread and apart from the inference worker (an answer
 * being generated does not wait for a document being indexed). It sets up transformers.js like
 * the inference worker (the app's own ONNX Runtime files, the IndexedDB weight cache with its
 * integrity checks) with one WASM thread, and reports its requests to the privacy meter.
 */
import { expose } from 'comlink';
import { IntegrityGuard } from '../../cache/integrity';
import { LexicalIndexStore } from '../../cache/lexical-index-store';
import { SourceContentStore } from '../../cache/source-content-store';
import { observeResources } from '../../privacy/request-log';
import { createRetrievalService } from '../../rag/retrieval-service';
import type { RetrievalWorkerApi } from '../../rag/retrieval-types';
import { installErrorTransfer } from '../rpc';
import { workerProviders } from './retrieval-providers';
import { configureTransformers } from './transformers-env';

installErrorTransfer();

const guard = new IntegrityGuard(self.location.href);
configureTransformers(guard, 1);
const providers = workerProviders({
  device: 'wasm',
  now: () => performance.now(),
  prepare: (ref, fileUrl, alias) => {
    if (alias) guard.alias(alias.from, alias.to);
    for (const f of ref.files ?? [])
      guard.expect(fileUrl(f.path), { ...(f.approximate ? {} : { bytes: f.bytes }), ...(f.sha256 ? { sha256: f.sha256 } : {}) });
  },
});
const service = createRetrievalService({ content: new SourceContentStore(), lexical: new LexicalIndexStore() }, providers);

const api: RetrievalWorkerApi = {
  ...service,
  stats: async () => ({
    ...(await service.stats()),
    tokenizersLoaded: providers.loads.tokenizers,
    embeddersLoaded: providers.loads.embedders,
  }),
  watchRequests(onRequest) {
    performance.setResourceTimingBufferSize(10_000);
    observeResources((url, at) => void Promise.resolve(onRequest(url, at)).catch(() => undefined));
  },
};
expose(api);
