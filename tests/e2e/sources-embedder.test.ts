/**
 * Choosing what ranks passages besides their words, in Chromium with the bundled model on WASM:
 * the Sources panel offers the bundled Pocket Embed, the hub's all-MiniLM-L6-v2 (with its download
 * size) and words alone. The choice is kept, the next question ranks with it (sources added
 * before are embedded again with the model chosen), and a hub model that cannot be reached costs
 * the semantic half only, in words: the question is still answered from BM25, and the only
 * requests made are for the model's files at the hub, never for the documents.
 */
import net from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { launchChromium } from './support/chromium';
import { HARBOR_DOCUMENT, openSources, pasteSource } from './support/sources';
import { PUBLIC_MODELS } from '../support/paths';
import { startHubMirror } from '../support/hub-mirror';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const DOCUMENT = HARBOR_DOCUMENT;

/** A port nothing listens on: the "hub" is unreachable, as it is offline. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function choose(page: Page, value: string): Promise<void> {
  await page.locator('sources-panel select#embedder').selectOption(value);
}

async function ask(page: Page, question: string) {
  await typeAndSend(page, question);
  await waitIdle(page);
  return (await lastAnswer(page)).meta!.grounding!;
}

it('ranks with the embedding model chosen in the panel, or words alone, and keeps the choice', async () => {
  const hubUrl = `http://127.0.0.1:${await closedPort()}/`;
  const { page, context, requests } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: 8, hubUrl });
  try {
    await waitForModel(page);
    await pasteSource(page, DOCUMENT);
    await openSources(page);
    const select = page.locator('sources-panel select#embedder');
    expect(await select.inputValue()).toBe('pocket-embed');
    const options = await select.locator('option').allInnerTexts();
    expect(options.map((o) => o.trim().replace(/\s+/g, ' '))).toEqual([
      'Pocket Embed (bundled)',
      expect.stringMatching(/^all-MiniLM-L6-v2 \(hub, about \d+(\.\d+)? MB\)$/),
      'nothing else (words only)',
    ]);

    // Words alone: no similarity, and the answer says why.
    await choose(page, 'none');
    let grounding = await ask(page, 'How often is the lantern battery replaced?');
    expect(grounding.semantic).toBeNull();
    expect(grounding.semanticNote).toBe('No embedding model is chosen: passages were ranked by BM25 alone.');
    expect(grounding.passages[0]!.text).toContain('every four years');

    // The hub model, unreachable: its files are asked of the hub and nothing else is; BM25 answers.
    await choose(page, 'all-minilm-l6-v2');
    await expect.poll(() => page.locator('sources-panel [data-embedder-download]').count()).toBe(1);
    expect(await page.locator('sources-panel .local').innerText()).toContain('only the embedding model is downloaded, once');
    const before = requests.length;
    grounding = await ask(page, 'Who replaces the lantern battery?');
    expect(grounding.semantic).toBeNull();
    expect(grounding.semanticNote).toMatch(
      /^No passage has vectors of all-minilm-l6-v2 \(q8\): all-minilm-l6-v2 \(q8\) could not read every source \(.+\); passages were ranked by BM25 alone\.$/,
    );
    expect(grounding.passages[0]!.text).toContain('harbor master');
    const hubRequests = requests
      .slice(before)
      .map((r) => r.url())
      .filter((u) => u.startsWith(hubUrl));
    expect(hubRequests.length).toBeGreaterThan(0);
    expect(hubRequests.every((u) => u.startsWith(`${hubUrl}Xenova/all-MiniLM-L6-v2/`))).toBe(true);
    expect(hubRequests.some((u) => /lantern|battery|harbor/i.test(decodeURIComponent(u)))).toBe(false);

    // Back to Pocket Embed after a reload: the choice was kept, and so were its vectors (the failed model replaced none).
    await choose(page, 'pocket-embed');
    await page.reload();
    await waitForModel(page);
    await openSources(page);
    expect(await page.locator('sources-panel select#embedder').inputValue()).toBe('pocket-embed');
    grounding = await ask(page, 'How often is the lantern battery replaced?');
    expect(grounding.semantic).toBe('pocket-embed (fp32)');
    expect(grounding.semanticNote).toBeUndefined();
    expect(grounding.passages[0]!.semantic).toBeDefined();
  } finally {
    await context.close();
  }
});

it('downloads a hub embedding model through the hub and caches it; vectors of the wrong size are refused in words, also from the cache with the hub gone', async () => {
  // The hub is the local mirror (the real one is out of reach here). The repository holds Pocket
  // Embed's files under all-MiniLM-L6-v2's name and layout: the app reads the catalog entry's
  // estimated sizes against the hub's listing, downloads, checks and caches the files like a chat
  // model's, in the retrieval worker, and runs them. Their vectors have 128 values where the
  // catalog says 384: the retrieval worker refuses them, the source is searched by its words, and
  // the answer says why. That the same refusal comes back with the hub closed shows the model ran
  // from the cache.
  const mirror = await startHubMirror({
    'Xenova/all-MiniLM-L6-v2': { dir: path.join(PUBLIC_MODELS, 'pocket-embed'), revision: 'a'.repeat(40) },
  });
  let closed = false;
  const { page, context, requests } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: 8, hubUrl: mirror.url });
  const refusal =
    /^The embedding model could not read this source \(the model returned \d+×128 values for \d+ texts of 384 dimensions\); it is searched by its words only\.$/;
  try {
    await waitForModel(page);
    await openSources(page);
    await choose(page, 'all-minilm-l6-v2');
    await pasteSource(page, DOCUMENT);
    const warnings = await page.locator('sources-panel .source .warning').allInnerTexts();
    expect(warnings).toEqual([expect.stringMatching(refusal)]);
    const fetched = mirror.requests.filter((r) => r.includes('/resolve/'));
    expect(fetched.some((r) => r.includes('onnx/model_quantized.onnx'))).toBe(true);
    expect(fetched.some((r) => r.includes('tokenizer.json'))).toBe(true);
    let grounding = await ask(page, 'How often is the lantern battery replaced?');
    expect(grounding.semantic).toBeNull();
    expect(grounding.passages[0]!.text).toContain('every four years');

    // The hub goes away; after a reload the next question embeds the source again (a new worker
    // forgets what failed) with the model from the cache: the same refusal, and no request for it.
    await mirror.close();
    closed = true;
    await page.reload();
    await waitForModel(page);
    const before = requests.length;
    grounding = await ask(page, 'Who replaces the lantern battery?');
    expect(grounding.semanticNote).toMatch(
      /^No passage has vectors of all-minilm-l6-v2 \(q8\): all-minilm-l6-v2 \(q8\) could not read every source \(the model returned \d+×128 values for \d+ texts of 384 dimensions\); passages were ranked by BM25 alone\.$/,
    );
    expect(grounding.passages[0]!.text).toContain('harbor master');
    const hubOrigins = [new URL(mirror.url).origin, new URL(mirror.cdnUrl).origin];
    expect(
      requests
        .slice(before)
        .map((r) => r.url())
        .filter((u) => hubOrigins.includes(new URL(u).origin)),
    ).toEqual([]);
  } finally {
    await context.close();
    if (!closed) await mirror.close();
  }
});
