/**
 * A bare page on the app's origin that runs one module of the app, for tests of a part that needs
 * the real browser (IndexedDB, Web Locks) but not the app around it: the module is bundled by
 * Vite into a script that sets one global, and the page holds nothing else, so no model loads
 * beside the test. 127.0.0.1 is a secure context, as users' https origins are.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';

/** Bundles `entry` with its dependencies into a classic script that sets `globalName`. */
export async function bundleForPage(entry: string, globalName: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: { write: false, minify: false, lib: { entry, name: globalName, formats: ['iife'], fileName: 'lab' } },
  });
  for (const out of Array.isArray(result) ? result : [result]) {
    if (!('output' in out)) continue;
    for (const file of out.output) if (file.type === 'chunk') return file.code;
  }
  throw new Error(`bundling ${entry} produced no script`);
}

/** A fresh context (empty IndexedDB) with a blank page at `path` on the app's origin, running `script`. */
export async function openLabPage(
  browser: Browser,
  baseUrl: string,
  path: string,
  script: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const url = new URL(path, baseUrl).href;
  await context.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>lab</title>' }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.addScriptTag({ content: script });
  return { context, page, errors };
}
