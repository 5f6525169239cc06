/**
 * Bring your own model, end to end in Chromium: a repository id typed into "Add a model" is read
 * from a hub, checked for fit, downloaded with progress, run, listed in the cache manager, loaded
 * again with no hub traffic, deleted and removed. The hub is tests/support/hub-mirror.ts: a real
 * HTTP server on 127.0.0.1 behaving like huggingface.co (weights redirected to a CDN on a second
 * origin, JSON gzip-encoded), serving the bundled model's files (the real hub is out of reach
 * here). Faults it injects, on the CDN for weights, must never leave a bad file in the cache.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { BenchSession } from '../../src/app/bench-session';
import type { LoadPhases } from '../../src/engine/engine-types';
import { PUBLIC_MODELS, readCatalog, readGolden } from '../support/paths';
import { startHubMirror, type Fault, type HubMirror } from '../support/hub-mirror';
import { launchChromium } from './support/chromium';
import { lastAnswer, loadState, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';
import { addFromHub as addRepo, cachedUrls, downloadProgress, recordProgress, type HubWindow } from './support/hub';

type BenchWindow = AppWindow & { bench?: BenchSession };

const REPO = 'test-org/pocket-chat-1m';
const REVISION = '0123456789abcdef0123456789abcdef01234567';
const MODEL_ID = 'hub-test-org-pocket-chat-1m';
// The variant an automatic choice runs on WASM for a model this small (fp32 goes first there up to
// 64 MB, src/placement/default-order.ts), and its one weight file.
const DTYPE = 'fp32';
const WEIGHT_FILE = 'onnx/model.onnx';
const baseUrl = inject('baseUrl');
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

const golden = readGolden('pocket-chat-1m');
const bundled = readCatalog().models.find((m) => m.id === 'pocket-chat-1m')!;
const variantBytes = [...bundled.files, ...bundled.variants.find((v) => v.dtype === DTYPE)!.files].reduce((n, f) => n + f.bytes, 0);

const addFromHub = (page: Page, download: boolean): Promise<void> => addRepo(page, REPO, MODEL_ID, download);

it('adds a hub repository, downloads it with progress, runs it, caches it, and deletes and removes it', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    await recordProgress(page);
    await addFromHub(page, true);
    await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID);
    const loaded = await waitForModel(page);
    expect(loaded).toMatchObject({ backend: 'wasm', dtype: DTYPE });
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.selected?.id)).toBe(MODEL_ID);
    expect(await loadPhases(page)).toMatchObject({ fromCache: false });
    // The model panel's verdict names the run the router made, from the same placement.
    const verdict = page.locator('model-panel fit-summary [data-fit]');
    expect(await verdict.getAttribute('data-fit')).toBe('fits');
    expect(await verdict.innerText()).toMatch(new RegExp(`^Fits this device · WASM · ${DTYPE} · `));
    // Progress in bytes, for the files of the variant that runs.
    const downloads = await downloadProgress(page);
    expect(downloads.length).toBeGreaterThan(1);
    expect(downloads.some((p) => p.loaded < p.total)).toBe(true);
    expect(downloads.every((p) => p.total === variantBytes)).toBe(true);
    // Pinned to the commit: every request, size probes included, went to resolve/<sha>/ (the
    // tokenizer probe transformers.js 4.3 sends to "main" is aliased to the commit).
    const fileRequests = mirror.requests.filter((r) => r.includes('/resolve/'));
    expect(fileRequests).toContain(`/${REPO}/resolve/${REVISION}/${WEIGHT_FILE}`);
    expect(fileRequests.every((r) => r.startsWith(`/${REPO}/resolve/${REVISION}/`))).toBe(true);
    // The weights themselves came from the CDN the hub redirected to, as from huggingface.co.
    expect(mirror.requests).toContain(mirror.cdnRequest(REPO, WEIGHT_FILE));

    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    const answer = await lastAnswer(page);
    expect(answer.content).toBe(golden.cases[0]!.texts[DTYPE]);
    expect(answer.meta?.modelId).toBe(MODEL_ID);

    // The cache manager lists it, complete for the variant that ran.
    const row = page.locator(`cache-panel li[data-cache="${MODEL_ID}"]`);
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`complete: ${DTYPE}`));

    // A reload loads it again with no request to the hub at all.
    const before = mirror.requests.length;
    await page.reload();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.selected?.id)).toBe(MODEL_ID);
    expect(mirror.requests.slice(before)).toEqual([]);
    // A warm load: every file from the weight cache, and the status line's breakdown says so.
    const warm = await loadPhases(page);
    expect(warm?.fromCache).toBe(true);
    expect(warm!.filesMs + warm!.sessionMs + warm!.warmUpMs).toBeGreaterThan(0);
    expect(await page.locator('load-status .ready span[title]').getAttribute('title')).toMatch(
      /^files .+ \(from the cache\) · session .+ · warm-up /,
    );

    // Deleting its files: selecting it again asks before downloading.
    await page
      .locator(`cache-panel li[data-cache="${MODEL_ID}"]`)
      .getByRole('button', { name: /^Delete the stored files/ })
      .click();
    await expect.poll(() => page.locator(`cache-panel li[data-cache="${MODEL_ID}"]`).count()).toBe(0);
    expect((await cachedUrls(page)).some((u) => u.includes('/resolve/'))).toBe(false);
    await page.locator('model-panel select#model').selectOption('pocket-chat-1m');
    await waitForModel(page);
    await page.locator('model-panel select#model').selectOption(MODEL_ID);
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('confirm');
    await expect.poll(() => page.locator('model-panel .confirm button').innerText()).toMatch(/Download .* and load/);

    // Removed from the list, it stays removed after a reload.
    await page
      .locator('model-panel')
      .getByRole('button', { name: /^Remove .* from the list/ })
      .click();
    await waitForModel(page);
    await page.reload();
    await page.waitForFunction(() => (window as AppWindow).playground?.catalog.models.length, null, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as AppWindow).playground!.catalog.models.map((m) => m.id))).not.toContain(MODEL_ID);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('html, truncated, corrupt and dropped downloads of a weight file each fail with a clear message and cache nothing of it; the next Try again completes', async () => {
  const faults: [Fault, number, RegExp][] = [
    ['html', 1, /HTML page instead of the file/],
    ['truncate', 1, /truncated download/],
    ['corrupt', 1, /SHA-256 mismatch/],
    // The first drop and the three resumes after it: the download gives up.
    ['drop', 4, /interrupted after \d+ bytes .*3 attempts to resume failed/],
  ];
  const { page, context } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    // One page, as a user retrying: each Try again meets the next fault, the last one none.
    for (const [index, [fault, times, message]] of faults.entries()) {
      mirror.fault(WEIGHT_FILE, fault, times);
      if (index === 0) {
        await addFromHub(page, true);
        await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID);
      } else {
        await page.locator('model-panel').getByRole('button', { name: 'Try again' }).click();
      }
      await page.waitForFunction(() => (window as AppWindow).playground?.models.primary.load.kind === 'error', null, { timeout: 60_000 });
      expect((await loadState(page)).message, fault).toMatch(message);
      expect(
        (await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.endsWith(WEIGHT_FILE)),
        fault,
      ).toEqual([]);
    }
    await page.locator('model-panel').getByRole('button', { name: 'Try again' }).click();
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: DTYPE });
    expect((await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.endsWith(WEIGHT_FILE))).toHaveLength(1);
  } finally {
    await context.close();
  }
});

it('cancels a download that stalls; nothing of the file is cached, and downloading again completes', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    mirror.fault(WEIGHT_FILE, 'stall');
    await recordProgress(page);
    await addFromHub(page, true);
    // Half of the weights arrive, then the connection goes quiet.
    await page.waitForFunction(
      (file) =>
        (window as HubWindow).progressSeen?.some(
          (p) => p.phase === 'download' && p.file.endsWith(file) && p.fileLoaded > 0 && p.fileLoaded < p.fileTotal,
        ),
      WEIGHT_FILE,
      { timeout: 30_000 },
    );
    await page.locator('model-panel').getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('confirm');
    expect((await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.endsWith(WEIGHT_FILE))).toEqual([]);

    await page.locator('model-panel .confirm button').click();
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: DTYPE });
    expect((await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.endsWith(WEIGHT_FILE))).toHaveLength(1);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('resumes a download the server dropped, from where it stopped, and keeps the verified file', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    const before = mirror.requests.length;
    mirror.fault(WEIGHT_FILE, 'drop', 1);
    await addFromHub(page, true);
    await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID);
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: DTYPE });
    const weights = bundled.variants.find((v) => v.dtype === DTYPE)!.files[0]!;
    const half = weights.bytes >> 1;
    // Each request to the hub is redirected to the CDN, the resumed one with its Range.
    const cdn = mirror.cdnRequest(REPO, WEIGHT_FILE);
    expect(mirror.requests.slice(before).filter((r) => (r.includes(WEIGHT_FILE) || r.startsWith(cdn)) && !r.endsWith('[probe]'))).toEqual([
      `/${REPO}/resolve/${REVISION}/${WEIGHT_FILE}`,
      cdn,
      `/${REPO}/resolve/${REVISION}/${WEIGHT_FILE} [bytes=${half}-]`,
      `${cdn} [bytes=${half}-]`,
    ]);
    expect((await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.endsWith(WEIGHT_FILE))).toHaveLength(1);
    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(golden.cases[0]!.texts[DTYPE]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a benchmark never downloads: a hub model added without downloading fails its target with the reason, and no weight is fetched', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    await addFromHub(page, false);
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('confirm');
    const before = mirror.requests.length;
    const run = await page.evaluate(async (id) => {
      const bench = (window as BenchWindow).bench!;
      bench.setPlan({
        targets: [
          { modelId: id, backend: 'wasm' },
          { modelId: 'pocket-chat-1m', backend: 'wasm' },
        ],
        rounds: 1,
        warmupRounds: 0,
        maxNewTokens: 8,
      });
      const result = await bench.run();
      return result && result.targets.map((t) => ({ model: t.target.modelId, status: t.status, message: t.message }));
    }, MODEL_ID);
    expect(run).toEqual([
      {
        model: MODEL_ID,
        status: 'failed',
        message: expect.stringMatching(/is not downloaded yet: download it from the model panel first/) as unknown,
      },
      { model: 'pocket-chat-1m', status: 'ok', message: null },
    ]);
    expect(mirror.requests.slice(before).filter((r) => r.includes('/onnx/') || r.startsWith('cdn:'))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

/** Where the ready model's load time went (LoadedModel.phases). */
async function loadPhases(page: Page): Promise<LoadPhases | undefined> {
  return page.evaluate(() => {
    const load = (window as AppWindow).playground!.models.primary.load;
    return load.kind === 'ready' ? load.route.loaded.phases : undefined;
  });
}
