/**
 * Driving the playground in a real page: open it with given preferences, wait for the model,
 * send prompts through the UI, and read answers back.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { expect } from 'vitest';
import type { Playground } from '../../../src/app/playground';
import type { Turn } from '../../../src/chat/conversation';
import type { Preferences } from '../../../src/app/preferences';
import type { GatewaySettings } from '../../../src/app/gateway-settings';
import { DEFAULT_PARAMS } from '../../../src/settings/generation-settings';
import { DEFAULT_HUB_URL } from '../../../src/hub/hub-client';

export type AppWindow = Window & { playground?: Playground };

export interface OpenOptions {
  device?: Preferences['device'];
  dtype?: Preferences['dtype'];
  modelId?: string;
  maxNewTokens?: number;
  /** The hub address (a local mirror in tests: the real hub is out of reach). */
  hubUrl?: string;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** Gateway connection settings stored before the page loads. */
  gateway?: Partial<Omit<GatewaySettings, 'apiKey'>>;
  /**
   * The service worker precaches the app shell, ORT's wasm and the bundled models' weights in
   * every fresh context, tens of megabytes that compete with the model load under test. Only tests
   * of offline use and of the service worker itself need it; the rest block it.
   */
  serviceWorkers?: 'allow' | 'block';
  /**
   * Whether a first load with an automatic variant measures the variants first (the app's
   * default). Off unless a test asks: measuring loads every variant before the one that runs, which
   * most tests would pay for without testing it, and then run whichever was fastest on a noisy
   * machine; off, an automatic variant is the placement's default order, the same on every run.
   */
  measureVariants?: boolean;
  /** Runs on the new context before the page opens (request routing, for instance). */
  beforeOpen?: (context: BrowserContext) => Promise<unknown>;
}

export interface OpenedApp {
  context: BrowserContext;
  page: Page;
  /** Every request the page made, in order. */
  requests: Request[];
  /** Errors thrown in the page or its worker. */
  errors: string[];
}

/** A fresh context (empty IndexedDB) with preferences preset, the app loaded. */
export async function openApp(browser: Browser, baseUrl: string, options: OpenOptions = {}): Promise<OpenedApp> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    serviceWorkers: options.serviceWorkers ?? 'block',
  });
  const prefs: Preferences = {
    params: { ...DEFAULT_PARAMS, maxNewTokens: options.maxNewTokens ?? DEFAULT_PARAMS.maxNewTokens },
    modelId: options.modelId ?? 'pocket-chat-1m',
    device: options.device ?? 'auto',
    dtype: options.dtype ?? 'auto',
    hubUrl: options.hubUrl ?? DEFAULT_HUB_URL,
    measureVariants: options.measureVariants ?? false,
    embedderId: 'auto',
  };
  await context.addInitScript((value) => {
    if (!localStorage.getItem('playground.preferences.v1')) localStorage.setItem('playground.preferences.v1', value);
  }, JSON.stringify(prefs));
  if (options.gateway) {
    await context.addInitScript((value) => {
      if (!localStorage.getItem('playground.gateway.v1')) localStorage.setItem('playground.gateway.v1', value);
    }, JSON.stringify(options.gateway));
  }
  await options.beforeOpen?.(context);
  const page = await context.newPage();
  const requests: Request[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r));
  page.on('pageerror', (e) => errors.push(e.message));
  // Chromium logs every Content-Security-Policy refusal, the worker's included: each one is a bug.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(`CSP: ${m.text()}`);
  });
  await page.goto(baseUrl);
  return { context, page, requests, errors };
}

/**
 * Waits until the selected model is loaded (or fails with the app's own error message).
 * The state is read once per poll, and only a settled state of the model now selected counts: right
 * after a new choice the previous model's `ready` is still up for a moment.
 */
export async function waitForModel(page: Page, timeout = 120_000): Promise<{ backend: string; dtype: string; detail: string }> {
  const handle = await page.waitForFunction(
    () => {
      const slot = (window as AppWindow).playground?.models.primary;
      const selected = slot?.selected?.id;
      const load = slot?.load;
      if (!load || !selected) return false;
      if (load.kind === 'ready' && load.route.model.id === selected) {
        const { backend, dtype, detail } = load.route.loaded;
        return { ok: true as const, backend, dtype, detail };
      }
      if (load.kind === 'error' && load.modelId === selected) return { ok: false as const, message: load.message };
      return false;
    },
    null,
    { timeout, polling: 100 },
  );
  const settled = await handle.jsonValue();
  if (!settled) throw new Error('unreachable: waitForFunction resolved with a falsy value');
  if (!settled.ok) throw new Error(`model did not load: ${settled.message}`);
  return { backend: settled.backend, dtype: settled.dtype, detail: settled.detail };
}

/**
 * Waits until the app has read its stored state and started loading the model, without waiting
 * for the model: for tests of what is on screen, which should not pay for a model load.
 */
export async function waitForStart(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const kind = (window as AppWindow).playground?.models.primary.load.kind;
      return kind !== undefined && kind !== 'idle';
    },
    null,
    { timeout: 60_000, polling: 50 },
  );
}

/** The model panel's load state: its kind, and after a failure the message and recovery offers. */
export async function loadState(page: Page): Promise<{ kind: string; message: string; offers: string[] }> {
  return page.evaluate(() => {
    const l = (window as AppWindow).playground!.models.primary.load;
    return l.kind === 'error'
      ? { kind: l.kind, message: l.message, offers: (l.recovery ?? []).map((o) => o.kind) }
      : { kind: l.kind, message: '', offers: [] };
  });
}

/** Types into the prompt box and presses Enter, like a person. */
export async function typeAndSend(page: Page, text: string): Promise<void> {
  const box = page.locator('chat-composer textarea');
  await box.click();
  await box.fill(text);
  await page.keyboard.press('Enter');
}

export async function waitIdle(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(() => !(window as AppWindow).playground?.generation.generating, null, { timeout, polling: 50 });
}

/** The turns of the current conversation, as the app holds them. */
export async function turns(page: Page): Promise<Turn[]> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as AppWindow).playground!.chats.current.turns)) as Turn[]);
}

export async function lastAnswer(page: Page): Promise<Turn> {
  const all = await turns(page);
  const last = all[all.length - 1];
  expect(last?.role).toBe('assistant');
  return last!;
}

/**
 * Waits until the last answer is complete and all of it is on screen: answers render in animation
 * frames after the text arrives (src/render/streaming-markdown.ts). Polls a plain DOM path on a
 * timer: a locator's per-frame polling would itself cost frames on a megabyte-long answer.
 */
export async function waitForRendered(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const view = document.querySelector('playground-app')?.shadowRoot?.querySelector('chat-view')?.shadowRoot;
      const messages = view?.querySelectorAll('chat-message');
      const last = messages?.[messages.length - 1];
      return last?.shadowRoot?.querySelector('.md-body')?.hasAttribute('data-complete') ?? false;
    },
    null,
    { timeout, polling: 250 },
  );
}

/** Text of the last answer as rendered on screen (inside the chat-message shadow root). */
export async function renderedAnswer(page: Page): Promise<string> {
  await waitForRendered(page);
  return page.locator('chat-message').last().locator('.markdown').innerText();
}
