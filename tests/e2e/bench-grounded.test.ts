/**
 * The grounded benchmark in real Chromium: the built-in grounded set on the bundled model (WASM),
 * through the Benchmark tab. Each question is asked with passages the retrieval worker finds in
 * the set's documents and without them; the table shows what the run recorded, the Markdown
 * export has the same numbers, the run's index is dropped afterwards, and nothing is requested.
 */
import fs from 'node:fs/promises';
import type { Browser, Download } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { BenchSession } from '../../src/app/bench-session';
import type { BenchRun } from '../../src/bench/bench-types';
import { groundedPromptSet } from '../../src/bench/grounded-set';
import { launchChromium } from './support/chromium';
import { openApp, waitForModel } from './support/app';

type BenchWindow = Window & { bench?: BenchSession };

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** Keys of an IndexedDB store of the page's origin. */
function storedKeys(page: import('playwright-core').Page, db: string, store: string): Promise<string[]> {
  return page.evaluate(
    ([dbName, storeName]) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const conn = open.result;
          if (!conn.objectStoreNames.contains(storeName)) {
            resolve([]);
            return;
          }
          const req = conn.transaction(storeName).objectStore(storeName).getAllKeys();
          req.onsuccess = () => resolve(req.result.map(String));
          req.onerror = () => reject(new Error(String(req.error)));
        };
      }),
    [db, store] as const,
  );
}

it('asks each grounded question with and without retrieved passages, finds every answering document, and shows it', async () => {
  const { page, context, errors, requests } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.getByRole('button', { name: 'Grounded', exact: true }).click();
    await expect.poll(() => page.locator('bench-config .prompts').innerText()).toContain('6 document(s)');
    const checked = await page
      .locator('bench-config input[data-target]:checked')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-target')!));
    for (const t of checked) if (t !== 'pocket-chat-1m|wasm') await page.locator(`bench-config input[data-target="${t}"]`).uncheck();
    await page.locator('bench-config input[data-target="pocket-chat-1m|wasm"]').check();
    for (const [name, value] of [
      ['rounds', '1'],
      ['warmupRounds', '0'],
      ['maxNewTokens', '48'],
    ] as const) {
      const field = page.locator(`bench-config input[name="${name}"]`);
      await field.fill(value);
      await field.press('Tab');
    }
    const before = requests.length;
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(
      () => (window as BenchWindow).bench?.running === false && (window as BenchWindow).bench?.runs.length === 1,
      null,
      {
        timeout: 240_000,
        polling: 200,
      },
    );
    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    expect(run.targets.map((t) => [t.target.modelId, t.status, t.message])).toEqual([['pocket-chat-1m', 'ok', null]]);

    // Every question twice, passages first; each RAG-on request retrieved passages of the set's documents.
    const set = groundedPromptSet();
    const names = new Set(set.documents.map((d) => d.name));
    expect(run.samples.map((s) => [s.promptId, s.rag?.on, s.error])).toEqual(
      set.prompts.flatMap((p) => [
        [p.id, true, null],
        [p.id, false, null],
      ]),
    );
    for (const s of run.samples.filter((x) => x.rag?.on)) {
      expect(s.rag!.retrieved.length, s.promptId).toBeGreaterThan(0);
      expect(
        s.rag!.retrieved.every((n) => names.has(n)),
        s.promptId,
      ).toBe(true);
      expect(s.rag!.retrievalMs, s.promptId).toBeGreaterThan(0);
      // Grounding puts the passages in the prompt: it is longer than the bare question's.
      const control = run.samples.find((x) => x.promptId === s.promptId && x.rag?.on === false)!;
      expect(s.promptTokens, s.promptId).toBeGreaterThan(control.promptTokens + 20);
    }
    // Each answerable question shares its distinctive words with its own document only (the set's
    // unit test checks that): the answering document must be among the first three passages.
    const answerable = set.prompts.filter((p) => p.grounded?.source);
    const rank = (id: string, source: string): number =>
      run.samples.find((s) => s.promptId === id && s.rag?.on)!.rag!.retrieved.indexOf(source) + 1;
    const ranks = answerable.map((p) => [p.id, rank(p.id, p.grounded!.source!)] as const);
    expect(ranks.filter(([, r]) => r < 1 || r > 3)).toEqual([]);
    const hit1 = ranks.filter(([, r]) => r === 1).length;

    // The table shows those counts, computed here from the samples.
    const dtype = run.samples[0]!.dtype;
    const row = page.locator(`bench-grounded tr[data-key="pocket-chat-1m|wasm|${dtype}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td[data-col="hit3"]').innerText()).toContain(`${answerable.length}/${answerable.length}`);
    expect(await row.locator('td[data-col="hit1"]').innerText()).toContain(`${hit1}/${answerable.length}`);
    const cited = answerable.filter((p) =>
      run.samples.find((s) => s.promptId === p.id && s.rag?.on)!.rag!.cited.includes(p.grounded!.source!),
    ).length;
    expect(await row.locator('td[data-col="cited"]').innerText()).toContain(`${cited}/${answerable.length}`);

    // The Markdown export carries the same row.
    const event: Promise<Download> = page.waitForEvent('download');
    await page.locator('bench-results').getByRole('button', { name: 'Markdown' }).click();
    const markdown = await fs.readFile(await (await event).path(), 'utf8');
    expect(markdown).toContain('## Grounded answers (6 document(s))');
    expect(markdown).toMatch(
      new RegExp(
        `\\|pocket-chat-1m · WASM ${dtype}\\|${hit1}/${answerable.length}\\|${answerable.length}/${answerable.length}\\|${cited}/${answerable.length}\\|`,
      ),
    );

    // The run's index is gone; the model and its tokenizer came from the cache: no request at all.
    await expect
      .poll(async () => (await storedKeys(page, 'playground-source-content', 'content')).filter((k) => k.startsWith('bench-')))
      .toEqual([]);
    expect(await storedKeys(page, 'playground-source-index', 'lexical')).toEqual([]);
    const made = requests
      .slice(before)
      .map((r) => new URL(r.url()))
      .filter(
        (u) =>
          u.protocol !== 'blob:' &&
          !/\/assets\/retrieval\.worker-[\w-]+\.js$/.test(u.pathname) &&
          !u.pathname.startsWith('/models/pocket-embed/'),
      );
    expect(made.map(String)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
