/**
 * transformers.js' process-wide settings in the browser worker, set once before any load:
 *
 * - ORT's wasm is served by this app (never a CDN): its URLs come from Vite's asset pipeline.
 * - Every model file and the wasm go through the IndexedDB weight cache, after integrity checks.
 * - ONNX Runtime gets the WASM threads `wasmThreadCount` allows.
 *
 * Nothing here changes per load; what does is passed per load, or set for the time of a load's
 * file fetching only (see model-source.ts).
 */
import { env, LogLevel } from '@huggingface/transformers';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { describeCacheProblems } from '../../cache/cache-problems';
import type { IntegrityGuard } from '../../cache/integrity';
import { WeightCache, type CacheNotice } from '../../cache/weight-cache';

/** The weight cache the loads go through, and what went wrong in it since the last look. */
export interface WorkerCache {
  cache: WeightCache;
  /** Problems storing files since the last call (storage full...), in words. */
  takeProblems(): string[];
}

/** Configures transformers.js for this worker; returns the weight cache it reads and writes. */
export function configureTransformers(guard: IntegrityGuard, threads: number): WorkerCache {
  // Notices of the load in progress, handed to the page with the loaded model.
  let notices: CacheNotice[] = [];
  const cache = new WeightCache(guard, (notice) => {
    notices.push(notice);
    console.warn(`[weight cache] ${notice.kind}: ${notice.url}: ${notice.reason}`);
  });
  env.logLevel = LogLevel.ERROR;
  env.useBrowserCache = false;
  env.useCustomCache = true;
  env.customCache = cache;
  env.useWasmCache = true;
  env.fetch = guard.wrap(fetch.bind(self));
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.wasmPaths = {
      wasm: new URL(ortWasmUrl, self.location.href).href,
      mjs: new URL(ortMjsUrl, self.location.href).href,
    };
    wasm.numThreads = threads;
  }
  return {
    cache,
    takeProblems: () => {
      const problems = describeCacheProblems(notices);
      notices = [];
      return problems;
    },
  };
}
