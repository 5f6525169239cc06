/**
 * Boot: paint the shell at once, then detect capabilities and load the catalog, then hand the
 * Playground service to the UI. Inference code is only in the worker, started on first use.
 */
import { Playground } from './app/playground';
import { loadPreferences } from './app/preferences';
import { ChatStore } from './cache/chat-store';
import { fetchCatalog, toModelRef } from './catalog/catalog';
import { BrowserEngine } from './engine/browser-engine';
import { detectCapabilities } from './engine/capabilities';
import { Router } from './engine/router';
import './ui/playground-app';

const shell = document.querySelector('playground-app') ?? document.body.appendChild(document.createElement('playground-app'));

async function boot(): Promise<void> {
  const baseUrl = new URL(import.meta.env.BASE_URL, location.href).href;
  const [capabilities, catalog] = await Promise.all([detectCapabilities(), fetchCatalog(baseUrl)]);
  const browser = new BrowserEngine({
    createWorker: () => new Worker(new URL('./engine/worker/inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' }),
  });
  const router = new Router({ browser, capabilities, toModelRef: (model, plan) => toModelRef(model, plan, baseUrl) });
  const playground = new Playground({
    router,
    chats: new ChatStore(),
    catalog: catalog.models,
    capabilities,
    preferences: loadPreferences(),
  });
  shell.playground = playground;
  // Exposed for end-to-end tests and for the curious, read-only by convention.
  Object.assign(window, { playground });
  await playground.start();
}

boot().catch((error: unknown) => {
  shell.failure = error instanceof Error ? error.message : String(error);
});
