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
/** Bare loops by name: each in a worker (a thread) of its own. */
const bares = new Map<string, { worker: Worker; api: Remote<BareApi> }>();

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

async function openBare(r: BareRequest & { name: string }): Promise<void> {
  const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<BareApi>(worker);
  bares.set(r.name, { worker, api });
  await api.load(r);
}

async function bareRound(name: string): Promise<RoundTimes> {
  const bare = bares.get(name);
  if (!bare) throw new Error(`openBare(${name}) first`);
  return { arrived: await bare.api.round() };
}

async function closeBares(): Promise<void> {
  for (const bare of bares.values()) {
    await bare.api.dispose();
    bare.worker.terminate();
  }
  bares.clear();
}

let runner: { worker: Worker; api: Remote<BareApi> } | null = null;

/** The app's ModelRunner alone in a worker (see bare-worker.ts), on the app's own ModelRef. */
async function openRunner(r: BareRequest): Promise<void> {
  const base = new URL('../../', location.href).href;
  const model = (await fetchCatalog(base)).models.find((m) => m.id === r.modelId);
  if (!model) throw new Error(`unknown model ${r.modelId}`);
  const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  runner = { worker, api: wrap<BareApi>(worker) };
  await runner.api.loadRunner(toModelRef(model, { device: r.device, dtype: r.dtype, reason: 'benchmark' }, base), r.prompt, r.tokens);
}

async function runnerRound(): Promise<RoundTimes> {
  if (!runner) throw new Error('openRunner() first');
  return { arrived: await runner.api.runnerRound() };
}

async function closeRunner(): Promise<void> {
  await runner?.api.dispose();
  runner?.worker.terminate();
  runner = null;
}

const bench = { openApp, appRound, closeApps, openBare, bareRound, closeBares, openRunner, runnerRound, closeRunner };
export type BenchPage = typeof bench;
Object.assign(window, { bench });
