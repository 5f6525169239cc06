/**
 * Engine benchmark: decode tokens/s of
 *   - the app path: BrowserEngine -> inference worker -> tokens arriving in the page,
 *   - a bare transformers.js generate loop in a worker of the same page (the baseline),
 *   - transformers.js on onnxruntime-node in this process (native),
 * on the same model, prompt and answer length (EOS suppressed until --tokens). All three are loaded
 * at once and their rounds alternate (the order rotates every round), so they share the machine's
 * weather.
 *
 * Two statistics, both printed:
 *  - steady tok/s = 1000 / the median time between consecutive tokens over all measured rounds.
 *    Every per-token cost of the app (decoding, the event port, the page) is paid on every token,
 *    so it moves the median; a burst of load from another tenant of a shared machine hits a few
 *    tokens and does not. This is the headline ratio.
 *  - round tok/s = the median over rounds of (tokens after the first / time since the first),
 *    the definition the playground shows per answer; on a noisy machine its ratios swing by 2x
 *    from round to round, so it is reported, not trusted.
 *
 *   npm run bench:engine -- [--models a,b] [--dtypes q4,fp32] [--devices wasm,webgpu]
 *                           [--tokens 128] [--rounds 5] [--json out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { build, preview } from 'vite';
import { launchChromium } from '../../tests/e2e/support/chromium';
import type { BareRequest } from './bare-worker';
import { TimestampStreamer } from './timestamp-streamer';
import type { BenchPage, RoundTimes } from './bench-page';

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

/** Decode tokens/s of one round: tokens after the first over the time since the first. */
function decodeRate(times: readonly number[]): number {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((times.length - 1) * 1000) / (last - first);
}

function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}


/** transformers.js on onnxruntime-node in this process, loaded once, one round per call. */
async function openNode(modelId: string, dtype: BareRequest['dtype']): Promise<{ round(): Promise<RoundTimes>; close(): Promise<void> }> {
  env.localModelPath = path.join(ROOT, 'public', 'models') + path.sep;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  const model = await AutoModelForCausalLM.from_pretrained(modelId, { dtype, device: 'cpu' });
  const inputs = tokenizer.apply_chat_template([{ role: 'user', content: values.prompt }], { add_generation_prompt: true, return_dict: true });
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

type Path = 'app' | 'bare' | 'node';

interface Measured {
  /** Decode tok/s per measured round, by path; app also as produced in its worker. */
  rates: Record<Path | 'appWorker', number[]>;
  /** Per round: app rate / bare rate and app rate / node rate of the same round. */
  appOverBare: number[];
  appOverNode: number[];
  /** Every inter-token gap (ms) of the measured rounds, by path. */
  gaps: Record<Path | 'appWorker', number[]>;
  tokens: number;
}

function gapsOf(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

async function measure(bench: (fn: keyof BenchPage, arg?: BareRequest) => Promise<unknown>, request: BareRequest): Promise<Measured> {
  const node = await openNode(request.modelId, request.dtype);
  await bench('openApp', request);
  await bench('openBare', request);
  const run: Record<Path, () => Promise<RoundTimes>> = {
    app: () => bench('appRound') as Promise<RoundTimes>,
    bare: () => bench('bareRound') as Promise<RoundTimes>,
    node: () => node.round(),
  };
  const order: Path[] = ['app', 'bare', 'node'];
  const m: Measured = { rates: { app: [], appWorker: [], bare: [], node: [] }, appOverBare: [], appOverNode: [], gaps: { app: [], appWorker: [], bare: [], node: [] }, tokens: 0 };
  try {
    // Round 0 warms every path up and is not counted; then the order rotates each round so no
    // path always runs first, or right after another one.
    for (let i = 0; i <= rounds; i++) {
      const times: Partial<Record<Path, RoundTimes>> = {};
      for (let k = 0; k < order.length; k++) {
        const p = order[(i + k) % order.length]!;
        times[p] = await run[p]();
      }
      if (i === 0) continue;
      const rate = (p: Path): number => decodeRate(times[p]?.arrived ?? []);
      for (const p of order) m.rates[p].push(rate(p));
      for (const p of order) m.gaps[p].push(...gapsOf(times[p]?.arrived ?? []));
      m.gaps.appWorker.push(...gapsOf(times.app?.produced ?? []));
      m.rates.appWorker.push(decodeRate(times.app?.produced ?? []));
      m.appOverBare.push(rate('app') / rate('bare'));
      m.appOverNode.push(rate('app') / rate('node'));
      m.tokens = times.app?.arrived.length ?? 0;
    }
  } finally {
    await bench('closeApp');
    await bench('closeBare');
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
  console.log(`Prompt: ${JSON.stringify(values.prompt)}, ${tokens} new tokens (EOS suppressed), ${rounds} alternating rounds after 1 warm-up; steady decode tok/s (see the header of this file)\n`);

  const bench = (fn: keyof BenchPage, arg?: BareRequest): Promise<unknown> =>
    page.evaluate(([f, a]) => (window as unknown as { bench: Record<string, (r?: BareRequest) => Promise<unknown>> }).bench[f]!(a), [fn, arg] as const);

  const rows: Record<string, unknown>[] = [];
  const table = [
    '| model | dtype | device | app path | (in its worker) | bare loop | app / bare | app adds ms/token | onnxruntime-node | app / native | app / bare, round tok/s |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const modelId of values.models.split(',')) {
    for (const dtype of values.dtypes.split(',') as BareRequest['dtype'][]) {
      for (const device of devices) {
        const request: BareRequest = { modelsPath: '/models/', modelId, dtype, device, prompt: values.prompt, tokens };
        const m = await measure(bench, request);
        const steady = (p: keyof Measured['gaps']): number => 1000 / median(m.gaps[p]);
        const s = { app: steady('app'), appWorker: steady('appWorker'), bare: steady('bare'), node: steady('node') };
        const round = { appOverBare: median(m.appOverBare), appOverNode: median(m.appOverNode) };
        table.push(
          `| ${modelId} | ${dtype} | ${device} | ${fmt(s.app)} | ${fmt(s.appWorker)} | ${fmt(s.bare)} | **${(s.app / s.bare).toFixed(2)}** | ${(1000 / s.app - 1000 / s.bare).toFixed(2)} | ${fmt(s.node)} | ${(s.app / s.node).toFixed(2)} | ${round.appOverBare.toFixed(2)} |`,
        );
        rows.push({ modelId, dtype, device, steady: s, steadyAppOverBare: s.app / s.bare, steadyAppOverNode: s.app / s.node, medianRoundRatio: round, ...m });
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
