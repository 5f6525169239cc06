/**
 * Benchmark harness page: holds the app's own engine path (BrowserEngine -> worker -> tokens
 * arriving in this page), the bare transformers.js loops and the app's runner alone (bare-worker.ts)
 * loaded side by side on the same model, so the driver can alternate their rounds and all see the
 * same machine; and the app's cold start, measured from here (cold-start-page.ts).
 */
import { wrap, type Remote } from 'comlink';
import { fetchCatalog, toModelRef } from '../../src/catalog/catalog';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { ModelRef } from '../../src/engine/engine-types';
import { installErrorTransfer } from '../../src/engine/rpc';
import type { BareApi } from './bare-worker';
import type { AppRequest, BareRequest, RoundTimes } from './bench-types';
import { coldStart, ortWasmCompileMs } from './cold-start-page';
import type { SweepPlan } from './context-plan';
import { greedyParams } from './greedy-params';

// Before any worker replies: BrowserEngine installs it too, but a bare loop may be opened first.
installErrorTransfer();

const apps = new Map<string, { engine: BrowserEngine; request: AppRequest }>();
/** Bare loops and the runner alone, by name: each in a worker (a thread) of its own. */
const workers = new Map<string, { worker: Worker; api: Remote<BareApi> }>();

/** The ModelRef the app itself would load for this request: the one given, else the served catalog's. */
async function appModelRef(r: AppRequest): Promise<ModelRef> {
  if (r.ref) return r.ref;
  const base = new URL('../../', location.href).href;
  const model = (await fetchCatalog(base)).models.find((m) => m.id === r.modelId);
  if (!model) throw new Error(`unknown model ${r.modelId}`);
  return toModelRef(model, { device: r.device, dtype: r.dtype }, base);
}

/** The inference worker, as main.ts starts it. */
const appWorker = (): Worker => new Worker(new URL('../../src/engine/worker/inference.worker.ts', import.meta.url), { type: 'module' });

async function openApp(r: AppRequest): Promise<void> {
  const engine = new BrowserEngine({ createWorker: appWorker, ...(r.tokenBatchMs === undefined ? {} : { tokenBatchMs: r.tokenBatchMs }) });
  try {
    await engine.load(await appModelRef(r));
  } catch (error) {
    engine.terminate();
    throw error;
  }
  apps.set(r.name, { engine, request: r });
}

const now = (): number => performance.timeOrigin + performance.now();

async function appRound(name: string): Promise<RoundTimes> {
  const app = apps.get(name);
  if (!app) throw new Error(`openApp(${name}) first`);
  const { engine, request } = app;
  const arrived: number[] = [];
  const times: RoundTimes = { arrived, requestAt: now(), prefillStartAt: null, promptTokens: 0 };
  for await (const event of engine.chat([{ role: 'user', content: request.prompt }], greedyParams(request.tokens))) {
    if (event.type === 'token') {
      // A batch of tokens arrives at once: each of them arrived then.
      const at = now();
      for (let i = 0; i < (event.count ?? 1); i++) arrived.push(at);
    }
    if (event.type === 'end') {
      times.produced = event.trace.tokenTimes;
      times.prefillStartAt = event.trace.prefillStartAt;
      times.promptTokens = event.trace.promptTokens;
    }
  }
  return times;
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

/** The app's ModelRunner alone in a worker (see bare-worker.ts), on the app's own ModelRef. */
async function openRunner(r: AppRequest): Promise<void> {
  await startWorker(r.name).loadRunner(await appModelRef(r), r.prompt, r.tokens);
}

async function closeWorkers(): Promise<void> {
  for (const { worker, api } of workers.values()) {
    await api.dispose();
    worker.terminate();
  }
  workers.clear();
}

const bench = {
  openApp,
  appRound,
  closeApps,
  openBare,
  bareRound: (name: string) => workerApi(name).round(),
  openRunner,
  runnerRound: (name: string) => workerApi(name).runnerRound(),
  profile: (name: string) => workerApi(name).profile(),
  sweep: ({ name, plan }: { name: string; plan: SweepPlan }) => workerApi(name).sweep(plan),
  bandwidth: ({ name, bytes }: { name: string; bytes: number }) => workerApi(name).bandwidth(bytes),
  coldStart: (r: AppRequest & { heap: boolean }) => coldStart(appWorker, () => appModelRef(r), r, r.heap),
  ortWasmCompileMs,
  closeWorkers,
};
export type BenchPage = typeof bench;
Object.assign(window, { bench });
