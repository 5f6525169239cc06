/**
 * The heart of the product, through the UI in real Chromium: type a prompt, watch tokens stream,
 * and get exactly the golden greedy answer of the bundled model (computed by PyTorch), on WASM
 * and on WebGPU (SwiftShader), with the same text on both.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, openApp, renderedAnswer, typeAndSend, waitForModel, waitIdle } from './support/app';

const golden = readGolden('pocket-chat-1m');
const single = golden.cases.filter((c) => c.messages.length === 1);

function goldenText(prompt: string, dtype: string): string {
  const found = single.find((c) => c.messages[0]!.content === prompt);
  if (!found) throw new Error(`no golden case for ${prompt}`);
  return found.texts[dtype]!;
}

/**
 * Records how the answer reached the page: the answer's text after every change of the chat state
 * (one per token batch the worker posts, each its own task), and the rendered text every animation
 * frame. The state is the streaming proof: a page thread starved by a loaded machine can paint a
 * short answer in a single frame (the renderer coalesces to one paint per frame by design), but it
 * still receives the batches one by one.
 */
async function recordStreaming(page: Page): Promise<{ states: string[]; frames: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ states: string[]; frames: string[] }>((resolve) => {
        const app = (window as AppWindow).playground!;
        const states: string[] = [];
        const frames: string[] = [];
        const unsubscribe = app.chats.subscribe(() => {
          const turnId = app.generation.generating?.turnId;
          const turn = turnId ? app.chats.current.turns.find((t) => t.id === turnId) : undefined;
          if (turn?.content && states[states.length - 1] !== turn.content) states.push(turn.content);
        });
        const sample = (): void => {
          const messages = document
            .querySelector('playground-app')
            ?.shadowRoot?.querySelector('chat-view')
            ?.shadowRoot?.querySelectorAll('chat-message');
          const last = messages?.[messages.length - 1];
          const box = last?.shadowRoot?.querySelector('.markdown');
          // Before the first token the box shows a "Thinking…" placeholder, not answer text.
          const text = box && !box.querySelector('.thinking') ? box.textContent.trim() : '';
          if (text && frames[frames.length - 1] !== text) frames.push(text);
          if (app.generation.generating || frames.length === 0) requestAnimationFrame(sample);
          else {
            unsubscribe();
            resolve({ states, frames });
          }
        };
        requestAnimationFrame(sample);
      }),
  );
}

let browser: Browser;
const baseUrl = inject('baseUrl');
const answers: Record<string, string> = {};
const SHARED_PROMPT = 'What is 2 plus 3?';

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

describe.each([
  { device: 'wasm' as const, prompt: 'Tell me about the moon.' },
  { device: 'webgpu' as const, prompt: 'What is 2 plus 3?' }, // short: SwiftShader decodes ~5 tok/s
])('chat on $device', ({ device, prompt }) => {
  it('streams tokens into the page and ends with the golden greedy answer', async () => {
    const { page, context, errors, requests } = await openApp(browser, baseUrl, { device, dtype: 'q4' });
    try {
      const loaded = await waitForModel(page);
      expect(loaded.backend).toBe(device);
      expect(loaded.dtype).toBe('q4');
      const recording = recordStreaming(page);
      await typeAndSend(page, prompt);
      const { states, frames } = await recording;
      await waitIdle(page);
      const answer = await lastAnswer(page);
      const expected = goldenText(prompt, 'q4');
      expect(answer.content).toBe(expected);
      expect(answer.meta?.stopReason).toBe('eos');
      expect(answer.meta?.backend).toBe(device);
      // Streaming: the page received growing prefixes of the answer before the end, and every
      // frame it painted showed one of them.
      expect(states.length).toBeGreaterThan(1);
      states.forEach((text, i) => {
        expect(expected.startsWith(text)).toBe(true);
        if (i > 0) expect(text.length).toBeGreaterThan(states[i - 1]!.length);
      });
      expect(states.at(-1)).toBe(expected);
      for (const text of frames) expect(expected.startsWith(text.replace(/\s+$/, ''))).toBe(true);
      expect((await renderedAnswer(page)).trim()).toBe(expected);
      const m = answer.meta?.metrics;
      expect(m?.generatedTokens).toBe(golden.cases.find((c) => c.messages[0]?.content === prompt)!.output_ids['q4']!.length);
      expect(m?.ttftMs).toBeGreaterThan(0);
      expect(m?.decodeTokensPerSec).toBeGreaterThan(0);
      // Where the time went: the parts the worker can see, adding up to send -> last token, which
      // is the engine's total plus the wait before the worker took the request.
      const parts = m!.parts!;
      expect([parts.retrieval, parts.thinking]).toEqual([null, null]);
      for (const part of [parts.queue, parts.prepare, parts.prefill, parts.decode]) expect(part).toBeGreaterThanOrEqual(0);
      const sum = parts.queue! + parts.prepare! + parts.prefill! + parts.decode!;
      expect(Math.abs(sum - (m!.totalMs + parts.queue!))).toBeLessThan(0.01);
      expect(parts.prepare! + parts.prefill!).toBeCloseTo(m!.firstTokenMs!, 5);
      // …and the answer shows them as one bar, a segment per part that took time.
      const segments = page.locator('chat-message').last().locator('latency-bar .part');
      await expect.poll(() => segments.count()).toBeGreaterThanOrEqual(3);
      if (prompt !== SHARED_PROMPT) {
        await page.locator('conversation-list').getByRole('button', { name: 'New chat' }).click();
        await typeAndSend(page, SHARED_PROMPT);
        await waitIdle(page);
      }
      answers[device] = (await lastAnswer(page)).content;
      expect(errors).toEqual([]);
      // Everything, ORT's wasm included, came from the app's own origin: no CDN, no hub.
      const foreign = requests.map((r) => new URL(r.url())).filter((u) => u.origin !== new URL(baseUrl).origin && u.protocol !== 'blob:');
      expect(foreign.map((u) => u.href)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

it('WASM and WebGPU produced the same tokens for the same prompt', () => {
  // Both answers were recorded by the tests above (files run their tests in order).
  expect(answers['wasm']).toBe(goldenText('What is 2 plus 3?', 'q4'));
  expect(answers['webgpu']).toBe(answers['wasm']);
});
