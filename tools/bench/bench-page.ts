/**
 * Benchmark harness page: holds the app's own engine path (BrowserEngine -> worker -> tokens
 * arriving in this page), the bare transformers.js loop and the app's runner alone (bare-worker.ts)
 * loaded side by side on the same model, so the driver can alternate their rounds and all see the
 * same machine.
 */
import { wrap, type Remote } from 'comlink';
import { fetchCatalog, toModelRef } from '../../src/catalog/catalog';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { BareApi, BareRequest } from './bare-worker';
import type { ModelRef } from '../../src/engine/engine-types';
import { greedyParams } from './greedy-params';
import { installErrorTransfer } from '../../src/engine/rpc';

// Before any worker replies: BrowserEngine installs it too, but a bare loop may be opened first.
installErrorTransfer();

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
/** Bare loops and the runner alone, by name: each in a worker (a thread) of its own. */
const workers = new Map<string, { worker: Worker; api: Remote<BareApi> }>();

/** The ModelRef the app itself would load for this request, from the served catalog. */
async function appModelRef(r: BareRequest): Promise<ModelRef> {
  const base = new URL('../../', location.href).href;
  const model = (await fetchCatalog(base)).models.find((m) => m.id === r.modelId);
  if (!model) throw new Error(`unknown model ${r.modelId}`);
  return toModelRef(model, { device: r.device, dtype: r.dtype }, base);
}

async function openApp(r: AppRequest): Promise<void> {
  const engine = new BrowserEngine({
    createWorker: () => new Worker(new URL('../../src/engine/worker/inference.worker.ts', import.meta.url), { type: 'module' }),
    ...(r.tokenBatchMs === undefined ? {} : { tokenBatchMs: r.tokenBatchMs }),
  });
  await engine.load(await appModelRef(r));
  apps.set(r.name, { engine, request: r });
}

async function appRound(name: string): Promise<RoundTimes> {
  const app = apps.get(name);
  if (!app) throw new Error(`openApp(${name}) first`);
  const { engine, request } = app;
  const arrived: number[] = [];
  let produced: number[] = [];
  for await (const event of engine.chat([{ role: 'user', content: request.prompt }], greedyParams(request.tokens))) {
    if (event.type === 'token') {
      // A batch of tokens arrives at once: each of them arrived then.
      const at = performance.timeOrigin + performance.now();
      for (let i = 0; i < (event.count ?? 1); i++) arrived.push(at);
    }
    if (event.type === 'end') produced = event.trace.tokenTimes;
  }
  return { arrived, produced };
}

function closeApps(): void {
  for (const app of apps.values()) app.engine.terminate();
  apps.clear();
}

function startWorker(name: string): Remote<BareApi> {
  const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
  const api = wrap<BareApi>(worker);
  workers.set(name, { worker, api });
  return api;
}

function workerApi(name: string): Remote<BareApi> {
  const w = workers.get(name);
  if (!w) throw new Error(`open ${name} first`);
  return w.api;
}

async function openBare(r: BareRequest & { name: string }): Promise<void> {
  await startWorker(r.name).load(r);
}

async function bareRound(name: string): Promise<RoundTimes> {
  return { arrived: await workerApi(name).round() };
}

/** The app's ModelRunner alone in a worker (see bare-worker.ts), on the app's own ModelRef. */
async function openRunner(r: BareRequest & { name: string }): Promise<void> {
  await startWorker(r.name).loadRunner(await appModelRef(r), r.prompt, r.tokens);
}

async function runnerRound(name: string): Promise<RoundTimes> {
  return { arrived: await workerApi(name).runnerRound() };
}

async function closeWorkers(): Promise<void> {
  for (const { worker, api } of workers.values()) {
    await api.dispose();
    worker.terminate();
  }
  workers.clear();
}

const bench = { openApp, appRound, closeApps, openBare, bareRound, openRunner, runnerRound, closeWorkers };
export type BenchPage = typeof bench;
Object.assign(window, { bench });
