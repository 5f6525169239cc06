/**
 * The gateway path in real Chromium against the real bundled gateway (its own Node process,
 * reached through the preview server's same-origin `/gateway` proxy, as Foundry Local would be):
 * fallback when the browser cannot load a model, and why; a gateway killed mid-answer; the
 * plain-language answers of "Test connection"; and a pasted Foundry status read into the address.
 */
import http from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { type AppWindow, lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { freePort, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { startFoundryStandIn } from './support/foundry-stand-in';

const golden = readGolden('pocket-chat-1m');
const baseUrl = inject('baseUrl');
const gatewayPort = inject('gatewayPort');
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

function goldenText(prompt: string): string {
  const found = golden.cases.find((c) => c.messages.length === 1 && c.messages[0]!.content === prompt);
  if (!found) throw new Error(`no golden case for ${prompt}`);
  return found.texts['q4']!;
}

let browser: Browser;
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(async () => {
  await gateway?.kill();
  gateway = null;
});
afterAll(async () => {
  await browser.close();
});

async function routeReason(page: Page): Promise<string> {
  return page.evaluate(() => {
    const load = (window as AppWindow).playground!.models.primary.load;
    return load.kind === 'ready' ? load.route.reason : '';
  });
}

describe('fallback to the gateway', () => {
  it('runs a model the browser cannot load on the gateway, says why, and answers with the golden text', async () => {
    gateway = await startGatewayProcess(gatewayPort);
    const { page, context } = await openApp(browser, baseUrl, {
      dtype: 'q4',
      gateway: { baseUrl: gatewayUrl },
      // A broken mirror: every ONNX file of the model is missing, so WebGPU and WASM both fail to load.
      beforeOpen: (ctx) => ctx.route('**/models/pocket-chat-1m/onnx/**', (route) => route.fulfill({ status: 404, body: 'not here' })),
    });
    try {
      const loaded = await waitForModel(page);
      expect(loaded.backend).toBe('gateway');
      expect(loaded.detail).toContain('pocket-chat-1m-');
      const reason = await routeReason(page);
      expect(reason).toMatch(/the browser cannot run it/);
      expect(reason).toMatch(/WASM q4 failed/);
      // The status line says where it runs and why, without hovering.
      await expect.poll(() => page.locator('status-line .why').innerText()).toMatch(/on the gateway: the browser cannot run it/);

      const prompt = 'What is 2 plus 3?';
      await typeAndSend(page, prompt);
      await waitIdle(page);
      const answer = await lastAnswer(page);
      expect(answer.content).toBe(goldenText(prompt));
      expect(answer.meta?.backend).toBe('gateway');
      expect(answer.meta?.stopReason).toBe('eos');
      expect(answer.meta?.error).toBeUndefined();
      await expect.poll(() => page.locator('chat-message').last().locator('.route').innerText()).toMatch(/Answered on the gateway/);
    } finally {
      await context.close();
    }
  });

  it('keeps the partial answer when the gateway dies mid-answer, says so, and carries on once it is back', async () => {
    // Paced so the answer is still streaming when the process is killed.
    gateway = await startGatewayProcess(gatewayPort, ['--pace', '15']);
    const { page, context } = await openApp(browser, baseUrl, { device: 'gateway', gateway: { baseUrl: gatewayUrl } });
    try {
      const loaded = await waitForModel(page);
      expect(loaded.backend).toBe('gateway');
      const prompt = 'Tell me about the moon.';
      const full = goldenText(prompt);
      await typeAndSend(page, prompt);
      await page.waitForFunction(() => ((window as AppWindow).playground?.generation.generating?.tokens ?? 0) >= 5, null, {
        timeout: 60_000,
      });
      await gateway.kill();
      gateway = null;
      await waitIdle(page);

      const answer = await lastAnswer(page);
      expect(answer.content.length).toBeGreaterThan(0);
      expect(answer.content.length).toBeLessThan(full.length);
      expect(full.startsWith(answer.content)).toBe(true);
      expect(answer.meta?.error).toMatch(/broke off|closed the connection/);
      await expect.poll(() => page.locator('chat-message').last().locator('.error').innerText()).toMatch(/The text so far is kept/);

      // The app is still usable: with the gateway back, the next prompt is answered in the same chat.
      gateway = await startGatewayProcess(gatewayPort);
      const next = 'What is 2 plus 3?';
      await typeAndSend(page, next);
      await waitIdle(page);
      const second = await lastAnswer(page);
      expect(second.meta?.error).toBeUndefined();
      expect(second.content).toBe(goldenText(next));
      const kept = await page.evaluate(() => (window as AppWindow).playground!.chats.current.turns.map((t) => t.content));
      expect(kept).toContain(answer.content);
    } finally {
      await context.close();
    }
  });
});

describe('Test connection', () => {
  async function testConnection(page: Page, address: string): Promise<{ text: string; failure: string | null }> {
    const field = page.locator('gateway-panel #gateway-url');
    await field.fill(address);
    await field.press('Tab');
    await page.locator('gateway-panel button[type=submit]').click();
    const result = page.locator('gateway-panel .result:not(.muted)');
    await result.waitFor({ timeout: 30_000 });
    return { text: await result.innerText(), failure: await result.getAttribute('data-failure') };
  }

  /** A web server that is not an OpenAI API (an HTML page everywhere), with or without CORS. */
  async function htmlServer(cors: boolean): Promise<{ url: string; close: () => Promise<void> }> {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}) });
      res.end('<!doctype html><title>Router admin</title><h1>Welcome</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('explains a closed port, a server without CORS, a non-OpenAI server, and a working gateway', async () => {
    const { page, context } = await openApp(browser, baseUrl, { device: 'wasm' });
    const cors = await htmlServer(true);
    const noCors = await htmlServer(false);
    try {
      await page.locator('gateway-panel').waitFor();

      const closed = await freePort();
      const refused = await testConnection(page, `http://127.0.0.1:${closed}`);
      expect(refused.failure).toBe('refused');
      expect(refused.text).toMatch(/Nothing answered at http:\/\/127\.0\.0\.1:\d+/);
      expect(refused.text).toMatch(/npm run gateway/);

      const blocked = await testConnection(page, noCors.url);
      expect(blocked.failure).toBe('cors');
      expect(blocked.text).toMatch(/does not allow requests from this page/);

      const html = await testConnection(page, cors.url);
      expect(html.failure).toBe('not-openai');
      expect(html.text).toMatch(/not an OpenAI model list/);

      gateway = await startGatewayProcess(gatewayPort);
      const ok = await testConnection(page, gatewayUrl);
      expect(ok.failure).toBeNull();
      expect(ok.text).toMatch(/Connected to Foundry Local .* through this page's proxy/);
      expect(ok.text).toMatch(/pocket-chat-1m-/);
      // The bundled models the gateway serves are the catalog's own (matched by alias): not listed twice.
      const options = await page.locator('model-panel #model option').allInnerTexts();
      expect(options.some((o) => o.includes('pocket-chat-3m-') || o.includes('pocket-chat-1m-'))).toBe(false);
    } finally {
      await context.close();
      await cors.close();
      await noCors.close();
    }
  });

  /** Pastes text into the address field the way a clipboard paste arrives (a paste event with the clipboard's text). */
  async function paste(page: Page, text: string): Promise<void> {
    await page.locator('gateway-panel #gateway-url').evaluate((field, pasted) => {
      (field as HTMLInputElement).focus();
      (field as HTMLInputElement).select();
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    }, text);
  }

  it('reads a pasted Foundry status into the address, says when Foundry lists only CPU variants, and labels gateway models apart', async () => {
    const foundry = await startFoundryStandIn();
    const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
    try {
      const field = page.locator('gateway-panel #gateway-url');
      await field.waitFor();
      // Foundry's port is its own choice: the panel says where to read it.
      expect(await page.locator('gateway-panel #gateway-url-help').innerText()).toMatch(
        /foundry service status.*foundry status --output json/s,
      );

      // What a terminal copy holds: the command, then the status line.
      await paste(page, `PS C:\\Users\\me> foundry service status\r\n${foundry.statusLine}\r\n`);
      await expect.poll(() => field.inputValue()).toBe(foundry.url);
      expect(await page.locator('gateway-panel .field-note').innerText()).toBe(`Read ${foundry.url} from the pasted status.`);
      expect(await page.evaluate(() => (window as AppWindow).playground!.gateway.settings.baseUrl)).toBe(foundry.url);

      await page.locator('gateway-panel button[type=submit]').click();
      await page.locator('gateway-panel .result.ok').waitFor({ timeout: 30_000 });
      // SwiftShader is no GPU, but gpt-oss-20b and Phi-4-mini also come as GPU variants.
      const advice = page.locator('gateway-panel device-advice section');
      await advice.waitFor();
      const text = await advice.innerText();
      expect(text).toMatch(/^Foundry Local is running on the CPU/);
      expect(text).toContain('although Foundry also builds gpt-oss-20b and phi-4-mini for the GPU');
      expect(text).toMatch(/known Foundry Local issue/);
      expect(text).toContain('foundry model run gpt-oss-20b-cuda-gpu');

      // The picker now offers models in the browser and on the gateway: no two read the same.
      const options = await page.locator('model-panel #model option').allInnerTexts();
      expect(options).toEqual(expect.arrayContaining(['Qwen2.5 0.5B Instruct · browser', 'Qwen2.5 0.5B Instruct · gateway']));
      expect(options.filter((o, i) => options.indexOf(o) !== i)).toEqual([]);
      const groups = await page.locator('model-panel #model optgroup').evaluateAll((els) => els.map((el) => el.getAttribute('label')));
      expect(groups).toContain('On the gateway');

      // A JSON status, pretty-printed over several lines as the newer CLI writes it.
      await paste(page, JSON.stringify({ service: { state: 'Ready', endpoint: `${foundry.url}/v1` } }, null, 2));
      await expect
        .poll(() => page.locator('gateway-panel .field-note').innerText())
        .toBe(`Read ${foundry.url} from the pasted JSON status.`);

      // Text without an address: the reason beside the field, the text kept, the address unchanged.
      await paste(page, 'Model management service: unknown state');
      await expect.poll(() => page.locator('gateway-panel .field-error').innerText()).toMatch(/^Could not find an address in/);
      expect(await field.inputValue()).toBe('Model management service: unknown state');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => (window as AppWindow).playground!.gateway.settings.baseUrl)).toBe(foundry.url);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await foundry.close();
    }
  });
});
