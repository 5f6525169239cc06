/**
 * Driving the app against a hub (the local mirror of tests/support/hub-mirror.ts): add a
 * repository through "+ Add a model", read what the weight cache holds, record load progress as
 * the UI receives it.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CacheManager } from '../../../src/app/cache-manager';
import type { LoadProgress } from '../../../src/engine/engine-types';
import type { AppWindow } from './app';

export type HubWindow = AppWindow & { cache?: CacheManager; progressSeen?: LoadProgress[] };

/**
 * Types `repo` into "+ Add a model", checks it, waits for the fit verdict of `modelId` to be
 * "fits", then adds it with or without downloading.
 */
export async function addFromHub(page: Page, repo: string, modelId: string, download: boolean): Promise<void> {
  await page.getByRole('button', { name: '+ Add a model' }).click();
  const dialog = page.locator('add-model-dialog dialog');
  await dialog.getByLabel('Repository').fill(repo);
  await dialog.getByRole('button', { name: 'Check' }).click();
  await expect
    .poll(() => dialog.locator(`.found[data-model="${modelId}"] [data-fit]`).getAttribute('data-fit'), { timeout: 20_000 })
    .toBe('fits');
  await dialog.getByRole('button', { name: download ? /^Add and download/ : 'Add without downloading' }).click();
}

/** The URLs of every file in the weight cache, as the cache manager lists them. */
export async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = (window as HubWindow).cache!;
    await cache.refresh();
    return cache.groups.flatMap((g) => g.files.map((f) => f.url));
  });
}

/** Starts recording load progress events (the app's own, as the UI receives them). */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as HubWindow;
    w.progressSeen = [];
    const slot = w.playground!.models.primary;
    slot.subscribe(() => {
      const load = slot.load;
      if (load.kind === 'loading' && load.progress) w.progressSeen!.push(JSON.parse(JSON.stringify(load.progress)) as LoadProgress);
    });
  });
}

/** The download events recorded since recordProgress(). */
export async function downloadProgress(page: Page): Promise<Extract<LoadProgress, { phase: 'download' }>[]> {
  const seen = await page.evaluate(() => (window as HubWindow).progressSeen ?? []);
  return seen.flatMap((p) => (p.phase === 'download' ? [p] : []));
}
