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

it('a late note on an answer (its request count) does not write back a stale copy over newer turns', async () => {
  // Another tab's save whose broadcast has not arrived yet is what this tab cannot see: written
  // here straight into IndexedDB, between the end of the answer and the request count (300 ms).
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await typeAndSend(page, 'What is 2 plus 3?');
    const id = await page.evaluate(() => (window as AppWindow).playground!.chats.currentId);
    const countedBeforeOurWrite = await page.evaluate(
      (key) =>
        new Promise<boolean>((resolve, reject) => {
          const open = indexedDB.open('playground-chats');
          open.onerror = () => reject(new Error(String(open.error)));
          open.onsuccess = () => {
            const db = open.result;
            const tryWrite = (): void => {
              if ((window as AppWindow).playground!.generation.generating) return void setTimeout(tryWrite, 5);
              const tx = db.transaction('conversations', 'readwrite');
              const store = tx.objectStore('conversations');
              const read = store.get(key);
              read.onsuccess = () => {
                type Stored = {
                  turns: { id: string; role: string; content: string; createdAt: number; meta?: { networkRequests?: number } }[];
                };
                const stored = read.result as Stored | undefined;
                if (!stored || stored.turns.length !== 2) return void setTimeout(tryWrite, 5); // our own save not there yet
                const now = Date.now();
                const more = [
                  { id: 'other-tab-user', role: 'user', content: 'Hello', createdAt: now },
                  { id: 'other-tab-answer', role: 'assistant', content: 'Hi there.', createdAt: now },
                ];
                store.put({ ...stored, turns: [...stored.turns, ...more], updatedAt: now }, key);
                tx.oncomplete = () => resolve(stored.turns[1]!.meta?.networkRequests !== undefined);
              };
              tx.onerror = () => reject(new Error(String(tx.error)));
            };
            tryWrite();
          };
        }),
      id,
    );
    expect(countedBeforeOurWrite).toBe(false); // else this test came too late to show anything
    // The count lands on the stored answer, and the other tab's turns are still there.
    const storedCount = (): Promise<number | null> =>
      page.evaluate(
        (key) =>
          new Promise<number | null>((resolve, reject) => {
            const open = indexedDB.open('playground-chats');
            open.onerror = () => reject(new Error(String(open.error)));
            open.onsuccess = () => {
              const read = open.result.transaction('conversations').objectStore('conversations').get(key);
              read.onsuccess = () => {
                const stored = read.result as { turns: { meta?: { networkRequests?: number } }[] } | undefined;
                resolve(stored?.turns[1]?.meta?.networkRequests ?? null);
              };
            };
          }),
        id,
      );
    await expect.poll(storedCount, { timeout: 10_000, interval: 50 }).not.toBeNull();
    await page.reload();
    await waitForModel(page);
    await page.evaluate((want) => (window as AppWindow).playground!.chats.switchTo(want), id);
    const after = await turns(page);
    expect(after.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(after[1]!.meta?.networkRequests).toBe(0);
    expect(after[3]!.content).toBe('Hi there.');
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
