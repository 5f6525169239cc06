/**
 * Inference never blocks the page: while a model is still loading (downloading, starting ONNX
 * Runtime, creating the session), the user can type and change settings.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { type AppWindow, openApp, waitForModel } from './support/app';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('the page responds to input while the model loads', async () => {
  // A first load takes seconds (ONNX Runtime's 27 MB wasm is fetched, stored and compiled, then
  // the 13 MB fp32 weights): a wide window to interact in.
  const { page, context } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'fp32', modelId: 'pocket-chat-3m' });
  try {
    await page.waitForFunction(() => (window as AppWindow).playground?.models.primary.load.kind === 'loading');
    const box = page.locator('chat-composer textarea');
    await box.click();
    await page.keyboard.type('typed while loading');
    await expect.poll(() => box.inputValue()).toBe('typed while loading');
    await page.getByRole('spinbutton', { name: 'Temperature' }).fill('0.5');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.settings.preferences.params.temperature)).toBe(0.5);
    // All of that happened before the model was ready: nothing waited for inference.
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.load.kind)).toBe('loading');
    await waitForModel(page);
  } finally {
    await context.close();
  }
});
