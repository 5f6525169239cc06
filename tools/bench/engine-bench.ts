/**
 * Engine benchmark: decode tokens/s of
 *   - the app path: BrowserEngine -> inference worker -> tokens arriving in the page,
 *   - a bare transformers.js generate loop in a worker of the same page (the baseline),
 *   - transformers.js on onnxruntime-node in this process (native),
 * on the same model, prompt and answer length (EOS suppressed until --tokens). All are loaded at
 * once and their rounds alternate (the order rotates every round), so they share the machine's
 * weather.
 *
 * Decode tok/s is the playground's own per-answer definition: tokens after the first over the time
 * since the first, as they arrive where they are consumed (the page for the app). Ratios are
 * paired: app / bare of the same round, whose answers ran back to back; the headline is the median
 * of those over all rounds, with the quartiles. On a shared machine a single round's ratio swings
 * widely, so a second bare loop, in a worker of its own, runs in every round too: bare / bare of
 * the same round (an A/A control) shows how far two identical paths on two threads differ, i.e.
 * the resolution of the whole measurement.
 *
 *   npm run bench:engine -- [--models a,b] [--dtypes q4,fp32] [--devices wasm,webgpu]
 *                           [--tokens 128] [--rounds 25] [--json out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { build, preview } from 'vite';
import { launchChromium } from '../../tests/e2e/support/chromium';
import type { BareRequest } from './bare-worker';
import { TimestampStreamer } from './timestamp-streamer';
import type { AppRequest, BenchPage, RoundTimes } from './bench-page';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'dist-bench');

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'pocket-chat-1m,pocket-chat-3m' },
    dtypes: { type: 'string', default: 'q4,fp32' },
    devices: { type: 'string', default: 'wasm' },
    tokens: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '25' },
    prompt: { type: 'string', default: 'Tell me about the moon.' },
    json: { type: 'string' },
  },
});
const tokens = Number(values.tokens);
const rounds = Number(values.rounds);

/** Decode tokens/s of one round: tokens after the first over the time since the first. */
function decodeRate(times: readonly number[]): number {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((times.length - 1) * 1000) / (last - first);
}

/** transformers.js on onnxruntime-node in this process, loaded once, one round per call. */
async function openNode(modelId: string, dtype: BareRequest['dtype']): Promise<{ round(): Promise<RoundTimes>; close(): Promise<void> }> {
  env.localModelPath = path.join(ROOT, 'public', 'models') + path.sep;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  const model = await AutoModelForCausalLM.from_pretrained(modelId, { dtype, device: 'cpu' });
  const inputs = tokenizer.apply_chat_template([{ role: 'user', content: values.prompt }], {
    add_generation_prompt: true,
    return_dict: true,
  });
  return {
    async round() {
      const streamer = new TimestampStreamer(tokenizer);
      await model.generate({ ...inputs, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false, streamer });
      return { arrived: streamer.times };
    },
    close: async () => {
      await model.dispose();
    },
  };
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '–');

/** The q-quantile (0..1) of the finite values, by linear interpolation. */
function quantile(xs: readonly number[], q: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

/** "0.97 (0.93–1.01)": the median and quartiles of paired ratios. */
function ratioCell(xs: readonly number[], bold = false): string {
  const mid = quantile(xs, 0.5).toFixed(2);
  return `${bold ? `**${mid}**` : mid} (${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)})`;
}

/**
 * 'appPerToken': the app with a message per token instead of batches (BrowserEngine's
 * tokenBatchMs 0), to show what batching buys. 'bare2': a second bare loop in a worker of its own,
 * run in the same round: the A/A control (a separate thread, as the app's worker is). 'runner':
 * the app's ModelRunner alone in a worker, its events going nowhere
 * (the app's per-token work without the worker API, the port and the page).
 */
type Path = 'app' | 'appPerToken' | 'runner' | 'bare' | 'bare2' | 'node';

type Rated = Path | 'appWorker';

interface Measured {
  /** Decode tok/s per measured round, by path; 'appWorker' is the app as produced in its worker. */
  rates: Record<Rated, number[]>;
  tokens: number;
}

/** Per round, the ratio of two paths' rates in that round. */
function paired(m: Measured, over: Rated, under: Rated): number[] {
  return m.rates[over].map((r, i) => r / m.rates[under][i]!);
}

async function measure(
  bench: (fn: keyof BenchPage, arg?: BareRequest | AppRequest | string) => Promise<unknown>,
  request: BareRequest,
): Promise<Measured> {
  const node = await openNode(request.modelId, request.dtype);
  await bench('openApp', { ...request, name: 'app' });
  await bench('openApp', { ...request, name: 'appPerToken', tokenBatchMs: 0 });
  await bench('openBare', { ...request, name: 'bare' });
  await bench('openBare', { ...request, name: 'bare2' });
  await bench('openRunner', { ...request, name: 'runner' });
  const run: Record<Path, () => Promise<RoundTimes>> = {
    app: () => bench('appRound', 'app') as Promise<RoundTimes>,
    appPerToken: () => bench('appRound', 'appPerToken') as Promise<RoundTimes>,
    bare: () => bench('bareRound', 'bare') as Promise<RoundTimes>,
    bare2: () => bench('bareRound', 'bare2') as Promise<RoundTimes>,
    runner: () => bench('runnerRound', 'runner') as Promise<RoundTimes>,
    node: () => node.round(),
  };
  const order: Path[] = ['app', 'bare', 'appPerToken', 'runner', 'node', 'bare2'];
  const m: Measured = { rates: { app: [], appWorker: [], appPerToken: [], runner: [], bare: [], bare2: [], node: [] }, tokens: 0 };
  try {
    // The first rounds warm every path up and are not counted; then the order rotates each round
    // so no path always runs first, or right after another one.
    const warmUp = 2;
    for (let i = 0; i < warmUp + rounds; i++) {
      const times: Partial<Record<Path, RoundTimes>> = {};
      for (let k = 0; k < order.length; k++) {
        const p = order[(i + k) % order.length]!;
        times[p] = await run[p]();
      }
      if (i < warmUp) continue;
      for (const p of order) m.rates[p].push(decodeRate(times[p]?.arrived ?? []));
      m.rates.appWorker.push(decodeRate(times.app?.produced ?? []));
      m.tokens = times.app?.produced?.length ?? 0;
    }
  } finally {
    await bench('closeApps');
    await bench('closeWorkers');
    await node.close();
  }
  return m;
}

async function main(): Promise<void> {
  const devices = values.devices.split(',') as BareRequest['device'][];
  console.log('Building the benchmark page…');
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      rollupOptions: { input: { main: path.join(ROOT, 'index.html'), bench: path.join(ROOT, 'tools/bench/bench.html') } },
    },
  });
  const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('no preview port');
  const browser = await launchChromium({ webgpu: devices.includes('webgpu') });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/tools/bench/bench.html`);
  const info = await page.evaluate(() => ({
    isolated: crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    ua: navigator.userAgent,
  }));
  console.log(`Chromium: ${info.ua.match(/Chrome\/[\d.]+/)?.[0] ?? '?'}, cross-origin isolated: ${info.isolated}, cores: ${info.cores}`);
  console.log(
    `Prompt: ${JSON.stringify(values.prompt)}, ${tokens} new tokens (EOS suppressed), ${rounds} alternating rounds after 2 warm-up rounds; medians of per-answer decode tok/s and of paired ratios, quartiles in brackets (see the header of this file)\n`,
  );

  const bench = (fn: keyof BenchPage, arg?: BareRequest | AppRequest | string): Promise<unknown> =>
    page.evaluate(([f, a]) => (window as unknown as { bench: Record<string, (r?: unknown) => Promise<unknown>> }).bench[f]!(a), [
      fn,
      arg,
    ] as const);

  const rows: Record<string, unknown>[] = [];
  const table = [
    '| model | dtype | device | app path tok/s | bare loop tok/s | **app / bare** | app in its worker / bare | app, a message per token / bare | runner alone / bare | bare / bare (A/A) | onnxruntime-node tok/s | app / native |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const modelId of values.models.split(',')) {
    for (const dtype of values.dtypes.split(',') as BareRequest['dtype'][]) {
      for (const device of devices) {
        const request: BareRequest = { modelsPath: '/models/', modelId, dtype, device, prompt: values.prompt, tokens };
        const m = await measure(bench, request);
        const rate = (p: Rated): string => fmt(quantile(m.rates[p], 0.5));
        const overBare = (p: Rated): string => ratioCell(paired(m, p, 'bare'), p === 'app');
        table.push(
          `| ${modelId} | ${dtype} | ${device} | ${rate('app')} | ${rate('bare')} | ${overBare('app')} | ${overBare('appWorker')} | ${overBare('appPerToken')} | ${overBare('runner')} | ${overBare('bare2')} | ${rate('node')} | ${quantile(paired(m, 'app', 'node'), 0.5).toFixed(2)} |`,
        );
        rows.push({ modelId, dtype, device, ...m });
        console.log(table.at(-1));
      }
    }
  }
  console.log(`\n${table.join('\n')}\n`);
  if (values.json)
    fs.writeFileSync(values.json, `${JSON.stringify({ prompt: values.prompt, tokens, rounds, chromium: info, rows }, null, 2)}\n`);
  await browser.close();
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
