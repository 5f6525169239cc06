/**
 * Offline after one visit: the service worker (dist/sw.js) keeps the app shell and the bundled
 * models' weights of the variant each device tries first (fp32 on WASM for these tiny models),
 * the inference worker keeps the weights it used and ONNX Runtime's wasm in IndexedDB. With the browser context offline, the page reloads, says it is offline, loads the
 * bundled model and answers with the golden text; then the other bundled model, never loaded
 * online, loads and answers with its golden text too.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('after one visit, reloads and chats with the network off, and says it is offline', async () => {
  const golden = readGolden('pocket-chat-1m');
  const { page, context, requests, errors } = await openApp(browser, baseUrl, { device: 'wasm', serviceWorkers: 'allow' });
  try {
    await waitForModel(page);
    // The shell is precached once the service worker is active and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    });
    await context.setOffline(true);
    const before = requests.length;
    await page.reload();
    expect(await page.evaluate(() => navigator.onLine)).toBe(false);
    await expect.poll(() => page.locator('status-line .offline').innerText()).toBe('Offline');
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'fp32' });
    const c = golden.cases[0]!;
    await typeAndSend(page, c.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(c.texts['fp32']);

    // The other bundled model was never loaded online: its weights come from the precache.
    const golden3m = readGolden('pocket-chat-3m');
    await page.evaluate(() => {
      const app = (window as AppWindow).playground!;
      app.chats.newConversation();
      void app.models.primary.selectModel('pocket-chat-3m');
    });
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'fp32' });
    const c3 = golden3m.cases[0]!;
    await typeAndSend(page, c3.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(c3.texts['fp32']);
    // Every request the page made after going offline was answered by the service worker or
    // failed (the gateway probe); none reached a server.
    // blob: URLs (ONNX Runtime's loader, made by transformers.js) never leave the page.
    const after = requests.slice(before).filter((r) => /^https?:/.test(r.url()));
    const fromNetwork = await Promise.all(after.map(async (r) => ({ url: r.url(), response: await r.response() })));
    expect(fromNetwork.filter((r) => r.response !== null && !r.response.fromServiceWorker()).map((r) => r.url)).toEqual([]);
    expect(after.some((r) => r.url() === baseUrl)).toBe(true);
    expect(await page.evaluate(() => (window as AppWindow).playground!.notices.list.filter((n) => n.level === 'error').length)).toBe(0);
    // Installable: the manifest is linked and served (from the precache, offline) with its icon.
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      const response = await fetch(link!.href);
      const data = (await response.json()) as { display: string; icons: { src: string }[] };
      const icon = await fetch(new URL(data.icons[0]!.src, link!.href));
      return { display: data.display, icon: icon.headers.get('content-type') };
    });
    expect(manifest).toEqual({ display: 'standalone', icon: 'image/svg+xml' });
    expect(errors).toEqual([]);
  } finally {
    await context.setOffline(false);
    await context.close();
  }
});
