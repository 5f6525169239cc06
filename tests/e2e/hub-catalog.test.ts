/**
 * A catalog entry that disagrees with the hub, through the UI, in Chromium: the hub's listing of
 * the revision decides what is downloaded and checked, and the user is told where the catalog was
 * wrong, instead of a refused download. The hub is tests/support/hub-mirror.ts (a real HTTP
 * server on 127.0.0.1 laid out like huggingface.co: the real hub is out of reach here) serving the
 * bundled model's folder; the app's catalog is the shipped one plus entries for that repository,
 * served in place of models/models.json by the browser's request routing.
 */
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/schema';
import { PUBLIC_MODELS, readCatalog, readGolden } from '../support/paths';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, loadState, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';

const REPO = 'test-org/pocket-chat-1m';
const REVISION = 'feedfacefeedfacefeedfacefeedfacefeedface';
const baseUrl = inject('baseUrl');
const golden = readGolden('pocket-chat-1m');
const shipped = readCatalog();
const bundled = shipped.models.find((m) => m.id === 'pocket-chat-1m')!;
const configBytes = bundled.files.find((f) => f.path === 'config.json')!.bytes;

let browser: Browser;
let mirror: HubMirror;
beforeAll(async () => {
  browser = await launchChromium();
  mirror = await startHubMirror({ [REPO]: { dir: path.join(PUBLIC_MODELS, 'pocket-chat-1m'), revision: REVISION } });
});
afterAll(async () => {
  await browser.close();
  await mirror.close();
});

/** The bundled model as a hub entry at "main", stale the way hand-written entries were. */
function staleEntry(): CatalogModel {
  const entry: CatalogModel = {
    ...structuredClone(bundled),
    id: 'stale-pocket',
    name: 'Stale Pocket',
    source: { kind: 'hub', repo: REPO, revision: 'main' },
  };
  // An exact size the hub contradicts (SmolLM2's config.json was 792 in the catalog, 908 on the hub).
  entry.files.find((f) => f.path === 'config.json')!.bytes = configBytes - 116;
  entry.variants = entry.variants.filter((v) => v.dtype === 'q4');
  return entry;
}

/** Serves the shipped catalog plus `extra` as the app's models/models.json. */
function withCatalog(extra: CatalogModel[]): (context: BrowserContext) => Promise<unknown> {
  return (context) =>
    context.route('**/models/models.json', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...shipped, models: [...shipped.models, ...extra] }) }),
    );
}

it('a stale catalog size is reported in words and the hub is believed: the download completes, pinned to the commit, and runs', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, {
    device: 'wasm',
    hubUrl: mirror.url,
    gateway: { fallback: false },
    beforeOpen: withCatalog([staleEntry()]),
  });
  try {
    await waitForModel(page);
    await page.locator('model-panel select#model').selectOption('stale-pocket');
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('confirm');
    const before = mirror.requests.length;
    await page.locator('model-panel .confirm button').click();
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'q4' });

    // Said where the user looks, with both numbers.
    const notice = page.locator('notice-list .notice', { hasText: "The hub's files of Stale Pocket differ from the catalog" });
    await expect.poll(() => notice.count()).toBe(1);
    expect(await notice.innerText()).toContain(
      `config.json: the catalog says ${(configBytes - 116).toLocaleString('en-US')} bytes, the hub has ${configBytes.toLocaleString('en-US')} bytes.`,
    );
    // "main" was resolved to its commit once, and every file came from that commit.
    const files = mirror.requests.slice(before).filter((r) => r.includes('/resolve/'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((r) => r.startsWith(`/${REPO}/resolve/${REVISION}/`))).toBe(true);
    expect(await page.evaluate(() => (window as AppWindow).playground!.catalog.byId('stale-pocket')?.source)).toEqual({
      kind: 'hub',
      repo: REPO,
      revision: REVISION,
    });

    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(golden.cases[0]!.texts['q4']);

    // The hub's listing was kept: a reload loads the model with no request to the hub at all.
    const afterLoad = mirror.requests.length;
    await page.reload();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.selected?.id)).toBe('stale-pocket');
    expect(mirror.requests.slice(afterLoad)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('an entry the hub cannot serve fails before any download, saying what is missing', async () => {
  const gone: CatalogModel = { ...staleEntry(), id: 'gone-pocket', name: 'Gone Pocket' };
  gone.variants = [{ dtype: 'q4f16', files: [{ path: 'onnx/model_q4f16.onnx', bytes: 1000, approximate: true }] }];
  const { page, context, errors } = await openApp(browser, baseUrl, {
    device: 'wasm',
    hubUrl: mirror.url,
    gateway: { fallback: false },
    beforeOpen: withCatalog([gone]),
  });
  try {
    await waitForModel(page);
    await page.locator('model-panel select#model').selectOption('gone-pocket');
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('confirm');
    const before = mirror.requests.length;
    await page.locator('model-panel .confirm button').click();
    await page.waitForFunction(() => (window as AppWindow).playground?.models.primary.load.kind === 'error', null, { timeout: 30_000 });
    expect((await loadState(page)).message).toBe(
      `Gone Pocket cannot be downloaded from ${REPO} at ${REVISION.slice(0, 12)}: ` +
        "none of the catalog's variants (q4f16) is there. The catalog entry needs updating.",
    );
    // Shown under the model panel, as every load error is.
    await expect
      .poll(() => page.locator('model-panel load-status [role="alert"]').textContent())
      .toContain("none of the catalog's variants (q4f16) is there");
    expect(mirror.requests.slice(before).filter((r) => r.includes('/resolve/'))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
