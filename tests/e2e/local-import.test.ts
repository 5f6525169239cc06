/**
 * Importing a model folder from disk in Chromium: the folder input gets the bundled model's
 * folder (as a person would pick it), the files go into IndexedDB, and the model runs with no
 * request for any of its files, before and after a reload.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { CacheManager } from '../../src/app/cache-manager';
import { PUBLIC_MODELS, readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';

const baseUrl = inject('baseUrl');
const MODEL_ID = 'local-pocket-chat-1m';
let browser: Browser;
let notAModel: string;

beforeAll(async () => {
  browser = await launchChromium();
  notAModel = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-model-'));
  fs.writeFileSync(path.join(notAModel, 'notes.txt'), 'hello');
});
afterAll(async () => {
  await browser.close();
  fs.rmSync(notAModel, { recursive: true, force: true });
});

async function importFolder(page: Page, folder: string): Promise<void> {
  await page.getByRole('button', { name: '+ Add a model' }).click();
  await page.locator('add-model-dialog input[webkitdirectory]').setInputFiles(folder);
}

it('imports a model folder and runs it with no request for its files, also after a reload', async () => {
  const golden = readGolden('pocket-chat-1m');
  const { page, context, requests, errors } = await openApp(browser, baseUrl, { device: 'wasm', gateway: { fallback: false } });
  try {
    await waitForModel(page);
    await importFolder(page, path.join(PUBLIC_MODELS, 'pocket-chat-1m'));
    await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID, { timeout: 30_000 });
    // All three variants imported: on WASM this tiny model's fp32 goes first (src/placement/default-order.ts).
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'fp32' });
    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(golden.cases[0]!.texts['fp32']);

    await page.reload();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.selected?.id)).toBe(MODEL_ID);
    const modelRequests = requests.map((r) => r.url()).filter((u) => u.includes('/local-models/'));
    expect(modelRequests).toEqual([]);
    expect(requests.map((r) => new URL(r.url()).origin).filter((o) => o !== new URL(baseUrl).origin)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('says what is missing when the folder is not a model', async () => {
  const { page, context } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await importFolder(page, notAModel);
    await expect.poll(() => page.locator('add-model-dialog p.error').innerText()).toMatch(/no config\.json: pick the model folder itself/);
  } finally {
    await context.close();
  }
});

it('a full storage stops an import with the space needed and free, and keeps none of its files', async () => {
  const { page, context } = await openApp(browser, baseUrl, {
    device: 'wasm',
    beforeOpen: (ctx) =>
      ctx.addInitScript(() => {
        // A simulated full storage in the page (a test double: Chromium's quota cannot be lowered
        // from a test here): IndexedDB refuses any record that holds more than 100 kB.
        const proto = IDBObjectStore.prototype;
        const put = Reflect.get(proto, 'put') as (this: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest;
        Reflect.set(proto, 'put', function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
          const blob: unknown = typeof value === 'object' && value !== null && 'blob' in value ? value.blob : null;
          if (blob instanceof Blob && blob.size > 100_000) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return put.call(this, value, key);
        });
      }),
  });
  try {
    await waitForModel(page);
    await importFolder(page, path.join(PUBLIC_MODELS, 'pocket-chat-1m'));
    await expect
      .poll(() => page.locator('add-model-dialog p.error').innerText(), { timeout: 20_000 })
      .toMatch(/^Storage is full: model\.onnx needs 3\.\d MB, [\d.]+ (MB|GB) free\. Nothing was imported/);
    const leftovers = await page.evaluate(async () => {
      const cache = (window as AppWindow & { cache?: CacheManager }).cache!;
      await cache.refresh();
      return cache.groups.flatMap((g) => g.files.map((f) => f.url)).filter((u) => u.includes('/local-models/'));
    });
    expect(leftovers).toEqual([]);
    expect(await page.evaluate(() => (window as AppWindow).playground!.catalog.models.map((m) => m.id))).not.toContain(MODEL_ID);
  } finally {
    await context.close();
  }
});
