/**
 * Choosing a model, end to end in real Chromium: a scored prompt set (built from the golden
 * answers of the bundled models) imported through the Benchmark tab, both bundled models measured
 * in the browser (WASM) and on the real bundled gateway, reference price and device power entered
 * in the estimates editor, and the selection report exported from the tab. Every column of the
 * report is checked against values recomputed here from the stored run, the catalog, the golden
 * answers and the gateway process itself.
 */
import fs from 'node:fs/promises';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it, onTestFinished } from 'vitest';
import { parseCsvText } from '../../src/bench/csv';
import type { BenchRun, BenchSample } from '../../src/bench/bench-types';
import type { BenchSession } from '../../src/app/bench-session';
import { launchChromium } from './support/chromium';
import { openApp, waitForModel } from './support/app';
import { startGatewayProcess } from './support/gateway-process';
import { readCatalog, readGolden, goldenMessages } from '../support/paths';

type BenchWindow = Window & { bench?: BenchSession };

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

const golden = readGolden('pocket-chat-1m');
const messagesOf = (question: string) => goldenMessages(golden, question);

/**
 * Five prompts whose golden answers are known (tools/models/golden/*.json, the same for both
 * models and every dtype but for counting: 1M says "3, 4, 5.", 3M "3, 4, 5, 6, 7, 8.").
 */
const scoredSet = {
  name: 'golden, scored',
  prompts: [
    { id: 'add', messages: messagesOf('What is 2 plus 3?'), reference: '2 plus 3 is 5.', facets: ['5'], length: { maxChars: 40 } },
    { id: 'count', messages: messagesOf('Count from 3 to 8.'), facets: ['3', '4', '5', '6', '7', '8'], length: { maxChars: 60 } },
    {
      id: 'capital',
      messages: messagesOf('What is the capital of France?'),
      reference: 'the capital of france is paris.',
      facets: ['Paris'],
    },
    {
      id: 'python',
      task: 'code',
      messages: messagesOf('Show me hello world in Python.'),
      facets: ['print(', { regex: 'hello, world', flags: 'i' }],
    },
    { id: 'name', messages: messagesOf('What is my name?'), reference: 'Your name is Ada.', facets: ['Ada'] },
  ],
};

/**
 * By hand, from the golden answers. Pocket Chat 1M: add 1 (exact, facet, 14 <= 40 chars);
 * count (3 of 6 facets = 0.5, 8 <= 60 chars = 1) 0.75; capital 1 (exact ignoring case, facet);
 * python 1 (both facets); name 1. Chat: (1 + 0.75 + 1 + 1) / 4 = 0.9375; code 1; all 4.75 / 5 = 0.95.
 * Facets found 1 + 3 + 1 + 2 + 1 = 8 of 1 + 6 + 1 + 2 + 1 = 11. Pocket Chat 3M: every check passes.
 */
const EXPECTED_QUALITY: Record<string, { all: number; chat: number; code: number; facets: string }> = {
  'pocket-chat-1m': { all: 0.95, chat: 0.9375, code: 1, facets: '8/11' },
  'pocket-chat-3m': { all: 1, chat: 1, code: 1, facets: '11/11' },
};

const PRICE = { input: 2, output: 6 };
const WATTS = 40;

async function download(page: Page, button: Locator): Promise<string> {
  const event: Promise<Download> = page.waitForEvent('download');
  await button.click();
  return fs.readFile(await (await event).path(), 'utf8');
}

/** Written here, not taken from the app: the mean, the median and R-7's p95. */
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

/** The resident set high-water mark of a process, in bytes (Linux: /proc/<pid>/status, in kB). */
async function peakRss(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}

it('benchmarks a scored set on the bundled models in the browser and on the gateway, and exports a selection report computed from the run', async () => {
  const gateway = await startGatewayProcess(inject('gatewayPort'));
  onTestFinished(() => gateway.kill());
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', gateway: { baseUrl: gateway.url } });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    const config = page.locator('bench-config');
    await config.locator('input[data-target="pocket-chat-1m|wasm"]').waitFor();
    const checked = config.locator('input[data-target]:checked');
    while ((await checked.count()) > 0) await checked.first().uncheck();
    const targets = ['pocket-chat-1m|wasm', 'pocket-chat-3m|wasm', 'pocket-chat-1m|gateway', 'pocket-chat-3m|gateway'];
    for (const t of targets) await config.locator(`input[data-target="${t}"]`).check();
    for (const [name, value] of [
      ['rounds', '1'],
      ['warmupRounds', '1'],
      ['maxNewTokens', '40'],
    ] as const) {
      await config.locator(`input[name="${name}"]`).fill(value);
      await config.locator(`input[name="${name}"]`).press('Tab');
    }

    // A bad entry is refused, naming the field and the prompt; the set before it stays.
    const picker = config.locator('input[type="file"]');
    const bad = { name: 'bad', prompts: [{ ...scoredSet.prompts[0], id: 'broken', facets: [{ regex: '(5' }] }] };
    await picker.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect
      .poll(() => config.locator('p.error').innerText())
      .toMatch(/prompts\[0\]\.facets\[0\]\.regex: not a valid regular expression .* in prompt "broken"/);
    await picker.setInputFiles({ name: 'prompts.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scoredSet)) });
    await expect.poll(() => config.locator('p.error').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => (window as BenchWindow).bench?.plan.promptSetName)).toBe('golden, scored');

    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 220_000, polling: 250 });
    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    expect(run.targets.map((t) => [t.target.modelId, t.target.backend, t.status])).toEqual(targets.map((t) => [...t.split('|'), 'ok']));
    // Greedy answers are the golden ones: the scores below rest on them.
    const golden3m = readGolden('pocket-chat-3m');
    for (const s of run.samples) {
      const g = (s.modelId === 'pocket-chat-3m' ? golden3m : golden).cases.find(
        (c) => JSON.stringify(c.messages) === JSON.stringify(scoredSet.prompts.find((p) => p.id === s.promptId)!.messages),
      )!;
      expect(s.output, `${s.modelId} ${s.backend} ${s.promptId}`).toBe(g.texts['fp32']);
    }

    // The estimates, entered in the editor after the run: they apply to it at once.
    const selection = page.locator('bench-selection');
    const editor = selection.locator('bench-estimates');
    await editor.getByRole('button', { name: 'Add a reference price' }).click();
    await editor.locator('input[name="price-input"]').fill(String(PRICE.input));
    await editor.locator('input[name="price-input"]').press('Tab');
    await editor.locator('input[name="price-output"]').fill(String(PRICE.output));
    await editor.locator('input[name="price-output"]').press('Tab');
    await editor.locator('input[name="watts"]').fill('-1');
    await editor.locator('input[name="watts"]').press('Tab');
    await expect.poll(() => editor.locator('p.error').innerText()).toBe('Device power: must be more than 0');
    expect(await editor.locator('input[name="watts"]').inputValue()).toBe('-1');
    await editor.locator('input[name="watts"]').fill(String(WATTS));
    await editor.locator('input[name="watts"]').press('Tab');
    await expect.poll(() => editor.locator('p.error').count()).toBe(0);
    const priceName = await editor.locator('input[name="price-name"]').inputValue();
    expect(priceName).toMatch(/example/i);

    const csvText = await download(page, selection.getByRole('button', { name: 'CSV' }));
    const markdown = await download(page, selection.getByRole('button', { name: 'Markdown' }));
    const [header, ...rows] = parseCsvText(csvText).filter((r) => r.length > 1);
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
    expect(records.map((r) => `${r['model_id']}|${r['backend']}`)).toEqual(targets);
    const catalog = readCatalog().models;
    const measured = (modelId: string, backend: string): BenchSample[] =>
      run.samples.filter((s) => s.modelId === modelId && s.backend === backend && !s.warmup && s.error === null);

    for (const r of records) {
      const modelId = r['model_id']!;
      const backend = r['backend']!;
      const result = run.targets.find((t) => t.target.modelId === modelId && t.target.backend === backend)!;
      const samples = measured(modelId, backend);
      const totals = samples.map((s) => s.totalMs!);
      const ttfts = samples.map((s) => s.ttftMs!);
      const expected = EXPECTED_QUALITY[modelId]!;
      const at = `${modelId} on ${backend}`;
      expect(r['dtype'], at).toBe(result.dtype);
      expect([r['samples'], r['failed'], r['scored_answers']], at).toEqual(['5', '0', '5']);
      expect(Number(r['quality']), at).toBeCloseTo(expected.all, 12);
      expect(Number(r['quality_chat']), at).toBeCloseTo(expected.chat, 12);
      expect(Number(r['quality_code']), at).toBeCloseTo(expected.code, 12);
      // References on add, capital and name: all three exact; length limits on add and count.
      expect([r['exact_matches'], r['facets_found'], r['within_length']], at).toEqual(['3/3', expected.facets, '2/2']);
      expect(Number(r['latency_mean_ms']), at).toBeCloseTo(mean(totals), 9);
      expect(Number(r['latency_p95_ms']), at).toBeCloseTo(quantile(totals, 0.95), 9);
      expect(Number(r['ttft_mean_ms']), at).toBeCloseTo(mean(ttfts), 9);
      expect(Number(r['ttft_p95_ms']), at).toBeCloseTo(quantile(ttfts, 0.95), 9);
      expect(Number(r['decode_tok_s_p50']), at).toBeCloseTo(
        quantile(
          samples.map((s) => s.decodeTokensPerSec!),
          0.5,
        ),
        9,
      );
      const model = catalog.find((m) => m.id === modelId)!;
      expect([r['licence'], r['min_ram_gb'], r['catalog_tasks']], at).toEqual([
        model.license,
        String(model.minRamGb ?? ''),
        model.tasks.join(' '),
      ]);
      // Cost: each answer's tokens at $2 / $6 per million, averaged, times 1,000 answers.
      const cost = (mean(samples.map((s) => s.promptTokens * PRICE.input + s.generatedTokens * PRICE.output)) / 1e6) * 1000;
      expect(Number(r[`cost_usd_per_1k_answers (${priceName})`]), at).toBeCloseTo(cost, 12);
      // Energy: 40 W × each answer's time.
      expect(Number(r['energy_j_per_answer']), at).toBeCloseTo((WATTS * mean(totals)) / 1000, 9);
      const tokens = samples.reduce((n, s) => n + s.generatedTokens, 0);
      expect(Number(r['energy_j_per_1k_tokens']), at).toBeCloseTo(((WATTS * totals.reduce((a, b) => a + b, 0)) / 1000 / tokens) * 1000, 9);
      expect(r['device_watts'], at).toBe(String(WATTS));
      if (backend === 'wasm') {
        // Disk: the shared files and the variant that ran, as the catalog sizes them.
        const variant = model.variants.find((v) => v.dtype === result.dtype)!;
        const bytes = [...model.files, ...variant.files].reduce((n, f) => n + f.bytes, 0);
        expect(Number(r['disk_bytes']), at).toBe(bytes);
        // The page's memory holds at least the weights the worker loaded.
        const memory = Number(r['page_memory_bytes']);
        expect(memory, at).toBe(result.resources?.pageMemoryBytes);
        expect(memory, at).toBeGreaterThan(variant.files.reduce((n, f) => n + f.bytes, 0));
        expect(r['gateway_rss_bytes'], at).toBe('');
      } else {
        expect([r['disk_bytes'], r['page_memory_bytes']], at).toEqual(['', '']);
        // The gateway's resident memory while it answered: at most its peak so far, and a whole Node process's worth.
        const rss = Number(r['gateway_rss_bytes']);
        expect(rss, at).toBeLessThanOrEqual(await peakRss(gateway.child.pid!));
        expect(rss, at).toBeGreaterThan(20e6);
        expect(r['notes'], at).toContain('page memory: not counted, the model runs in the gateway process');
      }
    }

    // For chat, 3M beats 1M on quality (100% against 94%), and of its two targets, which tie on
    // quality, the one with the lower mean answer time wins. No bundled model is tagged for code.
    const label = (r: Record<string, string>): string => `${r['model_id']} · ${r['backend'] === 'wasm' ? `WASM ${r['dtype']}` : 'gateway'}`;
    const threes = records.filter((r) => r['model_id'] === 'pocket-chat-3m');
    const pick = threes.reduce((a, b) => (Number(b['latency_mean_ms']) < Number(a['latency_mean_ms']) ? b : a));
    const other = label(threes.find((r) => r !== pick)!);
    expect(records.map((r) => r['recommended_for'])).toEqual(records.map((r) => (r === pick ? 'chat' : '')));
    const why = `As good as ${other} for chat (both 100%), and faster: a mean answer of`;
    expect(pick['recommended_why']).toContain(`chat: ${why}`);
    const pickLabel = label(pick);
    expect(markdown).toContain(`- Recommended here for **chat**: **${pickLabel}**. ${why}`);
    expect(markdown).toContain('- Recommended here for **code**: none. No target measured here meets the needs for code:');
    expect(markdown).toContain(
      `|Model|Backend|Quality (chat)|Quality (code)|Latency mean|Latency p95|TTFT mean|TTFT p95|Decode tok/s|Memory|Disk|Licence|Cost /1k answers (${priceName})|Energy /answer|Energy /1k tokens|`,
    );
    for (const r of records)
      expect(markdown).toMatch(
        new RegExp(
          `^\\|${r['model_id']}\\|${r['backend']} · ${r['dtype']}\\|${r['model_id'] === 'pocket-chat-1m' ? '94%' : '100%'}\\|100%\\|`,
          'm',
        ),
      );
    expect(markdown).toContain(`a device power of ${WATTS} W, as entered by the user`);

    // On screen: the same recommendation, and a scatter point per target at (mean time, quality).
    await expect.poll(() => selection.locator('li[data-task="chat"] .name').innerText()).toBe(pickLabel);
    const scatter = await page.evaluate(() => {
      const el = document
        .querySelector('playground-app')
        ?.shadowRoot?.querySelector('bench-view')
        ?.shadowRoot?.querySelector('bench-selection');
      return JSON.parse(JSON.stringify(el && 'scatter' in el ? el.scatter : null)) as { points: { x: number; y: number }[] } | null;
    });
    expect(scatter?.points.map((p) => [p.x, p.y])).toEqual(records.map((r) => [Number(r['latency_mean_ms']), Number(r['quality']) * 100]));
    const results = page.locator('bench-results');
    await expect
      .poll(() => results.locator('td[data-col="quality-chat"]').allInnerTexts())
      .toEqual(records.map((r) => (r['model_id'] === 'pocket-chat-1m' ? '94%' : '100%')));

    // The estimates are kept: after a reload the same run shows the same cost.
    const costShown = await results.locator('td[data-col="cost-0"]').allInnerTexts();
    await page.reload();
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.locator(`bench-history li[data-run="${run.id}"] button.open`).click();
    await expect.poll(() => page.locator('bench-results td[data-col="cost-0"]').allInnerTexts()).toEqual(costShown);
    expect(await page.locator('bench-estimates input[name="watts"]').inputValue()).toBe(String(WATTS));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
