/**
 * Stop: aborts within a token or two, keeps the partial answer, and the next prompt works.
 * Runs on WebGPU (SwiftShader), where decoding is slow enough to stop mid-answer reliably.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';

const golden = readGolden('pocket-chat-1m');
const moon = golden.cases.find((c) => c.messages[0]?.content === 'Tell me about the moon.')!;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('Stop keeps a partial answer, stops within two tokens, and the next prompt is answered; Esc stops too', async () => {
  const { page, context } = await openApp(browser, inject('baseUrl'), { device: 'webgpu', dtype: 'q4' });
  try {
    await waitForModel(page);
    await typeAndSend(page, 'Tell me about the moon.');
    await page.waitForFunction(() => ((window as AppWindow).playground?.generation.generating?.tokens ?? 0) >= 4, null, { polling: 10 });
    const seenAtStop = await page.evaluate(() => (window as AppWindow).playground!.generation.generating!.tokens);
    await page.getByRole('button', { name: 'Stop generating' }).click();
    await waitIdle(page, 10_000);
    const stopped = await lastAnswer(page);
    const full = moon.texts['q4']!;
    expect(stopped.meta?.stopReason).toBe('aborted');
    expect(stopped.content.length).toBeGreaterThan(0);
    expect(stopped.content.length).toBeLessThan(full.length);
    expect(full.startsWith(stopped.content)).toBe(true);
    // The flag is read after every token: at most the token being computed at the click, plus
    // one already in flight to the page, may still arrive.
    expect(stopped.meta!.metrics!.generatedTokens - seenAtStop).toBeLessThanOrEqual(2);
    await expect.poll(() => page.getByText('stopped', { exact: true }).count()).toBe(1);

    await typeAndSend(page, 'What is 2 plus 3?');
    await waitIdle(page);
    const next = await lastAnswer(page);
    expect(next.meta?.stopReason).toBe('eos');
    // The stopped answer is now history, so the prompt differs from the golden's: check that the
    // model still gives the right sum rather than the exact golden text.
    expect(next.content).toMatch(/\b5\b/);

    // Esc does the same from the keyboard.
    await typeAndSend(page, 'Tell me about the moon.');
    await page.waitForFunction(() => ((window as AppWindow).playground?.generation.generating?.tokens ?? 0) >= 2, null, { polling: 10 });
    await page.keyboard.press('Escape');
    await waitIdle(page, 10_000);
    expect((await lastAnswer(page)).meta?.stopReason).toBe('aborted');
  } finally {
    await context.close();
  }
});
