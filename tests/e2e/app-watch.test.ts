/**
 * The UI renders from the state owners it watches (src/ui/shared/app-watch.ts): while an answer
 * streams, the chat re-renders at most once per animation frame however often the chats and the
 * generation announce a change, and panels that watch neither do not re-render at all.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';

type CountingWindow = AppWindow & { updates?: Record<string, number>; frameCount?: number; changes?: number };

const WATCHERS = ['chat-view', 'conversation-list', 'settings-panel', 'gateway-panel', 'status-line', 'model-panel', 'notice-list'];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('a streamed answer re-renders the chat once a frame at most, and leaves other panels alone', async () => {
  const { page, context, errors } = await openApp(browser, inject('baseUrl'), { device: 'wasm', dtype: 'fp32' });
  try {
    await waitForModel(page);
    await page.evaluate(async (names) => {
      const w = window as CountingWindow;
      const root = document.querySelector('playground-app')!.shadowRoot!;
      // The load's last change ("ready") renders on the next frame: let it land before counting,
      // or the status line's render of "ready" is counted as a render during the answer.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      await Promise.all(names.map((name) => (root.querySelector(name) as unknown as { updateComplete: Promise<unknown> }).updateComplete));
      w.updates = {};
      for (const name of names) {
        const el = root.querySelector(name) as unknown as { update: (changed: unknown) => void };
        const update = el.update.bind(el);
        w.updates[name] = 0;
        el.update = (changed) => {
          w.updates![name]!++;
          update(changed);
        };
      }
      w.frameCount = 0;
      const tick = (): void => {
        w.frameCount!++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      w.changes = 0;
      const app = w.playground!;
      app.chats.subscribe(() => w.changes!++);
      app.generation.subscribe(() => w.changes!++);
    }, WATCHERS);
    await typeAndSend(page, 'Tell me about the moon.');
    await waitIdle(page);
    await page.waitForTimeout(500);
    const { updates, frames, changes } = await page.evaluate(() => {
      const w = window as CountingWindow;
      return { updates: w.updates!, frames: w.frameCount!, changes: w.changes! };
    });
    const answer = await lastAnswer(page);
    expect(answer.meta?.metrics?.generatedTokens ?? 0).toBeGreaterThan(10);
    expect(updates['chat-view']).toBeGreaterThan(0);
    expect(updates['chat-view']).toBeLessThanOrEqual(frames + 1);
    expect(updates['chat-view']).toBeLessThan(changes);
    // The conversation list shows titles, which the chats own: it follows them, also once a frame.
    expect(updates['conversation-list']).toBeLessThanOrEqual(frames + 1);
    for (const name of ['settings-panel', 'gateway-panel', 'status-line', 'model-panel', 'notice-list'])
      expect({ [name]: updates[name] }).toEqual({ [name]: 0 });

    // Changes in separate tasks (as worker messages arrive) within a few frames: Lit alone would
    // render once per task; the watch renders once per frame.
    const burst = await page.evaluate(async () => {
      const w = window as CountingWindow;
      const notices = w.playground!.notices;
      const [updatesBefore, framesBefore] = [w.updates!['notice-list']!, w.frameCount!];
      await Promise.all(
        Array.from(
          { length: 60 },
          (_, i) =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                notices.notify('info', `burst ${i}`);
                resolve();
              }, 0),
            ),
        ),
      );
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return { updates: w.updates!['notice-list']! - updatesBefore, frames: w.frameCount! - framesBefore, shown: notices.list.length };
    });
    expect(burst.shown).toBe(60);
    expect(burst.updates).toBeGreaterThan(0);
    expect(burst.updates).toBeLessThanOrEqual(burst.frames + 1);
    expect(burst.updates).toBeLessThan(30);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
