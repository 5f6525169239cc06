/**
 * Engine benchmark: decode tokens/s of
 *   - the app path: BrowserEngine -> inference worker -> tokens arriving in the page,
 *   - a bare transformers.js generate loop in a worker of the same page (the baseline),
 *   - transformers.js on onnxruntime-node in this process (native),
 * on the same model, prompt and answer length (EOS suppressed until --tokens), in one run, so
 * the ratios are meaningful on a noisy machine. Absolute numbers are not.
 *
 *   npm run bench:engine -- [--models a,b] [--dtypes q4,fp32] [--devices wasm,webgpu]
 *                           [--tokens 128] [--rounds 5] [--json out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoModelForCausalLM, AutoTokenizer, TextStreamer, env } from '@huggingface/transformers';
import { build, preview } from 'vite';
import { launchChromium } from '../../tests/e2e/support/chromium';
import type { BareRequest } from './bare-worker';
import type { PathRun } from './bench-page';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'dist-bench');

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'pocket-chat-1m,pocket-chat-3m' },
    dtypes: { type: 'string', default: 'q4,fp32' },
    devices: { type: 'string', default: 'wasm' },
    tokens: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '5' },
    prompt: { type: 'string', default: 'Tell me about the moon.' },
    json: { type: 'string' },
  },
});
const tokens = Number(values.tokens);
const rounds = Number(values.rounds);
const WARMUP = 1;

/** Decode tokens/s of one round: tokens after the first over the time since the first. */
function decodeRate(times: readonly number[]): number {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((times.length - 1) * 1000) / (last - first);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function summarize(run: PathRun): { median: number; rates: number[]; tokens: number } {
  const measured = run.rounds.slice(WARMUP);
  const rates = measured.map(decodeRate);
  return { median: median(rates), rates, tokens: measured[0]?.length ?? 0 };
}

class TimestampStreamer extends TextStreamer {
  readonly times: number[] = [];
  private prompt = true;
  override put(): void {
    if (this.prompt) {
      this.prompt = false;
      return;
    }
    this.times.push(performance.timeOrigin + performance.now());
  }
  override end(): void {}
}

async function runNode(modelId: string, dtype: BareRequest['dtype']): Promise<PathRun> {
  env.localModelPath = path.join(ROOT, 'public', 'models') + path.sep;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  const model = await AutoModelForCausalLM.from_pretrained(modelId, { dtype, device: 'cpu' });
  const inputs = tokenizer.apply_chat_template([{ role: 'user', content: values.prompt }], { add_generation_prompt: true, return_dict: true });
  const out: number[][] = [];
  for (let i = 0; i < WARMUP + rounds; i++) {
    const streamer = new TimestampStreamer(tokenizer);
    await model.generate({ ...inputs, max_new_tokens: tokens, min_new_tokens: tokens, do_sample: false, streamer });
    out.push(streamer.times);
  }
  await model.dispose();
  return { rounds: out };
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '–');

async function main(): Promise<void> {
  const devices = values.devices.split(',') as BareRequest['device'][];
  console.log('Building the benchmark page…');
  await build({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true, rollupOptions: { input: { main: path.join(ROOT, 'index.html'), bench: path.join(ROOT, 'tools/bench/bench.html') } } },
  });
  const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('no preview port');
  const browser = await launchChromium({ webgpu: devices.includes('webgpu') });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${address.port}/tools/bench/bench.html`);
  const info = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, ua: navigator.userAgent }));
  console.log(`Chromium: ${info.ua.match(/Chrome\/[\d.]+/)?.[0] ?? '?'}, cross-origin isolated: ${info.isolated}, cores: ${info.cores}`);
  console.log(`Prompt: ${JSON.stringify(values.prompt)}, ${tokens} new tokens (EOS suppressed), ${rounds} rounds after ${WARMUP} warm-up, median decode tok/s\n`);

  const rows: Record<string, unknown>[] = [];
  const table = ['| model | dtype | device | app path tok/s | bare loop tok/s | app / bare | onnxruntime-node tok/s | browser / native |', '|---|---|---|---:|---:|---:|---:|---:|'];
  for (const modelId of values.models.split(',')) {
    for (const dtype of values.dtypes.split(',') as BareRequest['dtype'][]) {
      const node = summarize(await runNode(modelId, dtype));
      for (const device of devices) {
        const request: BareRequest = { modelsPath: '/models/', modelId, dtype, device, prompt: values.prompt, tokens, rounds: WARMUP + rounds };
        type BenchWindow = Window & { bench: { runApp(r: BareRequest): Promise<PathRun>; runBare(r: BareRequest): Promise<PathRun> } };
        const app = summarize(await page.evaluate((r) => (window as unknown as BenchWindow).bench.runApp(r), request));
        const bare = summarize(await page.evaluate((r) => (window as unknown as BenchWindow).bench.runBare(r), request));
        const ratio = app.median / bare.median;
        table.push(`| ${modelId} | ${dtype} | ${device} | ${fmt(app.median)} | ${fmt(bare.median)} | ${ratio.toFixed(2)} | ${fmt(node.median)} | ${(app.median / node.median).toFixed(2)} |`);
        rows.push({ modelId, dtype, device, tokens: app.tokens, app, bare, node, appOverBare: ratio, appOverNative: app.median / node.median });
        console.log(table.at(-1));
      }
    }
  }
  console.log(`\n${table.join('\n')}\n`);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ prompt: values.prompt, tokens, rounds, chromium: info, rows }, null, 2)}\n`);
  await browser.close();
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
