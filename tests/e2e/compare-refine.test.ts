/**
 * Draft -> refine in real Chromium: the bundled Pocket Chat 1M drafts in the browser (WASM q4) and
 * the bundled gateway (its own Node process, Pocket Chat 3M) refines, by the rule "longer than 100
 * characters". One question's draft is longer and goes on, another's is shorter and stays.
 *
 * The drafts are PyTorch's greedy answers (tools/models/golden). The refined answer has no golden
 * of its own (its prompt holds the draft), so the test replays the exact request the page sent
 * to the gateway from Node and expects the page to show what the gateway answers to it: that
 * checks the refine prompt (instruction, question, draft) and that nothing is lost on the way.
 */
import type { Browser, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject, it } from 'vitest';
import type { PipelineRound } from '../../src/app/compare-session';
import type { CompareSettingsValue } from '../../src/app/compare-settings';
import { DEFAULT_REFINE_INSTRUCTION, refineMessages } from '../../src/compare/refine-prompt';
import { formatMs } from '../../src/metrics/answer-metrics';
import { readGolden } from '../support/paths';
import { type AppWindow, openApp, waitForModel } from './support/app';
import { launchChromium } from './support/chromium';
import { askCompare, withCompareSettings } from './support/compare';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';

const baseUrl = inject('baseUrl');
const gatewayPort = inject('gatewayPort');
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

const LIMIT = 100;
const LONG = 'Tell me about the moon.';
const SHORT = 'What is 2 plus 3?';

function draftGolden(prompt: string): string {
  const found = readGolden('pocket-chat-1m').cases.find((c) => c.messages.length === 1 && c.messages[0]!.content === prompt);
  if (!found) throw new Error(`no golden case of pocket-chat-1m for ${prompt}`);
  return found.texts['q4']!;
}

let browser: Browser;
let gateway: GatewayProcess;
beforeAll(async () => {
  browser = await launchChromium();
  gateway = await startGatewayProcess(gatewayPort);
});
afterEach(() => {
  // A failure message should show what the gateway said; kept short.
  if (gateway.child.exitCode !== null) console.error(gateway.output().slice(-2000));
});
afterAll(async () => {
  await gateway.kill();
  await browser.close();
});

function pipelineSettings(): Partial<CompareSettingsValue> {
  return {
    mode: 'draft-refine',
    lanes: [
      { modelId: 'pocket-chat-1m', device: 'wasm', dtype: 'q4' },
      { modelId: 'pocket-chat-3m', device: 'gateway', dtype: 'auto' },
    ],
    rule: { kind: 'longer-than', chars: LIMIT },
    refineInstruction: DEFAULT_REFINE_INSTRUCTION,
  };
}

const isChat = (r: Request): boolean => r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/chat/completions');

/** What the gateway streams for `body`, asked from Node: the reference for the refined answer. */
async function gatewayAnswer(body: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(response.status).toBe(200);
  let text = '';
  for (const line of (await response.text()).split('\n')) {
    const data = line.startsWith('data: ') ? line.slice(6).trim() : '';
    if (!data || data === '[DONE]') continue;
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

it('refines a long draft on the gateway and keeps a short one, each decision with its reason and combined time', async () => {
  const { page, context, errors, requests } = await openApp(browser, `${baseUrl}#compare`, {
    device: 'wasm',
    gateway: { baseUrl: gatewayUrl },
    beforeOpen: (ctx) => withCompareSettings(ctx, pipelineSettings()),
  });
  try {
    await waitForModel(page);

    // Escalates: the golden draft is longer than the limit.
    const longDraft = draftGolden(LONG);
    expect(longDraft.length).toBeGreaterThan(LIMIT);
    const refined = await askCompare<PipelineRound>(page, LONG, 'draft-refine');
    expect([refined.draft.turn.meta?.modelId, refined.draft.turn.meta?.backend, refined.draft.turn.meta?.dtype]).toEqual([
      'pocket-chat-1m',
      'wasm',
      'q4',
    ]);
    expect(refined.draft.turn.content).toBe(longDraft);
    expect(refined.decision).toEqual({ escalate: true, reason: `the draft is ${longDraft.length} characters, over ${LIMIT}` });
    expect(refined.refined?.turn.meta?.backend).toBe('gateway');
    expect(refined.refined?.turn.meta?.modelId).toBe('pocket-chat-3m');
    expect(refined.refined?.turn.meta?.error).toBeUndefined();

    // The gateway was sent the instruction, the question and the draft, and nothing else.
    const sent = requests.filter(isChat);
    expect(sent).toHaveLength(1);
    const body = sent[0]!.postData() ?? '';
    const parsed = JSON.parse(body) as { messages: unknown };
    expect(parsed.messages).toEqual(refineMessages(DEFAULT_REFINE_INSTRUCTION, LONG, longDraft));
    const reference = await gatewayAnswer(body);
    expect(reference.length).toBeGreaterThan(0);
    expect(refined.refined?.turn.content).toBe(reference);

    // The combined time is the two stages' totals, and the screen says so with both answers.
    const draftTotal = Object.values(refined.draft.turn.meta?.metrics?.parts ?? {}).reduce<number>((s, v) => s + (v ?? 0), 0);
    const refineTotal = Object.values(refined.refined?.turn.meta?.metrics?.parts ?? {}).reduce<number>((s, v) => s + (v ?? 0), 0);
    expect(draftTotal).toBeGreaterThan(0);
    expect(refineTotal).toBeGreaterThan(0);
    const shown = page.locator('compare-round').last();
    await expect
      .poll(() => shown.locator('.decision').innerText())
      .toBe(`Refined: the draft is ${longDraft.length} characters, over ${LIMIT}.`);
    expect((await shown.locator('section[aria-label="Draft"] .markdown').innerText()).trim()).toBe(longDraft);
    await expect
      .poll(async () => (await shown.locator('section[aria-label="Refined"] .markdown').innerText()).trim())
      .toBe(reference.trim());
    const combined = await shown.locator('.combined > span').innerText();
    expect(combined).toBe(
      `Combined ${formatMs(draftTotal + refineTotal)} = draft ${formatMs(draftTotal)} + refine ${formatMs(refineTotal)}`,
    );

    // Kept: the short question's golden draft is within the limit, so the gateway is not asked.
    const shortDraft = draftGolden(SHORT);
    expect(shortDraft.length).toBeLessThanOrEqual(LIMIT);
    const kept = await askCompare<PipelineRound>(page, SHORT, 'draft-refine');
    expect(kept.draft.turn.content).toBe(shortDraft);
    expect(kept.decision).toEqual({ escalate: false, reason: `the draft is ${shortDraft.length} characters, within ${LIMIT}` });
    expect(kept.refined).toBeNull();
    expect(requests.filter(isChat)).toHaveLength(1);
    const last = page.locator('compare-round').last();
    await expect
      .poll(() => last.locator('.decision').innerText())
      .toBe(`Kept the draft: the draft is ${shortDraft.length} characters, within ${LIMIT}.`);
    expect(await last.locator('section[aria-label="Refined"]').count()).toBe(0);
    // The view followed the new round down: its decision is on screen, not below the fold.
    const viewport = page.viewportSize()!;
    await expect
      .poll(async () => {
        const box = await last.locator('.decision').boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= viewport.height;
      })
      .toBe(true);
    const keptTotal = Object.values(kept.draft.turn.meta?.metrics?.parts ?? {}).reduce<number>((s, v) => s + (v ?? 0), 0);
    await expect
      .poll(() => last.locator('.combined > span').innerText())
      .toBe(`Combined ${formatMs(keptTotal)} = draft ${formatMs(keptTotal)}`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('takes a rule changed on screen: "Always" refines the short draft too', async () => {
  const { page, context, errors, requests } = await openApp(browser, `${baseUrl}#compare`, {
    device: 'wasm',
    gateway: { baseUrl: gatewayUrl },
    beforeOpen: (ctx) => withCompareSettings(ctx, pipelineSettings()),
  });
  try {
    await waitForModel(page);
    await page.locator('compare-rule select').selectOption('always');
    await expect.poll(() => page.evaluate(() => (window as AppWindow).playground!.compareSettings.value.rule)).toEqual({ kind: 'always' });
    const round = await askCompare<PipelineRound>(page, SHORT, 'draft-refine');
    expect(round.draft.turn.content).toBe(draftGolden(SHORT));
    expect(round.decision).toEqual({ escalate: true, reason: 'every draft is refined' });
    const sent = requests.filter(isChat);
    expect(sent).toHaveLength(1);
    const body = sent[0]!.postData() ?? '';
    expect((JSON.parse(body) as { messages: unknown }).messages).toEqual(
      refineMessages(DEFAULT_REFINE_INSTRUCTION, SHORT, draftGolden(SHORT)),
    );
    expect(round.refined?.turn.content).toBe(await gatewayAnswer(body));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
