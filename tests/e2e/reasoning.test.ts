/**
 * A reasoning model's answer in the real chat UI: its reasoning streams apart from the answer, in
 * a block that is open while only reasoning arrives, collapses when the answer begins, and then
 * stays as the person leaves it; once measured it says how long and how many tokens the model
 * reasoned. The reasoning is plain text (markup in it stays text), and a long one shows only its
 * end while streaming. The reasoning-effort setting reaches the request. The bundled models do not
 * reason, so a scripted OpenAI-compatible server streams `reasoning_content` the way servers of
 * gpt-oss do, through the preview server's `/gateway` proxy, and holds chunks back until the test
 * has looked at each stage.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium';
import { openApp, typeAndSend, waitForModel, waitForRendered, waitIdle, type AppWindow } from './support/app';
import { startScriptedGateway, type ScriptedAnswer, type ScriptedGateway } from './support/scripted-gateway';

const REASONING =
  'The user asks for 2 + 3. <img src=x onerror="window.__pwned = 1"> **not bold**\n' +
  'Small numbers: count on from 2 by 3. That gives 5.\nAnswer plainly.';
const ANSWER = '2 plus 3 is **5**.';
const REASONING_TOKENS = 412;

/** A promise the test resolves when it has seen what it wanted. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

let browser: Browser;
let gateway: ScriptedGateway;
let next: ScriptedAnswer;

beforeAll(async () => {
  browser = await launchChromium();
  // It lists gpt-oss-20b as Foundry Local would: the effort is only sent to models that reason.
  gateway = await startScriptedGateway(inject('gatewayPort'), () => next, ['gpt-oss-20b']);
});
afterAll(async () => {
  await gateway.close();
  await browser.close();
});

/** The last answer's reasoning block: open or not, its summary, and the text it shows. */
async function block(page: Page): Promise<{ open: boolean; summary: string; text: string; elements: number; clip: string }> {
  return page
    .locator('chat-message')
    .last()
    .locator('reasoning-block')
    .evaluate((el) => {
      const root = el.shadowRoot!;
      const text = root.querySelector('.text')!;
      return {
        open: root.querySelector('details')!.open,
        summary: root.querySelector('summary')!.textContent.replace(/\s+/g, ' ').trim(),
        text: text.textContent,
        elements: text.childElementCount,
        clip: root.querySelector('.clip')?.textContent.replace(/\s+/g, ' ').trim() ?? '',
      };
    });
}

/** Waits until the last answer's reasoning block shows `open`. */
async function waitForOpen(page: Page, open: boolean): Promise<void> {
  await page.waitForFunction(
    (open) => {
      const view = document.querySelector('playground-app')?.shadowRoot?.querySelector('chat-view')?.shadowRoot;
      const messages = view?.querySelectorAll('chat-message');
      const details = messages?.[messages.length - 1]?.shadowRoot?.querySelector('reasoning-block')?.shadowRoot?.querySelector('details');
      return details?.open === open;
    },
    open,
    { timeout: 30_000, polling: 50 },
  );
}

/** Waits until the answer being generated has `field` of `length` characters. */
async function waitForLength(page: Page, field: 'reasoning' | 'content', length: number): Promise<void> {
  await page.waitForFunction(
    ({ field, length }) => {
      const turns = (window as AppWindow).playground?.chats.current.turns;
      return (turns?.at(-1)?.[field]?.length ?? 0) >= length;
    },
    { field, length },
    { timeout: 60_000, polling: 50 },
  );
}

const summaryOf = (page: Page): Locator => page.locator('chat-message').last().locator('reasoning-block summary');
const generating = (page: Page): Promise<boolean> => page.evaluate(() => Boolean((window as AppWindow).playground?.generation.generating));

it('streams reasoning apart from the answer, open then collapsed, keeps the person’s choice, and sends the effort', async () => {
  const answerBegins = gate();
  const answerContinues = gate();
  const chunkChars = 12;
  const reasoningChunks = Math.ceil(REASONING.length / chunkChars);
  next = {
    reasoning: REASONING,
    reasoningTokens: REASONING_TOKENS,
    text: ANSWER,
    chunkChars,
    intervalMs: 10,
    holds: new Map([
      [reasoningChunks, answerBegins.promise],
      [reasoningChunks + 1, answerContinues.promise],
    ]),
  };
  const { page, errors } = await openApp(browser, inject('baseUrl'), {
    device: 'gateway',
    modelId: 'gpt-oss-20b',
    gateway: { baseUrl: `http://127.0.0.1:${inject('gatewayPort')}` },
  });
  try {
    expect((await waitForModel(page)).backend).toBe('gateway');
    await page.locator('settings-panel select#reasoningEffort').selectOption('high');
    await typeAndSend(page, 'What is 2 plus 3?');

    // Only reasoning so far: open, streaming, shown as plain text, the answer still empty.
    await waitForLength(page, 'reasoning', REASONING.length);
    await waitForOpen(page, true);
    await expect.poll(async () => (await block(page)).text).toBe(REASONING);
    const reasoning = await block(page);
    expect(reasoning.summary).toBe('Reasoning…');
    expect(reasoning.elements).toBe(0);
    expect(await page.locator('chat-message').last().locator('.md-body').textContent()).toBe('');
    expect(await generating(page)).toBe(true);

    // The answer begins: the reasoning collapses by itself, and leaves the page.
    answerBegins.open();
    await waitForLength(page, 'content', 1);
    await waitForOpen(page, false);
    expect(await generating(page)).toBe(true);
    expect((await block(page)).text).toBe('');

    // The person opens it while the answer streams: it stays open to the end.
    await summaryOf(page).click();
    await waitForOpen(page, true);
    answerContinues.open();
    await waitIdle(page);
    await waitForRendered(page);
    const done = await block(page);
    expect(done.open).toBe(true);
    expect(done.text).toBe(REASONING);
    expect(done.summary).toMatch(new RegExp(`^Reasoned for \\d+(\\.\\d+)? (ms|s) · ${REASONING_TOKENS} tokens$`));
    const turn = await page.evaluate(() => (window as AppWindow).playground!.chats.current.turns.at(-1)!);
    expect(turn.content).toBe(ANSWER);
    expect(turn.reasoning).toBe(REASONING);
    expect(turn.meta?.metrics?.reasoningTokens).toBe(REASONING_TOKENS);
    // The answer's TTFT counts the reasoning; the first token came before it.
    expect(turn.meta?.metrics?.ttftMs).toBeGreaterThan(turn.meta?.metrics?.firstTokenMs ?? Number.POSITIVE_INFINITY);
    expect(await page.locator('chat-message').last().locator('.md-body').innerText()).toBe('2 plus 3 is 5.');

    // And closes again when asked.
    await summaryOf(page).click();
    await waitForOpen(page, false);

    const body = gateway.requests().at(-1) as { reasoning_effort?: unknown; messages?: unknown[] };
    expect(body.reasoning_effort).toBe('high');

    // Kept with the conversation: after a reload the block still says how long it reasoned.
    await page.reload();
    await expect.poll(async () => (await block(page)).summary, { timeout: 30_000 }).toBe(done.summary);
    const stored = await page.evaluate(() => (window as AppWindow).playground!.chats.current.turns.at(-1)!);
    expect(stored.meta?.metrics?.reasoningTokens).toBe(REASONING_TOKENS);
    expect(stored.meta?.params.reasoningEffort).toBe('high');
    expect(await page.evaluate(() => (window as Window & { __pwned?: unknown }).__pwned ?? null)).toBeNull();
    expect(errors).toEqual([]);
  } finally {
    await page.context().close();
  }
});

it('shows only the end of a long reasoning while it streams, and all of it when opened afterwards', async () => {
  const answerBegins = gate();
  const line = (i: number): string => `Step ${i}: weigh the options once more and keep the better one.\n`;
  const long = Array.from({ length: 700 }, (_, i) => line(i)).join('');
  const chunkChars = 2048;
  next = {
    reasoning: long,
    text: 'Done.',
    chunkChars,
    intervalMs: 5,
    holds: new Map([[Math.ceil(long.length / chunkChars), answerBegins.promise]]),
  };
  const { page } = await openApp(browser, inject('baseUrl'), {
    device: 'gateway',
    modelId: 'gpt-oss-20b',
    gateway: { baseUrl: `http://127.0.0.1:${inject('gatewayPort')}` },
  });
  try {
    await waitForModel(page);
    await typeAndSend(page, 'Think hard.');
    await waitForLength(page, 'reasoning', long.length);
    await waitForOpen(page, true);
    await expect.poll(async () => long.endsWith((await block(page)).text) && (await block(page)).text.length > 0).toBe(true);
    const streaming = await block(page);
    expect(streaming.text.length).toBeLessThanOrEqual(16 * 1024);
    expect(streaming.clip).toMatch(/^Showing the last 16 KB of \d+ KB; all of it once the answer is done\.$/);

    answerBegins.open();
    await waitIdle(page);
    await waitForOpen(page, false);
    await summaryOf(page).click();
    await waitForOpen(page, true);
    const opened = await block(page);
    expect(opened.text.length).toBe(long.length);
    expect(opened.text === long).toBe(true);
    expect(opened.clip).toBe('');
  } finally {
    await page.context().close();
  }
});
