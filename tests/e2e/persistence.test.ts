/**
 * After one visit, a reload keeps the conversation and loads the model with zero network
 * requests for model files or ONNX Runtime's wasm: everything comes from IndexedDB.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, turns, typeAndSend, waitForModel, waitIdle } from './support/app';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const isModelOrWasm = (url: string): boolean => /\/models\/[^/]+\/|\.wasm(\?|$)/.test(url);

it('keeps the conversation across a reload and reloads the model from the cache only', async () => {
  const { page, context, requests } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'q4' });
  try {
    await waitForModel(page);
    // First visit: the files really came over the network.
    expect(requests.filter((r) => isModelOrWasm(r.url())).length).toBeGreaterThan(0);
    await typeAndSend(page, 'What is the capital of France?');
    await waitIdle(page);
    const before = await turns(page);
    expect(before).toHaveLength(2);

    requests.length = 0;
    await page.reload();
    const loaded = await waitForModel(page);
    expect(loaded.backend).toBe('wasm');
    const after = await turns(page);
    expect(after.map((t) => t.content)).toEqual(before.map((t) => t.content));
    expect((await lastAnswer(page)).meta?.metrics?.generatedTokens).toBe(before[1]!.meta!.metrics!.generatedTokens);
    const modelRequests = requests.map((r) => r.url()).filter(isModelOrWasm);
    expect(modelRequests).toEqual([]);
    // And the reloaded model still answers.
    await typeAndSend(page, 'Hello');
    await waitIdle(page);
    expect((await lastAnswer(page)).meta?.stopReason).toBe('eos');
  } finally {
    await context.close();
  }
});
