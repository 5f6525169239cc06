/**
 * Storage under stress, in Chromium: two tabs writing one conversation lose nothing; a record
 * that does not parse is skipped with a notice while the rest loads.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { openApp, typeAndSend, waitForModel, waitForStart, waitIdle, turns, type AppWindow } from './support/app';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('two tabs on one conversation: each sees the other\u2019s answers and neither overwrites them', async () => {
  const { page: a, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(a);
    const b = await context.newPage();
    await b.goto(baseUrl);
    await waitForModel(b);

    await typeAndSend(a, 'What is 2 plus 3?');
    await waitIdle(a);
    const id = await a.evaluate(() => (window as AppWindow).playground!.chats.currentId);
    // Tab B hears about it without a reload, opens it, and adds to it.
    await b.waitForFunction(
      (want) => (window as AppWindow).playground!.chats.conversations.some((c) => c.id === want && c.turns.length === 2),
      id,
    );
    await b.evaluate((want) => (window as AppWindow).playground!.chats.switchTo(want), id);
    await typeAndSend(b, 'Hello');
    await waitIdle(b);
    // Tab A now shows all four turns, and so does a fresh load from IndexedDB.
    await a.waitForFunction(() => (window as AppWindow).playground!.chats.current.turns.length === 4);
    await a.reload();
    await waitForModel(a);
    await a.evaluate((want) => (window as AppWindow).playground!.chats.switchTo(want), id);
    expect((await turns(a)).map((t) => [t.role, t.role === 'user' ? t.content : '…'])).toEqual([
      ['user', 'What is 2 plus 3?'],
      ['assistant', '…'],
      ['user', 'Hello'],
      ['assistant', '…'],
    ]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('skips a corrupt conversation record with a notice and loads the others', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await typeAndSend(page, 'Hello');
    await waitIdle(page);
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('playground-chats');
          open.onsuccess = () => {
            const tx = open.result.transaction('conversations', 'readwrite');
            tx.objectStore('conversations').put({ id: 'broken', turns: 'not a list' }, 'broken');
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(new Error(String(tx.error)));
          };
          open.onerror = () => reject(new Error(String(open.error)));
        }),
    );
    await page.reload();
    await waitForStart(page); // the saved conversations are read before the model loads
    const state = await page.evaluate(() => {
      const app = (window as AppWindow).playground!;
      return { titles: app.chats.conversations.map((c) => c.title), notices: app.notices.list.map((n) => n.text) };
    });
    expect(state.titles).toEqual(['Hello']);
    expect(state.notices).toContain('1 saved conversation(s) could not be read and were skipped.');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('runs without IndexedDB in the page, says conversations will not be kept, and still chats', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, {
    device: 'wasm',
    beforeOpen: (ctx) =>
      ctx.addInitScript(() => {
        // The page's IndexedDB refuses to open, as in some private modes. (The worker's cannot be
        // reached from a test; tests/unit/cache-problems.test.ts covers the weight cache's fallback.)
        Reflect.set(IDBFactory.prototype, 'open', () => {
          throw new DOMException('The user denied permission to access the database.', 'InvalidStateError');
        });
      }),
  });
  try {
    await waitForModel(page);
    await expect
      .poll(() => page.evaluate(() => (window as AppWindow).playground!.notices.list.map((n) => n.text).join('\n')))
      .toMatch(/Saved conversations are unavailable \(.*denied permission.*\); new chats will not be kept\./);
    await typeAndSend(page, 'What is 2 plus 3?');
    await waitIdle(page);
    expect((await turns(page)).length).toBe(2);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
