/**
 * Benchmark harness page: holds the app's own engine path (BrowserEngine -> worker -> tokens
 * arriving in this page) and the bare transformers.js loop (bare-worker.ts) loaded side by side
 * on the same model, so the driver can alternate their rounds and both see the same machine.
 */
import { wrap, type Remote } from 'comlink';
import { fetchCatalog, toModelRef } from '../../src/catalog/catalog';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { BareApi, BareRequest } from './bare-worker';

export interface RoundTimes {
  /** Epoch-ms arrival time of each token in this page (app) or in the bare worker. */
  arrived: number[];
  /** App path only: when the inference worker produced each token. */
  produced?: number[];
}

/** An app path to open: `tokenBatchMs` as BrowserEngineOptions (the app's default when absent). */
export interface AppRequest extends BareRequest {
  name: string;
  tokenBatchMs?: number;
}

const apps = new Map<string, { engine: BrowserEngine; request: BareRequest }>();
let bare: { worker: Worker; api: Remote<BareApi> } | null = null;

async function openApp(r: AppRequest): Promise<void> {
  const base = new URL('../../', location.href).href;
  const catalog = await fetchCatalog(base);
  const model = catalog.models.find((m) => m.id === r.modelId);
  if (!model) throw new Error(`unknown model ${r.modelId}`);
  const engine = new BrowserEngine({
    createWorker: () => new Worker(new URL('../../src/engine/worker/inference.worker.ts', import.meta.url), { type: 'module' }),
    ...(r.tokenBatchMs === undefined ? {} : { tokenBatchMs: r.tokenBatchMs }),
  });
  await engine.load(toModelRef(model, { device: r.device, dtype: r.dtype, reason: 'benchmark' }, base));
  apps.set(r.name, { engine, request: r });
}

async function appRound(name: string): Promise<RoundTimes> {
  const app = apps.get(name);
  if (!app) throw new Error(`openApp(${name}) first`);
  const { engine, request } = app;
  const arrived: number[] = [];
  let produced: number[] = [];
  const stream = engine.chat([{ role: 'user', content: request.prompt }], {
    temperature: 0, topP: 1, topK: 0, maxNewTokens: request.tokens, minNewTokens: request.tokens, repetitionPenalty: 1, seed: 0,
  });
  for await (const event of stream) {
    // A batch of tokens arrives at once: each of them arrived then.
    if (event.type === 'token') for (let i = 0; i < (event.count ?? 1); i++) arrived.push(performance.timeOrigin + performance.now());
    if (event.type === 'end') produced = event.trace.tokenTimes;
  }
  return { arrived, produced };
}

function closeApps(): void {
  for (const app of apps.values()) app.engine.terminate();
  apps.clear();
}

async function openBare(r: BareRequest): Promise<void> {
  const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  bare = { worker, api: wrap<BareApi>(worker) };
  await bare.api.load(r);
}

async function bareRound(): Promise<RoundTimes> {
  if (!bare) throw new Error('openBare() first');
  return { arrived: await bare.api.round() };
}

async function closeBare(): Promise<void> {
  await bare?.api.dispose();
  bare?.worker.terminate();
  bare = null;
}

const bench = { openApp, appRound, closeApps, openBare, bareRound, closeBare };
export type BenchPage = typeof bench;
Object.assign(window, { bench });
