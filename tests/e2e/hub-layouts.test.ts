/**
 * Real hub layouts through the UI in Chromium: a model whose weights are split in external data
 * chunks (onnx/model_q4f16.onnx with model_q4f16.onnx_data, _data_1, _data_2, as
 * onnx-community/gpt-oss-20b-ONNX ships them), downloaded through the hub's 302 to its CDN on
 * another origin, and a dropped CDN download resumed through that redirect.
 *
 * The hub is tests/support/hub-mirror.ts (the real one is out of reach here); the repository is
 * tests/fixtures/hub/sharded-pocket-chat-1m, pocket-chat-1m's fp32 weights in that layout, so its
 * greedy answers must equal pocket-chat-1m's fp32 golden from PyTorch.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { HUB_FIXTURES, readGolden } from '../support/paths';
import { startHubMirror, type HubMirror } from '../support/hub-mirror';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';
import { addFromHub, cachedUrls, downloadProgress, recordProgress } from './support/hub';

const REPO = 'test-org/sharded-pocket-chat-1m';
const REVISION = '5ba4dedc0de5ba4dedc0de5ba4dedc0de5ba4ded';
const MODEL_ID = 'hub-test-org-sharded-pocket-chat-1m';
const DIR = path.join(HUB_FIXTURES, 'sharded-pocket-chat-1m');
const ROOT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const GRAPH = 'onnx/model_q4f16.onnx';
const CHUNKS = ['onnx/model_q4f16.onnx_data', 'onnx/model_q4f16.onnx_data_1', 'onnx/model_q4f16.onnx_data_2'];
const TREE_PAGE = 4;
const baseUrl = inject('baseUrl');
const golden = readGolden('pocket-chat-1m');
const sizeOf = (rel: string): number => fs.statSync(path.join(DIR, rel)).size;
/** What the q4f16 variant downloads: the root files, the graph and its three chunks. */
const variantBytes = [...ROOT_FILES, GRAPH, ...CHUNKS].reduce((n, rel) => n + sizeOf(rel), 0);
let browser: Browser;
let mirror: HubMirror;

beforeAll(async () => {
  browser = await launchChromium();
  // Four entries a page: the app's hub client must follow the tree API's Link pages (exposed to the
  // page cross-origin) to see every chunk.
  mirror = await startHubMirror({ [REPO]: { dir: DIR, revision: REVISION } }, { treePageSize: TREE_PAGE });
});
afterAll(async () => {
  await browser.close();
  await mirror.close();
});

const resolveUrl = (rel: string): string => `${mirror.url}${REPO}/resolve/${REVISION}/${rel}`;
const selected = (): string | undefined => (window as AppWindow).playground?.models.primary.selected?.id;

it('a model in three external data chunks: added, checked, downloaded from the CDN with progress over the whole variant, run on WASM, cached, reloaded offline from the hub', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    await recordProgress(page);
    await addFromHub(page, REPO, MODEL_ID, true);
    await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID);
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'q4f16' });
    const verdict = page.locator('model-panel fit-summary [data-fit]');
    expect(await verdict.getAttribute('data-fit')).toBe('fits');
    expect(await verdict.innerText()).toMatch(/^Fits this device · WASM · q4f16 · /);

    // One progress in bytes for the whole variant, each chunk counted to its last byte.
    const downloads = await downloadProgress(page);
    expect(downloads.every((p) => p.total === variantBytes)).toBe(true);
    expect(downloads.some((p) => p.loaded < p.total)).toBe(true);
    expect(downloads.at(-1)?.loaded).toBe(variantBytes);
    for (const chunk of CHUNKS) {
      const last = downloads.filter((p) => p.file === chunk).at(-1);
      expect(last, chunk).toMatchObject({ fileLoaded: sizeOf(chunk), fileTotal: sizeOf(chunk) });
    }
    // The listing came in pages (10 entries: 9 files and onnx/), all of them read: the graph and
    // its chunks are on the second page, the tokenizer on the third.
    const pages = mirror.requests.filter((r) => r.startsWith(`/api/models/${REPO}/tree/`));
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(10 / TREE_PAGE));
    // Every chunk asked of the hub at the pinned commit, and served by the CDN it redirected to.
    for (const file of [GRAPH, ...CHUNKS]) {
      expect(mirror.requests, file).toContain(`/${REPO}/resolve/${REVISION}/${file}`);
      expect(mirror.requests, file).toContain(mirror.cdnRequest(REPO, file));
    }

    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    const answer = await lastAnswer(page);
    expect(answer.content).toBe(golden.cases[0]!.texts['fp32']);
    expect(answer.meta?.modelId).toBe(MODEL_ID);

    // Cached under the hub's URLs (the CDN's are signed and content-addressed), each file once.
    const cached = (await cachedUrls(page)).filter((u) => u.includes(`/${REPO}/`));
    expect(cached.sort()).toEqual([...ROOT_FILES, GRAPH, ...CHUNKS].map(resolveUrl).sort());
    const row = page.locator(`cache-panel li[data-cache="${MODEL_ID}"]`);
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/complete: q4f16/);

    const before = mirror.requests.length;
    await page.reload();
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'q4f16' });
    expect(await page.evaluate(selected)).toBe(MODEL_ID);
    expect(mirror.requests.slice(before)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a chunk download dropped halfway on the CDN is resumed there with a Range through the redirect, verified and cached once', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: mirror.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    const chunk = CHUNKS[1]!;
    const half = sizeOf(chunk) >> 1;
    const before = mirror.requests.length;
    mirror.fault(chunk, 'drop', 1);
    await addFromHub(page, REPO, MODEL_ID, true);
    await page.waitForFunction((id) => (window as AppWindow).playground?.models.primary.selected?.id === id, MODEL_ID);
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'q4f16' });
    const cdn = mirror.cdnRequest(REPO, chunk);
    expect(mirror.requests.slice(before).filter((r) => (r.includes(`/${chunk}`) || r.startsWith(cdn)) && !r.endsWith('[probe]'))).toEqual([
      `/${REPO}/resolve/${REVISION}/${chunk}`,
      cdn,
      `/${REPO}/resolve/${REVISION}/${chunk} [bytes=${half}-]`,
      `${cdn} [bytes=${half}-]`,
    ]);
    expect((await cachedUrls(page)).filter((u) => u === resolveUrl(chunk))).toHaveLength(1);
    // The stitched chunk passed the SHA-256 check and holds the right weights: the answer is the golden one.
    await typeAndSend(page, golden.cases[0]!.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(golden.cases[0]!.texts['fp32']);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a CDN that does not let the page read its answers (no CORS) fails the download soon, saying so, with nothing cached', async () => {
  // The same repository behind a CDN that sends no CORS headers: to the page, exactly a dead network.
  const refused = await startHubMirror({ [REPO]: { dir: DIR, revision: REVISION } }, { cdnCors: false });
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', hubUrl: refused.url, gateway: { fallback: false } });
  try {
    await waitForModel(page);
    await addFromHub(page, REPO, MODEL_ID, true);
    // Before the fix it stayed "loading" until the five-minute watchdog: transformers.js 4.3.1
    // never settles a load whose external-data chunk failed to download.
    await page.waitForFunction(() => (window as AppWindow).playground?.models.primary.load.kind === 'error', null, { timeout: 60_000 });
    const message = await page.evaluate(() => {
      const load = (window as AppWindow).playground!.models.primary.load;
      return load.kind === 'error' ? load.message : '';
    });
    expect(message).toMatch(/could not be fetched from 127\.0\.0\.1:\d+ \(4 attempts\)/);
    expect(message).toContain('does not let this page read the file (no CORS headers)');
    // Trying another device would meet the same wall: the advice is to try again.
    expect(message).not.toMatch(/Try another device|smaller model/);
    expect(message).toContain('try again');
    // Downloads are retried three times (the file that failed first had all four attempts; others
    // may still be retrying when the load fails), size probes never.
    const cdn = refused.requests.filter((r) => r.startsWith('cdn:') && !r.endsWith('[preflight]'));
    const attempts = (kind: 'download' | 'probe'): number[] => {
      const byFile = new Map<string, number>();
      for (const r of cdn)
        if (r.endsWith('[probe]') === (kind === 'probe')) byFile.set(r.split(' ')[0]!, (byFile.get(r.split(' ')[0]!) ?? 0) + 1);
      return [...byFile.values()];
    };
    expect(Math.max(...attempts('download'))).toBe(4);
    expect(attempts('probe').length).toBeGreaterThan(0);
    expect((await cachedUrls(page)).filter((u) => u.includes('/resolve/') && u.includes('/onnx/'))).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await refused.close();
  }
});
