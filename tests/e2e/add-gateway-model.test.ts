/**
 * "Add a model → On the gateway": a model id the bundled gateway serves becomes a picker entry
 * that answers on the gateway, survives a reload, and can be removed: gone from the picker, and
 * still gone after a reload and a fresh listing of the gateway.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it, onTestFinished } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';
import { startGatewayProcess } from './support/gateway-process';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

it('adds a gateway model by id, answers on the gateway, keeps it across a reload, and removes it', async () => {
  const golden = readGolden('pocket-chat-1m');
  const gateway = await startGatewayProcess(inject('gatewayPort'));
  onTestFinished(() => gateway.kill());
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', gateway: { baseUrl: gateway.url } });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: '+ Add a model' }).click();
    const dialog = page.locator('add-model-dialog dialog');
    await dialog.getByLabel('Model id').fill('pocket-chat-1m');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const id = 'gateway-pocket-chat-1m';
    await page.waitForFunction((want) => (window as AppWindow).playground?.models.primary.selected?.id === want, id);
    expect((await waitForModel(page)).backend).toBe('gateway');
    const c = golden.cases[0]!;
    await typeAndSend(page, c.messages[0]!.content);
    await waitIdle(page);
    const answer = await lastAnswer(page);
    expect(answer.meta?.backend).toBe('gateway');
    expect(answer.content).toBe(c.texts['q4']);

    await page.reload();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.models.primary.selected?.id)).toBe(id);
    const panel = page.locator('model-panel');
    const offered = (): Promise<string[]> =>
      panel.locator('#model option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(await offered()).toContain(id);

    await panel.getByRole('button', { name: /^Remove .* from the list/ }).click();
    // Remove stores the removal first (an IndexedDB write, slow on a cold disk) and only then
    // changes the list and the selection: until then the removed model is still selected and
    // 'ready', which waitForModel would accept. Wait for what the user sees instead.
    await panel.locator(`#model option[value="${id}"]`).waitFor({ state: 'detached' });
    await page.waitForFunction(() => (window as AppWindow).playground?.models.primary.selected?.id === 'pocket-chat-1m');
    expect((await waitForModel(page)).backend).toBe('wasm');
    expect(await offered()).not.toContain(id);
    expect(await panel.locator('#model').inputValue()).toBe('pocket-chat-1m');
    expect(await panel.getByRole('button', { name: /^Remove .* from the list/ }).count()).toBe(0);

    // Still gone after a reload, also once the gateway (which serves pocket-chat-1m) is listed again.
    await page.reload();
    await waitForModel(page);
    await page.locator('gateway-panel button[type=submit]').click();
    await page.locator('gateway-panel .result.ok').waitFor({ timeout: 30_000 });
    expect(await offered()).not.toContain(id);
    expect(await panel.locator('#model option').allInnerTexts()).not.toContainEqual(expect.stringContaining('(added)'));
    expect(await page.evaluate(() => (window as AppWindow).playground!.catalog.models.map((m) => m.id))).not.toContain(id);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
