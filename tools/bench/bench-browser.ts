/**
 * Chromium for the engine benchmark: the e2e tests' flags (WebGPU on SwiftShader, no background
 * networking), plus ForceEagerMeasureMemory so `performance.measureUserAgentSpecificMemory()`
 * answers at once (by a garbage collection) instead of at the next scheduled one, up to a minute
 * later. The harness page runs in a fresh profile; each cold-start measurement gets one of its own,
 * on disk like a user's, so its IndexedDB starts empty.
 *
 * Node-only; never bundled.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/support/chromium';
import type { BenchPage } from './bench-page';

function args(webgpu: boolean): string[] {
  const base = webgpu ? CHROMIUM_ARGS : [...CHROMIUM_ARGS.filter((a) => !a.includes('webgpu')), '--disable-webgpu'];
  return [...base, '--enable-blink-features=ForceEagerMeasureMemory'];
}

/** A page of a fresh browser profile (removed on close). */
export interface BenchBrowser {
  page: Page;
  close(): Promise<void>;
}

export async function openBenchPage(url: string, webgpu: boolean): Promise<BenchBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: findChromium(), headless: true, args: args(webgpu) });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}tools/bench/bench.html`);
    const ctx = context;
    return {
      page,
      close: async () => {
        await ctx.close();
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** Calls a function of the harness page (bench-page.ts) with one argument. */
export function callPage<K extends keyof BenchPage>(
  page: Page,
  fn: K,
  arg?: Parameters<BenchPage[K]>[0],
): Promise<Awaited<ReturnType<BenchPage[K]>>> {
  return page.evaluate(([f, a]) => (window as unknown as { bench: Record<string, (r?: unknown) => Promise<unknown>> }).bench[f]!(a), [
    fn,
    arg,
  ] as const) as Promise<Awaited<ReturnType<BenchPage[K]>>>;
}
