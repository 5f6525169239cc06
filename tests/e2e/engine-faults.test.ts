/**
 * Faults in the inference worker, injected into the real worker of a real page (window.faults):
 * - the WebGPU device destroyed mid-answer (`GPUDevice.destroy()`, as a driver reset would), and
 *   while a model loads on WebGPU chosen by hand (no automatic fallback to hide it);
 * - the worker closing itself mid-answer (as if the browser killed it) and a worker that spins
 *   forever, both armed to strike right after the third token: caught by the stall watchdog,
 *   shortened here from minutes to seconds; and a worker that spins while a model loads, caught by
 *   the load watchdog.
 * In every case the partial answer and the conversation are kept, the worker is replaced, and the
 * next prompt is answered. Device faults run on WebGPU (SwiftShader), where decoding is slow
 * enough to land one mid-answer; the armed worker faults run on WASM. Each test has a browser of
 * its own: a destroyed device can leave the shared GPU process slow for the pages after it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, inject, it } from 'vitest';
import type { WorkerFault } from '../../src/engine/worker/api';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, loadState, openApp, turns, typeAndSend, waitForModel, waitIdle } from './support/app';

type FaultWindow = AppWindow & {
  faults?: {
    inject(kind: WorkerFault, afterTokens?: number): Promise<void>;
    setStallTimeout(ms: number): void;
    setLoadStallTimeout(ms: number): void;
  };
};

const golden = readGolden('pocket-chat-1m');
const moon = golden.cases.find((c) => c.messages[0]?.content === 'Tell me about the moon.')!;

let browser: Browser;
beforeEach(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await browser.close();
});

/** Sends the long golden prompt and injects `kind` once a few tokens have streamed. */
async function faultMidAnswer(page: Page, kind: WorkerFault, beforeFault?: () => Promise<void>): Promise<void> {
  await typeAndSend(page, 'Tell me about the moon.');
  await page.waitForFunction(() => ((window as AppWindow).playground?.generation.generating?.tokens ?? 0) >= 3, null, { polling: 10 });
  await beforeFault?.();
  await page.evaluate((k) => (window as FaultWindow).faults!.inject(k), kind);
}

/** The partial answer is a true prefix of the golden one and carries the fault's message. */
async function expectPartialKept(page: Page, error: RegExp): Promise<void> {
  const partial = await lastAnswer(page);
  expect(partial.meta?.error).toMatch(error);
  expect(partial.content.length).toBeGreaterThan(0);
  expect(partial.content.length).toBeLessThan(moon.texts['q4']!.length);
  expect(moon.texts['q4']!.startsWith(partial.content)).toBe(true);
}

async function expectNextAnswer(page: Page): Promise<void> {
  await typeAndSend(page, 'What is 2 plus 3?');
  await waitIdle(page);
  const next = await lastAnswer(page);
  expect(next.meta?.error).toBeUndefined();
  expect(next.content).toMatch(/\b5\b/);
}

it('a lost WebGPU device mid-answer keeps the partial answer and offers WASM, which then answers', async () => {
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), { device: 'webgpu', dtype: 'q4' });
  try {
    await waitForModel(page);
    await faultMidAnswer(page, 'device-lost');
    await waitIdle(page, 30_000);
    await expectPartialKept(page, /WebGPU device was lost/);
    // q4 is the smallest variant of this model, so there is no smaller one to offer.
    expect(await loadState(page)).toMatchObject({ kind: 'error', offers: ['wasm', 'gateway'] });

    await page.locator('model-panel').getByRole('button', { name: 'Run on WASM (CPU)' }).click();
    const ready = await waitForModel(page);
    expect(ready.backend).toBe('wasm');
    await expectNextAnswer(page);
    // user, partial answer, user, answer: nothing was lost on the way.
    expect((await turns(page)).map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a worker killed mid-answer, then one that hangs, is replaced after the stall timeout (partial answers kept, next prompt answered); one that hangs while loading is stopped by the load watchdog', async () => {
  // WASM: these faults are armed to strike after the third token, so decoding speed does not matter.
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'q4' });
  try {
    for (const kind of ['exit', 'hang'] as const) {
      await waitForModel(page);
      await page.evaluate(async (k) => {
        const faults = (window as FaultWindow).faults!;
        faults.setStallTimeout(5000);
        await faults.inject(k, 3);
      }, kind);
      await typeAndSend(page, 'Tell me about the moon.');
      await waitIdle(page, 60_000);
      await expectPartialKept(page, /stopped answering for 5 s and was restarted/);
      // The model is loaded again on its own, in a new worker, on the same device.
      const ready = await waitForModel(page);
      expect(ready.backend).toBe('wasm');
      await page.evaluate(() => (window as FaultWindow).faults!.setStallTimeout(120_000));
      await expectNextAnswer(page);
      await page.evaluate(() => (window as AppWindow).playground!.chats.newConversation());
    }

    // A worker that hangs while a model loads: the load watchdog (shortened from minutes to
    // seconds) stops it and says so, and Try again loads the model in a fresh worker.
    await page.evaluate(async () => {
      const w = window as FaultWindow;
      w.faults!.setLoadStallTimeout(3000);
      void w.playground!.models.primary.selectModel('pocket-chat-1m');
      await w.faults!.inject('hang');
    });
    await expect.poll(() => loadState(page), { timeout: 60_000 }).toMatchObject({ kind: 'error', offers: [] });
    expect((await loadState(page)).message).toMatch(/showed no progress for 3 s \(a stalled download or a hung worker\)/);
    await page.evaluate(() => (window as FaultWindow).faults!.setLoadStallTimeout(300_000));
    await page.locator('model-panel').getByRole('button', { name: 'Try again' }).click();
    expect((await waitForModel(page)).backend).toBe('wasm');
    await expectNextAnswer(page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a WebGPU device lost while a model loads ends the load with the same offers; WASM then loads and answers', async () => {
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), { device: 'webgpu', dtype: 'q4' });
  try {
    await waitForModel(page);
    await page.evaluate(() => (window as FaultWindow).faults!.inject('device-lost-next-load'));
    // Loading it again (as a change of model or settings would) meets the lost device.
    await page.evaluate(() => (window as AppWindow).playground!.models.primary.selectModel('pocket-chat-1m'));
    await expect.poll(() => loadState(page), { timeout: 60_000 }).toMatchObject({ kind: 'error', offers: ['wasm', 'gateway'] });
    expect((await loadState(page)).message).toMatch(/WebGPU device was lost while pocket-chat-1m was warming up/);

    await page.locator('model-panel').getByRole('button', { name: 'Run on WASM (CPU)' }).click();
    expect((await waitForModel(page)).backend).toBe('wasm');
    await expectNextAnswer(page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
