/**
 * The privacy meter in Chromium: an in-browser conversation makes zero requests while it answers
 * and says so; a gateway conversation is counted under "Gateway". The counts come from the
 * browser's Resource Timing of the page and of the inference worker.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it, onTestFinished } from 'vitest';
import type { RequestLog } from '../../src/privacy/request-log';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';
import { startGatewayProcess } from './support/gateway-process';

type PrivacyWindow = AppWindow & { requests?: RequestLog };
const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

async function counts(page: Page): Promise<RequestLog['counts']> {
  return page.evaluate(() => ({ ...(window as PrivacyWindow).requests!.counts }));
}

it('an in-browser conversation uses no network, and the meter and the badge say so', async () => {
  const { page, context, requests, errors } = await openApp(browser, baseUrl, { device: 'wasm', serviceWorkers: 'allow' });
  try {
    await waitForModel(page);
    // The empty chat promises what the meter then shows.
    await expect.poll(() => page.locator('chat-view .empty h2').textContent()).toMatch(/entirely in your browser$/);
    const before = requests.length;
    for (const prompt of ['What is 2 plus 3?', 'Hello']) {
      await typeAndSend(page, prompt);
      await waitIdle(page);
    }
    await expect.poll(async () => (await lastAnswer(page)).meta?.networkRequests, { timeout: 5_000 }).toBe(0);
    // What the test harness saw agrees: nothing was requested while answering.
    expect(requests.slice(before).map((r) => r.url())).toEqual([]);
    await expect.poll(() => page.locator('chat-view .privacy').getAttribute('data-network')).toBe('none');
    expect(await page.locator('chat-view .privacy').innerText()).toMatch(/No network used in this conversation/);
    // The page loaded its own files, nothing else.
    const c = await counts(page);
    expect(c.app).toBeGreaterThan(0);
    expect([c.hub, c.gateway, c.other]).toEqual([0, 0, 0]);
    expect(await page.locator('privacy-meter .count').getAttribute('data-external')).toBe('0');
    await page.locator('privacy-meter button').click();
    expect(await page.locator('privacy-meter tr[data-destination="other"] td').innerText()).toBe('0');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('counts a gateway conversation under "Gateway", and the badge shows the requests', async () => {
  const gateway = await startGatewayProcess(inject('gatewayPort'));
  onTestFinished(() => gateway.kill());
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'gateway', gateway: { baseUrl: gateway.url } });
  try {
    expect((await waitForModel(page)).backend).toBe('gateway');
    // The empty chat does not promise that nothing leaves the machine: it names where prompts go.
    await expect.poll(() => page.locator('chat-view .empty').textContent()).toContain(`What you type goes to ${gateway.url}`);
    expect(await page.locator('chat-view .empty h2').textContent()).toMatch(/on the gateway$/);
    await typeAndSend(page, 'What is 2 plus 3?');
    await waitIdle(page);
    await expect.poll(async () => (await lastAnswer(page)).meta?.networkRequests ?? 0, { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('chat-view .privacy').getAttribute('data-network')).not.toBe('none');
    const c = await counts(page);
    expect(c.gateway).toBeGreaterThan(0);
    expect([c.hub, c.other]).toEqual([0, 0]);
    expect(Number(await page.locator('privacy-meter .count').getAttribute('data-external'))).toBe(c.gateway);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
