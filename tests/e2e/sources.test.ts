/**
 * Grounded answers in Chromium with the bundled model on WASM: text pasted into the Sources panel
 * is indexed in the retrieval worker (in the model's own tokens, with the bundled embedding
 * model's vectors), a question is sent with the passages retrieved for it (BM25 and similarity fused), the answer keeps them (inspectable, with scores), and nothing is
 * requested while asking; after a reload the sources are listed again and a question is answered
 * from the stored index without indexing anything again. A stored record that does not parse is
 * skipped with a notice.
 *
 * The bundled models are not yet trained to answer from context, so this asserts retrieval, the
 * prompt, the UI and storage, not what the model says (sources-gateway.test.ts checks citations
 * with a scripted server that does cite).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { launchChromium } from './support/chromium';
import { HARBOR_DOCUMENT, currentSources, openSources, pasteSource, retrievalStats } from './support/sources';
import { readCatalog } from '../support/paths';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const DOCUMENT = HARBOR_DOCUMENT;
const QUESTION = 'How often is the lantern battery replaced?';

/** Source records as stored in IndexedDB, read with the browser's own API. */
function storedSources(page: Page): Promise<{ id: string; name: string; chunkCount: number }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('playground-sources');
        open.onerror = () => reject(open.error ?? new Error('open failed'));
        open.onsuccess = () => {
          const all = open.result.transaction('sources').objectStore('sources').getAll();
          all.onsuccess = () => resolve(all.result as { id: string; name: string; chunkCount: number }[]);
          all.onerror = () => reject(all.error ?? new Error('read failed'));
        };
      }),
  );
}

it('answers from pasted text with the passages it retrieved, requesting nothing, and again after a reload without re-indexing', async () => {
  const { page, context, requests, errors } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: 32 });
  try {
    await waitForModel(page);
    const before = requests.length;
    await pasteSource(page, DOCUMENT);

    // Listed with its size, passages and vectors, and stored.
    const [source] = await currentSources(page);
    expect(source).toMatchObject({ name: 'Pasted: Harbor Lantern', kind: 'pasted', bytes: Buffer.byteLength(DOCUMENT) });
    expect(source!.chunking.counter).toBe("Pocket Chat 1M's tokenizer");
    expect(source!.embedding).toEqual({ model: 'pocket-embed (fp32)', dims: 128 });
    expect(source!.chunkCount).toBeGreaterThanOrEqual(3);
    const row = page.locator(`sources-panel li[data-source="${source!.id}"]`);
    expect(await row.locator('.name').innerText()).toBe('Pasted: Harbor Lantern');
    expect(await row.locator('.facts').innerText()).toBe(
      `pasted · ${source!.bytes} B · ${source!.chunkCount} passages · vectors of pocket-embed (fp32)`,
    );
    expect(await storedSources(page)).toEqual([expect.objectContaining({ id: source!.id, chunkCount: source!.chunkCount })]);
    // Adding it loaded, from this app, the retrieval worker's script and, on first use, the bundled
    // embedding model's files (its fp32 variant); the chat model's tokenizer came from the weight cache.
    const embed = readCatalog().models.find((m) => m.id === 'pocket-embed')!;
    const embedFiles = [...embed.files, ...embed.variants.find((v) => v.dtype === 'fp32')!.files].map(
      (f) => `/models/pocket-embed/${f.path}`,
    );
    // A blob: URL is memory of the page (ONNX Runtime's loader, made from its cached copy), not the network.
    const whileAdding = requests
      .slice(before)
      .map((r) => new URL(r.url()))
      .filter((u) => u.protocol !== 'blob:');
    expect(whileAdding.every((u) => u.origin === new URL(baseUrl).origin)).toBe(true);
    expect(new Set(whileAdding.map((u) => u.pathname.replace(/-[\w-]+\.js$/, '.js')))).toEqual(
      new Set(['/assets/retrieval.worker.js', ...embedFiles]),
    );

    const asking = requests.length;
    await typeAndSend(page, QUESTION);
    await waitIdle(page);
    const answer = await lastAnswer(page);
    const grounding = answer.meta!.grounding!;
    // The passage with the fact comes first, under its heading trail.
    expect(grounding.passages[0]).toMatchObject({ n: 1, sourceName: 'Pasted: Harbor Lantern', heading: 'Harbor Lantern › Battery' });
    expect(grounding.passages[0]!.text).toContain('The lantern battery is replaced every four years');
    expect(grounding.passages[0]!.lexical?.rank).toBe(1);
    expect(grounding.semantic).toBe('pocket-embed (fp32)');
    expect(grounding.passages[0]!.semantic).toBeDefined();
    // The model read exactly the grounded prompt the worker counted, and it left the room promised.
    expect(answer.meta!.metrics!.promptTokens).toBe(grounding.promptTokens);
    expect(grounding.promptTokens + grounding.answerTokens).toBeLessThanOrEqual(512);
    expect(answer.meta!.metrics!.retrievalMs).toBe(grounding.retrievalMs);
    await expect.poll(async () => (await lastAnswer(page)).meta?.networkRequests, { timeout: 5_000 }).toBe(0);
    expect(requests.slice(asking).map((r) => r.url())).toEqual([]);

    // The passages and their scores can be inspected under the answer.
    const sources = page.locator('chat-message').last().locator('answer-sources');
    expect(await sources.locator('summary .label').innerText()).toBe(
      `Grounded on ${grounding.passages.length} passage${grounding.passages.length === 1 ? '' : 's'}`,
    );
    await sources.locator('summary').click();
    const first = sources.locator('li[data-n="1"]');
    expect(await first.locator('.where').innerText()).toBe('Pasted: Harbor Lantern › Harbor Lantern › Battery');
    expect(await first.locator('.text').innerText()).toBe(grounding.passages[0]!.text);
    expect(await first.locator('.scores').innerText()).toBe(
      `BM25 #1 (${grounding.passages[0]!.lexical!.score.toFixed(2)}) · similarity #${grounding.passages[0]!.semantic!.rank} (${grounding.passages[0]!.semantic!.score.toFixed(2)}) · fused ${grounding.passages[0]!.fused.toFixed(4)} · ${grounding.passages[0]!.tokens} tokens`,
    );
    expect(await page.locator('chat-message').last().locator('.metrics').innerText()).toMatch(/retrieval \d/);

    // After a reload: the same source, and an answer from the stored index.
    const conversationId = await page.evaluate(
      () => (window as unknown as { playground: { chats: { currentId: string } } }).playground.chats.currentId,
    );
    await page.reload();
    await waitForModel(page);
    expect(
      await page.evaluate(() => (window as unknown as { playground: { chats: { currentId: string } } }).playground.chats.currentId),
    ).toBe(conversationId);
    expect((await currentSources(page)).map((s) => [s.id, s.chunkCount])).toEqual([[source!.id, source!.chunkCount]]);
    await openSources(page);
    expect(await page.locator('sources-panel .source .name').allInnerTexts()).toEqual(['Pasted: Harbor Lantern']);
    const reloaded = requests.length;
    await typeAndSend(page, 'When is the lantern battery replaced?');
    await waitIdle(page);
    const again = (await lastAnswer(page)).meta!.grounding!;
    expect(again.passages[0]!.chunkId).toBe(grounding.passages[0]!.chunkId);
    // The worker of the reloaded page indexed and embedded nothing: it loaded the stored BM25 index
    // and vectors, and embedded only the question.
    expect(again.semantic).toBe('pocket-embed (fp32)');
    expect(await retrievalStats(page)).toMatchObject({
      sourcesIndexed: 0,
      passagesEmbedded: 0,
      queriesEmbedded: 1,
      lexicalLoaded: 1,
      lexicalRebuilt: 0,
    });
    // Only the retrieval worker's own script was fetched, from this app: the embedding model came from the weight cache.
    expect(
      requests
        .slice(reloaded)
        .map((r) => new URL(r.url()))
        .filter((u) => u.protocol !== 'blob:')
        .map((u) => u.pathname.replace(/-[\w-]+\.js$/, '.js')),
    ).toEqual(['/assets/retrieval.worker.js']);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('skips a stored source record that does not parse, with a notice, and lists the rest', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', maxNewTokens: 8 });
  try {
    await waitForModel(page);
    await pasteSource(page, DOCUMENT);
    const [good] = await currentSources(page);
    await page.evaluate(
      (conversationId) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('playground-sources');
          open.onsuccess = () => {
            const tx = open.result.transaction('sources', 'readwrite');
            tx.objectStore('sources').put({ id: 'broken', conversationId, name: 42 }, 'broken');
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error ?? new Error('write failed'));
          };
        }),
      good!.conversationId,
    );
    await page.reload();
    await waitForModel(page);
    expect((await currentSources(page)).map((s) => s.id)).toEqual([good!.id]);
    await expect
      .poll(() => page.locator('notice-list .notice span').allInnerTexts())
      .toContain('1 saved source(s) could not be read and were skipped.');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
