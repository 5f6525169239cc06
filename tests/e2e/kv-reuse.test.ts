/**
 * KV cache reuse across turns in the app, in real Chromium on WASM and WebGPU (SwiftShader): the
 * follow-up turn prefills only its new tokens and still answers exactly the PyTorch golden
 * (tools/models/golden); regenerating cuts the cache back to the prompt (on WebGPU the cache lives
 * in GPU buffers and is read back to be cut); with reuse switched off in Settings every prompt
 * token is read again, same answer.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';

const golden = readGolden('pocket-chat-1m');
// "My name is Ada." -> "Nice to meet you, Ada!" -> "What is my name?": the bundled model's own first
// answer is the golden case's history, so the second turn's prompt is exactly the golden prompt.
const ada = golden.cases.find((c) => c.messages.length === 3 && c.messages[0]!.content === 'My name is Ada.')!;

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe.each(['wasm', 'webgpu'] as const)('%s', (device) => {
  it('the follow-up reads only its new tokens, regenerating cuts the cache, reuse off reads all; golden every time', async () => {
    const { page, context, errors } = await openApp(browser, baseUrl, { device, maxNewTokens: 64 });
    try {
      const { dtype } = await waitForModel(page);
      const want = ada.texts[dtype];
      expect(want, `a golden answer for ${dtype}`).toBeDefined();

      await typeAndSend(page, ada.messages[0]!.content);
      await waitIdle(page);
      const first = await lastAnswer(page);
      expect(first.content).toBe(ada.messages[1]!.content);
      const firstPrompt = first.meta!.metrics!.promptTokens;
      expect(first.meta!.metrics!.cachedPromptTokens).toBeUndefined();

      await typeAndSend(page, ada.messages[2]!.content);
      await waitIdle(page);
      const followUp = await lastAnswer(page);
      expect(followUp.content).toBe(want);
      const m = followUp.meta!.metrics!;
      expect(m.promptTokens).toBe(ada.input_ids.length);
      // The whole first turn (its prompt and its answer but the final token) came from the cache.
      expect(m.cachedPromptTokens).toBeGreaterThan(firstPrompt);
      expect(m.cachedPromptTokens).toBeLessThan(m.promptTokens);
      // The answer's metrics say so, next to the prefill rate.
      const shown = await page.locator('chat-message').last().locator('.metrics').textContent();
      expect(shown).toContain(`${m.cachedPromptTokens} cached`);

      await page.locator('chat-message').last().getByRole('button', { name: 'Regenerate answer' }).click();
      await waitIdle(page);
      const regenerated = await lastAnswer(page);
      expect(regenerated.content).toBe(want);
      expect(regenerated.meta!.metrics!.cachedPromptTokens).toBe(ada.input_ids.length - 1);

      await page.getByLabel('Reuse the conversation\u2019s cache').uncheck();
      expect(await page.evaluate(() => (window as AppWindow).playground!.settings.preferences.params.reuseCache)).toBe(false);
      await page.locator('chat-message').last().getByRole('button', { name: 'Regenerate answer' }).click();
      await waitIdle(page);
      const cold = await lastAnswer(page);
      expect(cold.content).toBe(want);
      expect(cold.meta!.metrics!.cachedPromptTokens).toBeUndefined();
      expect(cold.meta!.params.reuseCache).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
