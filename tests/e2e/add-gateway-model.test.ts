/**
 * "Add a model → On the gateway": a model id the bundled gateway serves becomes a picker entry
 * that answers on the gateway, survives a reload, and can be removed.
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
    await page.waitForFunction((want) => (window as AppWindow).playground?.selectedModel?.id === want, id);
    expect((await waitForModel(page)).backend).toBe('gateway');
    const c = golden.cases[0]!;
    await typeAndSend(page, c.messages[0]!.content);
    await waitIdle(page);
    const answer = await lastAnswer(page);
    expect(answer.meta?.backend).toBe('gateway');
    expect(answer.content).toBe(c.texts['q4']);

    await page.reload();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.selectedModel?.id)).toBe(id);
    await page.locator('model-panel').getByRole('button', { name: /^Remove .* from the list/ }).click();
    await waitForModel(page);
    expect(await page.evaluate(() => (window as AppWindow).playground!.catalog.map((m) => m.id))).not.toContain(id);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
