/**
 * Benchmark harness page: runs the app's own engine path (BrowserEngine -> worker -> tokens
 * arriving in this page) and the bare transformers.js loop (bare-worker.ts), with the same model,
 * prompt and token count, and returns per-round token arrival times.
 */
import { fetchCatalog, toModelRef } from '../../src/catalog/catalog';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { BareRequest } from './bare-worker';

export interface PathRun {
  /** Epoch-ms arrival times of each token, per round. */
  rounds: number[][];
  /** App path only: when the worker produced each token, per round. */
  produced?: number[][];
}

async function runApp(r: BareRequest): Promise<PathRun> {
  const base = new URL('../../', location.href).href;
  const catalog = await fetchCatalog(base);
  const model = catalog.models.find((m) => m.id === r.modelId);
  if (!model) throw new Error(`unknown model ${r.modelId}`);
  const engine = new BrowserEngine({
    createWorker: () => new Worker(new URL('../../src/engine/worker/inference.worker.ts', import.meta.url), { type: 'module' }),
  });
  await engine.load(toModelRef(model, { device: r.device, dtype: r.dtype, reason: 'benchmark' }, base));
  const rounds: number[][] = [];
  const produced: number[][] = [];
  for (let i = 0; i < r.rounds; i++) {
    const times: number[] = [];
    const stream = engine.chat([{ role: 'user', content: r.prompt }], {
      temperature: 0, topP: 1, topK: 0, maxNewTokens: r.tokens, minNewTokens: r.tokens, repetitionPenalty: 1, seed: 0,
    });
    for await (const event of stream) {
      if (event.type === 'token') times.push(performance.timeOrigin + performance.now());
      if (event.type === 'end') produced.push(event.trace.tokenTimes);
    }
    rounds.push(times);
  }
  engine.terminate();
  return { rounds, produced };
}

async function runBare(r: BareRequest): Promise<PathRun> {
  const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  try {
    const result = await new Promise<number[][] | { error: string }>((resolve) => {
      worker.addEventListener('message', (e: MessageEvent<number[][] | { error: string }>) => resolve(e.data), { once: true });
      worker.postMessage(r);
    });
    if (!Array.isArray(result)) throw new Error(result.error);
    return { rounds: result };
  } finally {
    worker.terminate();
  }
}

Object.assign(window, { bench: { runApp, runBare } });
