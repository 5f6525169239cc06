/**
 * Variant by measurement in the real app: the first load of Pocket Chat 1M on WASM with an
 * automatic variant measures its three bundled variants in the inference worker (progress on
 * screen), runs the fastest of what it measured, keeps the numbers (a reload does not measure),
 * says why in the status line and the model panel, measures again on request, and an explicit
 * variant skips it. Which variant is fastest is the machine's business (a shared, noisy one here):
 * the test checks that the pick is the fastest of the numbers the app recorded, never which it is.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { VariantMeasurement } from '../../src/app/measurement-record';
import { readGolden } from '../support/paths';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle, type AppWindow } from './support/app';

const baseUrl = inject('baseUrl');
const STORE_KEY = 'playground.variant-measurements.v1';
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** What a page saw of the measurement: the slot's measuring steps, and the texts on screen meanwhile. */
interface Seen {
  steps: string[];
  panel: string[];
  status: string[];
}

type SeeingWindow = AppWindow & { seen?: Seen };

/**
 * Records, from the first state the app announces on, each measuring step of the primary slot,
 * and, once a frame, what the model panel's measurement progress and the status line say. Set up
 * on the context before any page script runs (every reload too): main.ts assigns
 * `window.playground` before it starts loading.
 */
async function watchMeasuring(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: Seen = { steps: [], panel: [], status: [] };
    const w = window as SeeingWindow;
    w.seen = seen;
    let app: AppWindow['playground'];
    Object.defineProperty(window, 'playground', {
      configurable: true,
      get: () => app,
      set: (value: AppWindow['playground']) => {
        app = value;
        const slot = value?.models.primary;
        slot?.addEventListener('change', () => {
          const load = slot.load;
          if (load.kind === 'loading' && load.measuring) {
            const m = load.measuring;
            seen.steps.push(`${m.index + 1}/${m.total} ${m.dtype} ${m.phase}`);
          }
        });
      },
    });
    const frame = (): void => {
      const shell = document.querySelector('playground-app')?.shadowRoot;
      const progress = shell
        ?.querySelector('model-panel')
        ?.shadowRoot?.querySelector('load-status')
        ?.shadowRoot?.querySelector('measure-progress');
      const text = progress?.shadowRoot?.textContent.replace(/\s+/g, ' ').trim();
      if (text && seen.panel.at(-1) !== text) seen.panel.push(text);
      const status = shell?.querySelector('status-line')?.shadowRoot?.textContent.replace(/\s+/g, ' ').trim();
      if (status?.includes('measuring') && seen.status.at(-1) !== status) seen.status.push(status);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const seen = (page: Page): Promise<Seen> => page.evaluate(() => (window as SeeingWindow).seen!);

/** The measurements the app stored, as it stored them. */
async function stored(page: Page): Promise<VariantMeasurement[]> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), STORE_KEY);
  return raw ? (JSON.parse(raw) as VariantMeasurement[]) : [];
}

/** The fastest of a measurement's recorded speeds, computed here from the numbers alone. */
function fastest(record: VariantMeasurement): string {
  let best = record.results[0]!;
  for (const r of record.results) if ((r.decodeTokensPerSec ?? 0) > (best.decodeTokensPerSec ?? 0)) best = r;
  return best.dtype;
}

const route = (page: Page) =>
  page.evaluate(() => {
    const load = (window as AppWindow).playground!.models.primary.load;
    return load.kind === 'ready' ? { dtype: load.route.loaded.dtype, measured: load.route.plan?.measured ?? null } : null;
  });

it('measures on first use, runs the fastest it measured, keeps it across a reload, measures again on request', async () => {
  const golden = readGolden('pocket-chat-1m');
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', measureVariants: true, beforeOpen: watchMeasuring });
  try {
    const loaded = await waitForModel(page);

    // Every bundled variant was measured, one after the other, and the steps were on screen.
    const first = await seen(page);
    for (const step of ['1/3 fp32 loading', '1/3 fp32 decoding', '2/3 q8 decoding', '3/3 q4 decoding']) expect(first.steps).toContain(step);
    expect(first.panel.some((t) => /^Measuring variants on this CPU · (fp32|q8|q4) \([123] of 3\)/.test(t))).toBe(true);
    expect(first.status.some((t) => /Loading pocket-chat-1m · measuring (fp32|q8|q4) \([123] of 3\)/.test(t))).toBe(true);

    const [record, ...others] = await stored(page);
    expect(others).toEqual([]);
    expect(record).toMatchObject({ modelId: 'pocket-chat-1m', device: 'wasm' });
    expect(record!.results.map((r) => r.dtype)).toEqual(['fp32', 'q8', 'q4']);
    for (const r of record!.results) {
      expect(r.error, r.dtype).toBeNull();
      expect(r.decodeTokensPerSec, r.dtype).toBeGreaterThan(0);
      // 24 unless the time budget cut it short (a very slow moment of the machine).
      expect(r.tokens, r.dtype).toBeGreaterThanOrEqual(2);
      expect(r.tokens, r.dtype).toBeLessThanOrEqual(24);
    }
    // The pick is the fastest of what was recorded, and the status line says so.
    expect(loaded).toMatchObject({ backend: 'wasm', dtype: fastest(record!) });
    const why = (await route(page))!.measured!;
    expect(why).toMatch(new RegExp(`^${loaded.dtype}: (\\d+(\\.\\d)?× faster than|as fast as) (fp32|q8|q4) on this CPU$`));
    await expect.poll(() => page.locator('status-line .measured').innerText()).toBe(why);
    await expect.poll(() => page.locator('model-panel load-status .measured').innerText()).toBe(`Picked by measurement: ${why}`);
    await expect
      .poll(() => page.locator('model-panel fit-summary [data-fit]').innerText())
      .toMatch(new RegExp(`^Fits this device · WASM · ${loaded.dtype === 'q8' ? 'int8 \\(q8\\)' : loaded.dtype} · `));
    const rows = page.locator('model-panel variant-speeds li');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().getAttribute('data-dtype')).toBe(loaded.dtype);
    expect(await rows.first().innerText()).toMatch(/★/);

    // It answers as the golden file says (every variant of this model gives the same text).
    const c = golden.cases[0]!;
    await typeAndSend(page, c.messages[0]!.content);
    await waitIdle(page);
    expect((await lastAnswer(page)).content).toBe(c.texts[loaded.dtype]);

    // A reload finds the measurement and loads the pick straight away.
    await page.reload();
    expect(await waitForModel(page)).toMatchObject({ dtype: loaded.dtype });
    expect((await seen(page)).steps).toEqual([]);
    expect((await route(page))!.measured).toBe(why);
    expect(await stored(page)).toEqual([record]);

    // "Measure again" measures again and keeps the new numbers.
    await page.locator('model-panel variant-speeds').getByRole('button', { name: 'Measure again' }).click();
    await expect.poll(async () => (await seen(page)).steps.length).toBeGreaterThan(0);
    const again = await waitForModel(page);
    const [second] = await stored(page);
    expect(second!.measuredAt).toBeGreaterThan(record!.measuredAt);
    expect(second!.results.every((r) => (r.decodeTokensPerSec ?? 0) > 0)).toBe(true);
    expect(again.dtype).toBe(fastest(second!));
    expect((await seen(page)).steps).toContain('3/3 q4 decoding');

    // An explicit variant wins over the measurement, without measuring; the panel says it is not used.
    await page.evaluate(() => ((window as SeeingWindow).seen!.steps = []));
    const chosen = second!.results.find((r) => r.dtype !== again.dtype)!.dtype;
    await page.locator('model-panel select#dtype').selectOption(chosen);
    await expect.poll(() => route(page).then((r) => r?.dtype)).toBe(chosen);
    expect((await route(page))!.measured).toBeNull();
    expect((await seen(page)).steps).toEqual([]);
    // The status line renders on the next frame after the route changes (AppWatch).
    await expect.poll(() => page.locator('status-line .measured').count()).toBe(0);
    await expect.poll(() => page.locator('model-panel variant-speeds .speeds').innerText()).toContain(`not used: you chose ${chosen}`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('an explicit variant from the start measures nothing and stores nothing', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, {
    device: 'wasm',
    dtype: 'q8',
    measureVariants: true,
    beforeOpen: watchMeasuring,
  });
  try {
    expect(await waitForModel(page)).toMatchObject({ backend: 'wasm', dtype: 'q8' });
    expect((await seen(page)).steps).toEqual([]);
    expect(await stored(page)).toEqual([]);
    expect(await page.locator('model-panel variant-speeds .speeds').innerText()).toMatch(/Variants not measured on this CPU yet/);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
