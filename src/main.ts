/**
 * Boot: paint the shell at once, then detect capabilities and load the catalog, then hand the
 * Playground (the root of the app's state) to the UI. Inference code is only in the worker, started on first use.
 */
import './csp';
import { loadGatewaySettings } from './app/gateway-settings';
import { Playground } from './app/playground';
import { loadPreferences } from './app/preferences';
import { BenchStore } from './cache/bench-store';
import { ChatStore } from './cache/chat-store';
import { IntegrityGuard } from './cache/integrity';
import { UserModelStore } from './cache/user-model-store';
import { WeightCache, type CacheNotice } from './cache/weight-cache';
import { importLocalModel } from './app/local-import';
import { describeImportFailure } from './cache/cache-problems';
import { fetchCatalog, toGatewayModelRef, toModelRef } from './catalog/catalog';
import type { CatalogModel } from './catalog/schema';
import type { ModelRef } from './engine/engine-types';
import type { RunPlan } from './placement/plans';
import { DEFAULT_HUB_URL, fetchHubModel, readHubListing } from './hub/hub-client';
import { HubListingStore } from './cache/hub-listing-store';
import { BrowserEngine } from './engine/browser-engine';
import type { WorkerFault } from './engine/worker/api';
import { detectCapabilities } from './engine/capabilities';
import { GatewayEngine } from './engine/gateway/gateway-engine';
import { discoverProxy, effectiveRoot, PROXY_PATH } from './engine/gateway/gateway-url';
import { FoundryClient } from './engine/gateway/foundry-client';
import { observeResources, RequestLog } from './privacy/request-log';
import { probeGateway } from './engine/gateway/probe';
import { Router } from './engine/router';
import { SourceContentStore } from './cache/source-content-store';
import { SourceStore } from './cache/source-store';
import { browserReaders } from './rag/ingest/browser-readers';
import { readSourceFile } from './rag/ingest/read-source';
import { RetrievalClient } from './rag/retrieval-client';
import { embedderFor } from './app/source-specs';
import './ui/shell/playground-app';
import { errorMessage } from './errors/error-message';

const shell = document.querySelector('playground-app') ?? document.body.appendChild(document.createElement('playground-app'));

async function boot(): Promise<void> {
  const baseUrl = new URL(import.meta.env.BASE_URL, location.href).href;
  const [capabilities, catalog, proxy] = await Promise.all([detectCapabilities(), fetchCatalog(baseUrl), discoverProxy(location.href)]);
  const gatewaySettings = loadGatewaySettings();
  let playground: Playground | null = null;
  // The privacy meter's source: Resource Timing of the page and of the inference worker.
  const requests = new RequestLog(() => ({
    pageUrl: location.href,
    hubUrl: playground?.settings.preferences.hubUrl ?? DEFAULT_HUB_URL,
    gatewayUrl: playground?.gateway.settings.baseUrl ?? gatewaySettings.baseUrl,
    proxyPath: PROXY_PATH,
  }));
  performance.setResourceTimingBufferSize(10_000);
  observeResources((url, at) => requests.add(url, at, 'page'));
  const browserEngine = (name: string): BrowserEngine =>
    new BrowserEngine({
      createWorker: () => new Worker(new URL('./engine/worker/inference.worker.ts', import.meta.url), { type: 'module', name }),
      onWorkerRequest: (url, at) => requests.add(url, at, 'worker'),
    });
  const browser = browserEngine('inference');
  // The worker writes the weight cache; the page only reads its index (and deletes, in the cache manager).
  const weights = new WeightCache(new IntegrityGuard(location.href));
  // Imported files have no other copy to fall back on: a failed store (quota) fails the import.
  const storeFailures: CacheNotice[] = [];
  const importWriter = new WeightCache(new IntegrityGuard(location.href), (notice) => storeFailures.push(notice));
  const storeOrThrow = {
    async put(url: string, response: Response): Promise<void> {
      await importWriter.put(url, response);
      const failure = storeFailures.shift();
      if (failure) throw new Error(describeImportFailure(failure));
    },
    delete: (url: string) => importWriter.delete(url),
  };
  // Reads the playground's settings at each load, so a changed address applies to the next model.
  const gatewayEngine = (): GatewayEngine =>
    new GatewayEngine({
      pageUrl: location.href,
      connection: () => ({ ...(playground?.gateway.settings ?? gatewaySettings), proxy }),
    });
  // Sources are indexed and questions grounded in a worker of their own, started on first use.
  const retrieval = new RetrievalClient({
    createWorker: () => new Worker(new URL('./engine/worker/retrieval.worker.ts', import.meta.url), { type: 'module', name: 'retrieval' }),
    onWorkerRequest: (url, at) => requests.add(url, at, 'worker'),
  });
  const readers = browserReaders(retrieval);
  const modelRef = (model: CatalogModel, plan: Pick<RunPlan, 'device' | 'dtype'>): ModelRef =>
    toModelRef(model, plan, baseUrl, playground?.settings.preferences.hubUrl ?? DEFAULT_HUB_URL);
  // Each slot (the chat's, and each compare column's) routes between engines of its own.
  const routerOver = (engine: BrowserEngine): Router =>
    new Router({
      browser: engine,
      gateway: gatewayEngine(),
      capabilities,
      // The hub address is read at each load, so a changed mirror applies to the next model.
      toModelRef: modelRef,
      toGatewayRef: toGatewayModelRef,
    });
  playground = new Playground({
    router: routerOver(browser),
    laneRouter: (index) => routerOver(browserEngine(`inference-column-${index + 1}`)),
    chats: new ChatStore(),
    catalog: catalog.models,
    capabilities,
    preferences: loadPreferences(),
    gateway: gatewaySettings,
    probeGateway: (settings, signal) =>
      probeGateway({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, proxy, pageUrl: location.href, signal }),
    userModels: new UserModelStore(),
    inspectHubRepo: (request) => fetchHubModel(request),
    hubListings: { read: (request) => readHubListing(request), store: new HubListingStore() },
    weights,
    importLocal: (files) => importLocalModel(files, baseUrl, storeOrThrow),
    benchRuns: new BenchStore(),
    baseUrl,
    requests,
    gpuMemory: () => browser.gpuMemory(),
    gatewayMemory: (signal) => {
      const settings = playground?.gateway.settings ?? gatewaySettings;
      const { root } = effectiveRoot(settings.baseUrl, proxy);
      return new FoundryClient({ root, ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) }).processMemoryBytes(signal);
    },
    sources: {
      store: new SourceStore(),
      retrieval,
      contents: new SourceContentStore(),
      readFile: (file) => readSourceFile(file, readers),
      modelRef,
      embedder: () => embedderFor(playground?.catalog.models ?? [], modelRef, playground?.settings.preferences.embedderId),
    },
  });
  shell.app = playground;
  // Fault injection, for end-to-end tests of recovery (and for trying it by hand in the console).
  const faults = {
    inject: (kind: WorkerFault, afterTokens?: number) => browser.injectFault(kind, afterTokens),
    setStallTimeout: (ms: number) => {
      browser.stallTimeoutMs = ms;
    },
    setLoadStallTimeout: (ms: number) => {
      browser.loadStallTimeoutMs = ms;
    },
  };
  // Exposed for end-to-end tests, the benchmark driver and the curious, read-only by convention.
  Object.assign(window, { playground, bench: playground.bench, cache: playground.cache, requests, faults, retrieval });
  await playground.start();
}

/**
 * The service worker (dist/sw.js, written by the build) keeps the app shell for offline use; the
 * dev server has none, and the page works the same without it.
 */
function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register(new URL('sw.js', new URL(import.meta.env.BASE_URL, location.href)), { scope: './' })
    .catch((error: unknown) => {
      console.warn(`Offline support is unavailable: ${errorMessage(error)}`);
    });
}

registerServiceWorker();

boot().catch((error: unknown) => {
  shell.failure = errorMessage(error);
});
