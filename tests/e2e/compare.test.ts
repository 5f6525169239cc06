/**
 * The Compare tab in real Chromium with the bundled models: two models side by side answer one
 * question at once, each column with its golden greedy answer (PyTorch) and its own metrics, and
 * nothing leaves the machine; a blind round hides the names until the vote, and the vote's tally
 * outlives a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { SideBySideRound } from '../../src/app/compare-session';
import type { CompareSettingsValue } from '../../src/app/compare-settings';
import { readGolden } from '../support/paths';
import { type AppWindow, openApp, waitForModel } from './support/app';
import { launchChromium } from './support/chromium';
import { askCompare, withCompareSettings } from './support/compare';

const baseUrl = inject('baseUrl');
const PROMPT = 'Count from 3 to 8.';
const golden = (modelId: string) => {
  const found = readGolden(modelId).cases.find((c) => c.messages.length === 1 && c.messages[0]!.content === PROMPT);
  if (!found) throw new Error(`no golden case of ${modelId} for ${PROMPT}`);
  return { text: found.texts['q4']!, tokens: found.output_ids['q4']!.length };
};
const expected = { 'pocket-chat-1m': golden('pocket-chat-1m'), 'pocket-chat-3m': golden('pocket-chat-3m') };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** Two columns, the bundled models on WASM q4, set before the page loads (as a returning user has them). */
function compareSettings(blind: boolean): Partial<CompareSettingsValue> {
  return {
    mode: 'side-by-side',
    blind,
    lanes: [
      { modelId: 'pocket-chat-1m', device: 'wasm', dtype: 'q4' },
      { modelId: 'pocket-chat-3m', device: 'wasm', dtype: 'q4' },
    ],
  };
}

/** The rendered text of each column of the last round, and the name shown above it. */
async function columnsShown(page: Page): Promise<{ name: string; text: string }[]> {
  const messages = page.locator('compare-round').last().locator('chat-message');
  const out: { name: string; text: string }[] = [];
  for (let i = 0; i < (await messages.count()); i++) {
    const message = messages.nth(i);
    out.push({
      name: (await message.locator('.who .model').innerText()).trim(),
      text: (await message.locator('.markdown').innerText()).trim(),
    });
  }
  return out;
}

it('streams two bundled models side by side, each with its golden answer and metrics, with no request off the machine', async () => {
  const { page, context, errors, requests } = await openApp(browser, `${baseUrl}#compare`, {
    device: 'wasm',
    beforeOpen: (ctx) => withCompareSettings(ctx, compareSettings(false)),
  });
  try {
    await waitForModel(page);
    const round = await askCompare<SideBySideRound>(page, PROMPT, 'side-by-side');
    expect(
      round.columns.map((c) => [c.turn.meta?.modelId, c.turn.meta?.backend, c.turn.meta?.dtype, c.turn.content, c.turn.meta?.error]),
    ).toEqual([
      ['pocket-chat-1m', 'wasm', 'q4', expected['pocket-chat-1m'].text, undefined],
      ['pocket-chat-3m', 'wasm', 'q4', expected['pocket-chat-3m'].text, undefined],
    ]);
    // The two golden answers differ, so a column showing the other's answer would fail here.
    expect(expected['pocket-chat-1m'].text).not.toBe(expected['pocket-chat-3m'].text);
    expect(round.columns.map((c) => c.turn.meta?.metrics?.generatedTokens)).toEqual([
      expected['pocket-chat-1m'].tokens,
      expected['pocket-chat-3m'].tokens,
    ]);
    for (const c of round.columns) expect(c.turn.meta?.metrics?.meanLogprob).toBeLessThan(0);
    expect(await columnsShown(page)).toEqual([
      { name: 'Pocket Chat 1M', text: expected['pocket-chat-1m'].text },
      { name: 'Pocket Chat 3M', text: expected['pocket-chat-3m'].text },
    ]);
    // The chat's own model was not asked: comparing uses the columns' engines.
    expect(await page.evaluate(() => (window as AppWindow).playground!.chats.current.turns.length)).toBe(0);
    const foreign = requests.map((r) => new URL(r.url())).filter((u) => u.origin !== new URL(baseUrl).origin && u.protocol !== 'blob:');
    expect(foreign.map((u) => u.href)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('blind: names hidden until the vote, revealed after it, and the tally kept across a reload', async () => {
  const { page, context, errors } = await openApp(browser, `${baseUrl}#compare`, {
    device: 'wasm',
    beforeOpen: (ctx) => withCompareSettings(ctx, compareSettings(true)),
  });
  try {
    await waitForModel(page);
    const round = await askCompare<SideBySideRound>(page, PROMPT, 'side-by-side');
    const shown = await columnsShown(page);
    expect(shown.map((c) => c.name)).toEqual(['Answer 1', 'Answer 2']);
    // Nothing in a column names its model (the chip with backend and dtype is hidden too).
    for (let i = 0; i < 2; i++) {
      expect(await page.locator('compare-round').last().locator('chat-message').nth(i).locator('.who').innerText()).toBe(`Answer ${i + 1}`);
    }
    // The text tells which model answered, so the test knows whom it votes for: the 3M model.
    const winner = round.columns.findIndex((c) => c.turn.content === expected['pocket-chat-3m'].text);
    expect(winner).toBeGreaterThanOrEqual(0);
    await page
      .locator('compare-round .vote')
      .getByRole('button', { name: `Answer ${winner + 1}`, exact: true })
      .click();
    await expect
      .poll(async () => (await columnsShown(page)).map((c) => c.name))
      .toEqual(round.columns.map((c) => (c.turn.meta?.modelId === 'pocket-chat-1m' ? 'Pocket Chat 1M' : 'Pocket Chat 3M')));
    await expect.poll(() => page.locator('compare-round .tally').innerText()).toBe('Pocket Chat 1M · WASM 0 – 1 Pocket Chat 3M · WASM');
    await page.reload();
    await waitForModel(page);
    const votes = await page.evaluate(() => (window as AppWindow).playground!.compareSettings.votes);
    expect(votes).toEqual([{ first: 'pocket-chat-1m on wasm', second: 'pocket-chat-3m on wasm', firstWins: 0, secondWins: 1, ties: 0 }]);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
