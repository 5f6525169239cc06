/**
 * The Benchmark tab in real Chromium: measure the bundled models on WASM through the UI, then
 * check that the table, the chart data, the saved run and the exported files all tell the same
 * numbers, recomputed here from the exported JSON.
 */
import fs from 'node:fs/promises';
import type { Browser, Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it, onTestFinished } from 'vitest';
import { benchChartData, type BenchChartData } from '../../src/bench/chart-data';
import { FEW_SAMPLES_MARK } from '../../src/bench/markdown';
import { formatMs, formatRate } from '../../src/metrics/answer-metrics';
import { parsePromptSet } from '../../src/bench/prompts';
import { parseRunJson, parseSamplesCsv } from '../../src/bench/report';
import type { Stats } from '../../src/bench/stats';
import { compareToNative, describeComparison, summarizeTargets, targetKey, type TargetSummary } from '../../src/bench/summary';
import type { BenchRun } from '../../src/bench/bench-types';
import type { BenchSession } from '../../src/app/bench-session';
import { launchChromium } from './support/chromium';
import { lastAnswer, openApp, typeAndSend, waitForModel, waitIdle } from './support/app';
import { startGatewayProcess } from './support/gateway-process';
import { goldenMessages, readCatalog, readGolden } from '../support/paths';

type BenchWindow = Window & { bench?: BenchSession };

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});

/** The bundled chat models the build has (the embedding model is not benchmarked: it does not chat). */
async function bundledModels(): Promise<string[]> {
  const catalog = (await (await fetch(new URL('models/models.json', baseUrl))).json()) as {
    models: { id: string; source: { kind: string }; task?: string }[];
  };
  return catalog.models.filter((m) => m.source.kind === 'bundled' && m.task !== 'feature-extraction').map((m) => m.id);
}

async function download(page: Page, button: Locator): Promise<string> {
  const event: Promise<Download> = page.waitForEvent('download');
  await button.click();
  const path = await (await event).path();
  return fs.readFile(path, 'utf8');
}

const p95Text = (s: Stats): string => (s.p95 !== null && !s.p95Reliable ? `${formatMs(s.p95)} ${FEW_SAMPLES_MARK}` : formatMs(s.p95));

/** The cells the UI shows for one target, as the UI formats them. */
function expectedRow(s: TargetSummary): Record<string, string> {
  return {
    samples: String(s.samples),
    'ttft-p50': formatMs(s.ttftMs.p50),
    'ttft-p95': p95Text(s.ttftMs),
    'decode-p50': formatRate(s.decodeTokensPerSec.p50),
    'total-p95': p95Text(s.totalMs),
  };
}

async function shownRow(page: Page, key: string): Promise<Record<string, string>> {
  const row = page.locator(`bench-results tr[data-key="${key}"]`);
  const out: Record<string, string> = {};
  for (const col of ['samples', 'ttft-p50', 'ttft-p95', 'decode-p50', 'total-p95']) {
    out[col] = (await row.locator(`td[data-col="${col}"]`).innerText()).replace(/\s+/g, ' ').trim();
  }
  return out;
}

async function chartData(page: Page): Promise<BenchChartData | null> {
  return page.evaluate(() => {
    const app = document.querySelector('playground-app')?.shadowRoot;
    const charts = app?.querySelector('bench-view')?.shadowRoot?.querySelector('bench-charts');
    const data: unknown = charts && 'chartData' in charts ? charts.chartData : null;
    return data ? (JSON.parse(JSON.stringify(data)) as BenchChartData) : null;
  });
}

it('benchmarks the bundled models on WASM through the UI; table, charts, history and exports agree', async () => {
  const models = await bundledModels();
  expect(models).toContain('pocket-chat-1m');
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.getByRole('button', { name: 'Bundled models (WASM)' }).click();
    for (const id of models) await expect.poll(() => page.locator(`bench-config input[data-target="${id}|wasm"]`).isChecked()).toBe(true);
    for (const [name, value] of [
      ['rounds', '2'],
      ['warmupRounds', '0'],
      ['maxNewTokens', '16'],
    ] as const) {
      const field = page.locator(`bench-config input[name="${name}"]`);
      await field.fill(value);
      await field.press('Tab');
    }
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    // While it runs, the chat cannot use the shared engine, and says why; a draft can be typed.
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect.poll(() => page.locator('chat-composer .hint').textContent()).toContain('A benchmark is running');
    await page.locator('chat-composer textarea').fill('Hello');
    expect(await page.locator('chat-composer button.send').isDisabled()).toBe(true);
    expect(await page.locator('model-panel select#model').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 200_000, polling: 200 });

    const json = await download(page, page.locator('bench-results').getByRole('button', { name: 'JSON' }));
    const exported = parseRunJson(json);
    expect(exported.finishedAt).not.toBeNull();
    expect(exported.plan).toMatchObject({ rounds: 2, warmupRounds: 0, maxNewTokens: 16, temperature: 0 });
    expect(exported.targets.map((t) => [t.target.modelId, t.status])).toEqual(models.map((id) => [id, 'ok']));
    expect(exported.environment.appVersion).toMatch(/^\d+\.\d+\.\d+/);
    const summaries = summarizeTargets(exported.samples);
    expect(summaries.map((s) => [s.modelId, s.backend, s.samples])).toEqual(
      models.map((id) => [id, 'wasm', 2 * exported.plan.prompts.length]),
    );
    for (const s of exported.samples) expect(s.generatedTokens).toBeLessThanOrEqual(16);

    // The table shows the statistics of the stored samples, formatted like the exports.
    for (const s of summaries) expect(await shownRow(page, targetKey(s))).toEqual(expectedRow(s));
    // The run in IndexedDB is the exported one.
    const stored = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs)) as BenchRun[]);
    expect(stored.map((r) => r.id)).toEqual([exported.id]);
    expect(stored[0]).toEqual(exported);

    // The charts plot the same numbers, one bar per target, one latency line per target.
    const charts = await chartData(page);
    expect(charts).toEqual(benchChartData(exported));
    expect(charts?.labels).toHaveLength(models.length);
    expect(charts?.gaps.every((g) => g.values.length > 0)).toBe(true);
    const drawn = await page.locator('bench-charts bench-chart').evaluateAll((els) =>
      els.map((el) => {
        const canvas = el.shadowRoot?.querySelector('canvas');
        return canvas ? canvas.width > 0 && canvas.height > 0 : false;
      }),
    );
    expect(drawn).toEqual([true, true, true]);

    // Markdown: the table row of each target carries the numbers on screen.
    const markdown = await download(page, page.locator('bench-results').getByRole('button', { name: 'Markdown' }));
    for (const s of summaries) {
      const row = expectedRow(s);
      expect(markdown).toContain(
        `|${s.modelId}|wasm · ${s.dtype}|${row['ttft-p50']}|${row['ttft-p95']}|${row['decode-p50']}|${row['total-p95']}|${s.samples}|`,
      );
    }
    // CSV: one row per request, which summarise to the same statistics.
    const csvText = await download(page, page.locator('bench-results').getByRole('button', { name: 'CSV' }));
    expect(summarizeTargets(parseSamplesCsv(csvText))).toEqual(summaries);

    // The chat gets its model back afterwards, and its draft can be sent.
    await waitForModel(page);
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    expect(await page.locator('chat-composer textarea').inputValue()).toBe('Hello');
    expect(await page.locator('chat-composer button.send').isEnabled()).toBe(true);
    expect(await page.locator('model-panel select#model').isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();

    // After a reload the run is still there, and reopens with the same table.
    await page.reload();
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await expect.poll(() => page.locator(`bench-history li[data-run="${exported.id}"]`).count(), { timeout: 20_000 }).toBe(1);
    await page.locator(`bench-history li[data-run="${exported.id}"] button.open`).click();
    for (const s of summaries) expect(await shownRow(page, targetKey(s))).toEqual(expectedRow(s));
    expect(await chartData(page)).toEqual(benchChartData(exported));

    // Deleted, then brought back from the exported JSON: the same run, the same table.
    await page
      .locator(`bench-history li[data-run="${exported.id}"]`)
      .getByRole('button', { name: /^Delete run/ })
      .click();
    await expect.poll(() => page.locator('bench-history li').count()).toBe(0);
    expect(await page.evaluate(() => (window as BenchWindow).bench!.runs.length)).toBe(0);
    await page
      .locator('bench-history input[type="file"]')
      .setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(json) });
    await expect.poll(() => page.locator(`bench-history li[data-run="${exported.id}"]`).count()).toBe(1);
    for (const s of summaries) expect(await shownRow(page, targetKey(s))).toEqual(expectedRow(s));

    // The CSV export imports as a run of its own: same samples, so the same table.
    await page
      .locator('bench-history input[type="file"]')
      .setInputFiles({ name: 'samples.csv', mimeType: 'text/csv', buffer: Buffer.from(csvText) });
    await expect.poll(() => page.locator('bench-history li').count()).toBe(2);
    expect(await page.locator('bench-history li.current').getAttribute('data-run')).not.toBe(exported.id);
    for (const s of summaries) expect(await shownRow(page, targetKey(s))).toEqual(expectedRow(s));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('marks a model that cannot run as failed, goes on, and stops cleanly on Cancel', async () => {
  // No gateway is listening in this test: the phi-4-mini target must fail with the gateway's error.
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.getByRole('button', { name: 'phi-4-mini vs gpt-oss-20b' }).click();
    const checked = (): Promise<(string | null)[]> =>
      page.locator('bench-config input[data-target]:checked').evaluateAll((els) => els.map((el) => el.getAttribute('data-target')));
    // The panel renders the new plan in the next animation frame.
    await expect
      .poll(async () => (await checked()).sort())
      .toEqual(['gpt-oss-20b-onnx|gateway', 'gpt-oss-20b-onnx|webgpu', 'phi-4-mini-instruct|gateway', 'phi-4-mini-instruct|webgpu']);
    // Keep one gateway target (it fails: nothing listens) and the bundled model.
    for (const t of ['gpt-oss-20b-onnx|gateway', 'gpt-oss-20b-onnx|webgpu', 'phi-4-mini-instruct|webgpu']) {
      await page.locator(`bench-config input[data-target="${t}"]`).uncheck();
    }
    await page.locator('bench-config input[data-target="pocket-chat-1m|wasm"]').check();
    for (const [name, value] of [
      ['rounds', '50'],
      ['warmupRounds', '0'],
      ['maxNewTokens', '64'],
    ] as const) {
      const field = page.locator(`bench-config input[name="${name}"]`);
      await field.fill(value);
      await field.press('Tab');
    }
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    // Cancel once the bundled model has answered a few requests.
    await page.waitForFunction(() => ((window as BenchWindow).bench?.shown?.samples.length ?? 0) >= 3, null, {
      timeout: 120_000,
      polling: 100,
    });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'measuring pocket-chat-1m on WASM' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 60_000, polling: 100 });

    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    expect(run.targets.map((t) => [t.target.modelId, t.status])).toEqual([
      ['phi-4-mini-instruct', 'failed'],
      ['pocket-chat-1m', 'cancelled'],
    ]);
    expect(run.targets[0]?.message).toBeTruthy();
    const measured = run.samples.filter((s) => s.modelId === 'pocket-chat-1m');
    expect(measured.length).toBeGreaterThanOrEqual(3);
    expect(measured.length).toBeLessThan(50 * run.plan.prompts.length);
    // Every answer before the last ran to its end. The last one was either stopped in flight
    // ('cancelled', not counted) or had already produced its final token when Cancel landed (a
    // whole answer, counted): at ~250 tok/s a 64-token answer leaves that window open.
    expect(measured.slice(0, -1).map((s) => s.error)).toEqual(measured.slice(0, -1).map(() => null));
    const last = measured[measured.length - 1]!;
    expect([null, 'cancelled']).toContain(last.error);
    const stopped = last.error === 'cancelled' ? 1 : 0;
    const summary = summarizeTargets(run.samples)[0]!;
    expect(summary.samples).toBe(measured.length - stopped);
    // The table renders the finished run on the next frame after `running` turns false.
    await expect
      .poll(() => shownRow(page, targetKey(summary)))
      .toEqual({ ...expectedRow(summary), samples: stopped ? `${summary.samples} (+1 failed)` : `${summary.samples}` });
    await expect
      .poll(() => page.locator('bench-results li[data-status="failed"]').innerText())
      .toContain('phi-4-mini-instruct on gateway: failed');
    await expect.poll(() => page.locator('bench-results li[data-status="cancelled"]').count()).toBe(1);
    // The chat's model is back and answers, and its live latency chart plots that answer.
    expect((await waitForModel(page)).backend).toBe('wasm');
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await typeAndSend(page, 'What is 2 plus 3?');
    await waitIdle(page);
    const answer = await lastAnswer(page);
    expect(answer.meta?.modelId).toBe('pocket-chat-1m');
    await expect
      .poll(() =>
        page.evaluate(() => {
          const el = document.querySelector('playground-app')?.shadowRoot?.querySelector('latency-chart');
          const data: unknown = el && 'chartData' in el ? el.chartData : null;
          return JSON.parse(JSON.stringify(data)) as unknown;
        }),
      )
      .toEqual({ labels: [1], ttftMs: [answer.meta?.metrics?.ttftMs], decodeTokensPerSec: [answer.meta?.metrics?.decodeTokensPerSec] });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

/** Clears the preset's targets, one checked box at a time (the list shrinks as it goes). */
async function uncheckAllTargets(page: Page): Promise<void> {
  // The tab renders after the click: wait for its table before reading what is checked.
  await page.locator('bench-config input[data-target="pocket-chat-1m|wasm"]').waitFor();
  const checked = page.locator('bench-config input[data-target]:checked');
  while ((await checked.count()) > 0) await checked.first().uncheck();
}

it('compares a bundled model in the browser with the same model on the gateway ("browser at N% of native")', async () => {
  const gateway = await startGatewayProcess(inject('gatewayPort'));
  onTestFinished(() => gateway.kill());
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm', gateway: { baseUrl: gateway.url } });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await uncheckAllTargets(page);
    await page.locator('bench-config input[data-target="pocket-chat-1m|wasm"]').check();
    await page.locator('bench-config input[data-target="pocket-chat-1m|gateway"]').check();
    for (const [name, value] of [
      ['rounds', '1'],
      ['warmupRounds', '1'],
      ['maxNewTokens', '16'],
    ] as const) {
      const field = page.locator(`bench-config input[name="${name}"]`);
      await field.fill(value);
      await field.press('Tab');
    }
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 200_000, polling: 200 });
    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    expect(run.targets.map((t) => [t.target.backend, t.status, t.message])).toEqual([
      ['wasm', 'ok', null],
      ['gateway', 'ok', null],
    ]);
    expect(run.targets[1]?.dtype).toBe('server');
    const comparisons = compareToNative(summarizeTargets(run.samples));
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]?.ratio).toBeGreaterThan(0);
    const line = describeComparison(comparisons[0]!);
    // An automatic variant on WASM: this tiny model runs fp32 there (src/placement/default-order.ts).
    expect(line).toMatch(/^pocket-chat-1m: browser \(WASM fp32\) at \d+% of native$/);
    await expect.poll(() => page.locator('bench-results li.native').innerText()).toBe(line);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('edits the prompt set (a bad field is named), exports it, and measures on WebGPU with golden answers', async () => {
  const golden = readGolden('pocket-chat-1m');
  const cases = [golden.cases[0]!, golden.cases.find((c) => c.messages.length > 2)!];
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'webgpu' });
  try {
    expect((await waitForModel(page)).backend).toBe('webgpu');
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await uncheckAllTargets(page);
    await page.locator('bench-config input[data-target="pocket-chat-1m|webgpu"]').check();
    for (const [name, value] of [
      ['rounds', '1'],
      ['warmupRounds', '0'],
      ['maxNewTokens', String(golden.max_new_tokens)],
    ] as const) {
      const field = page.locator(`bench-config input[name="${name}"]`);
      await field.fill(value);
      await field.press('Tab');
    }

    const editor = page.locator('bench-config textarea#prompt-json');
    await page.getByText('Edit prompts (JSON)').click();
    // Opening the editor fills it with the current set; edit once it has.
    await expect.poll(() => editor.inputValue()).toContain('Built-in (pocket-chat)');
    const prompts = cases.map((c, i) => ({ id: `golden-${i}`, messages: c.messages }));
    const bad = { name: 'golden', prompts: [{ id: 'x', messages: [{ role: 'robot', content: 'hi' }] }] };
    await editor.fill(JSON.stringify(bad));
    await page.locator('bench-config').getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('bench-config p.error').innerText()).toMatch(/prompts\[0\]\.messages\[0\]\.role/);
    await editor.fill(JSON.stringify({ name: 'golden', prompts }));
    await page.locator('bench-config').getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('bench-config p.error').count()).toBe(0);
    // The export is the edited set, in a form the importer accepts (a set without documents has none).
    expect(parsePromptSet(await download(page, page.locator('bench-config').getByRole('button', { name: 'Export' })))).toEqual({
      name: 'golden',
      prompts,
      documents: [],
    });

    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 200_000, polling: 200 });
    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    expect(run.plan.promptSetName).toBe('golden');
    expect(run.targets.map((t) => [t.target.backend, t.status, t.dtype, t.message])).toEqual([['webgpu', 'ok', 'q4', null]]);
    expect(run.environment.adapter).not.toBeNull();
    // Greedy on WebGPU: each answer is the PyTorch reference's, token for token (its EOS included).
    expect(run.samples.map((s) => [s.output, s.generatedTokens])).toEqual(cases.map((c) => [c.texts['q4'], c.output_ids['q4']!.length]));
    // The worker counts the WebGPU buffers ONNX Runtime creates: at least the weights it uploaded,
    // which are most of the q4 file (the graph itself is a few kilobytes of it).
    const resources = run.targets[0]!.resources!;
    const q4 = readCatalog()
      .models.find((m) => m.id === 'pocket-chat-1m')!
      .variants.find((v) => v.dtype === 'q4')!;
    const q4Bytes = q4.files.reduce((n, f) => n + f.bytes, 0);
    expect(resources.gpuBufferBytes).toBeGreaterThan(q4Bytes * 0.9);
    expect(resources.gpuBufferPeakBytes).toBeGreaterThanOrEqual(resources.gpuBufferBytes!);
    expect(resources.notes.join('\n')).toMatch(/^GPU buffers: \d+ alive, /m);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('sets up draft -> refine in the tab and shows its escalation and combined time from the stored run', async () => {
  const golden = readGolden('pocket-chat-1m');
  const { page, context, errors } = await openApp(browser, baseUrl, { device: 'wasm' });
  try {
    await waitForModel(page);
    await page.getByRole('button', { name: 'Benchmark', exact: true }).click();
    await page.getByRole('button', { name: 'Bundled models (WASM)' }).click();
    await page.evaluate(
      (messages) =>
        (window as BenchWindow).bench!.setPlan({
          rounds: 1,
          warmupRounds: 0,
          maxNewTokens: 64,
          promptSetName: 'two',
          prompts: messages.map((m, i) => ({ id: `p${i}`, messages: m })),
          documents: [],
        }),
      [goldenMessages(golden, 'Tell me about the moon.'), goldenMessages(golden, 'What is 2 plus 3?')],
    );
    const setup = page.locator('bench-pipeline-setup');
    await setup.getByText('Draft → refine').click();
    await setup.locator('select').first().selectOption({ label: 'pocket-chat-1m · WASM' });
    await setup.locator('select').nth(1).selectOption({ label: 'pocket-chat-3m · WASM' });
    const limit = setup.locator('compare-rule input[type="number"]');
    await limit.fill('40');
    await limit.press('Tab');
    await setup.getByRole('button', { name: 'Add pipeline' }).click();
    await expect.poll(() => setup.locator('li').innerText()).toContain('refines when the draft is longer than 40 characters');
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === true, null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as BenchWindow).bench?.running === false, null, { timeout: 200_000, polling: 200 });
    const run = await page.evaluate(() => JSON.parse(JSON.stringify((window as BenchWindow).bench!.runs[0])) as BenchRun);
    const steps = run.pipelines![0]!.steps;
    // The moon's golden answer is longer than 40 characters, 2 plus 3's is not.
    expect(steps.map((s) => [s.promptId, s.escalated])).toEqual([
      ['p0', true],
      ['p1', false],
    ]);
    const row = page.locator('bench-pipelines tbody tr');
    expect((await row.locator('td[data-col="escalated"]').innerText()).replace(/\s+/g, ' ').trim()).toBe('1/2 (50%)');
    const combined = (steps[0]!.draftMs! + steps[0]!.refineMs! + steps[1]!.draftMs!) / 2;
    expect(await row.locator('td[data-col="combined"]').innerText()).toBe(formatMs(combined));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
