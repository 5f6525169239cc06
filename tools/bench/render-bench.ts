/**
 * Rendering benchmark: what it costs the page's main thread to show a streamed answer, per token,
 * as the answer grows from 1 KB to 1 MB. The real <chat-message> gets a fixed number of characters
 * per animation frame (tools/bench/render-page.ts) in headless Chromium; a trace of the renderer's
 * main thread (every task: script, style, layout, paint) is cut at the marks where the answer's
 * length crosses a power of two. Flat rows mean the cost follows what is new, not the answer's
 * length. A token is counted as 4 characters.
 *
 * Corpora: `typical` (headings, prose, lists, code, tables) and `pathological` (the field notes'
 * parser breakers, tests/support/pathological-markdown.ts). `--naive` adds the way answers were
 * rendered before (the whole answer parsed and sanitized on every frame) until a frame takes
 * longer than a quarter of a second.
 *
 *   npm run bench:render -- [--corpus typical,pathological] [--max-kb 1024] [--chars-per-frame 256]
 *                           [--naive] [--json out.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { build, preview } from 'vite';
import { launchChromium } from '../../tests/e2e/support/chromium';
import { PATHOLOGICAL_ANSWER, typicalAnswer } from '../../tests/support/pathological-markdown';
import type { RenderResult, RenderRun } from './render-page';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'dist-bench-render');
const CHARS_PER_TOKEN = 4;

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'typical,pathological' },
    'max-kb': { type: 'string', default: '1024' },
    'chars-per-frame': { type: 'string', default: '256' },
    naive: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const maxChars = Number(values['max-kb']) * 1024;
const charsPerFrame = Number(values['chars-per-frame']);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: { name?: string };
}

/** Main-thread cost between two length marks. */
export interface Bucket {
  /** The answer's length at the start and end of the bucket, in characters. */
  from: number;
  to: number;
  /** Main-thread busy time (all tasks) per token streamed in the bucket, ms. */
  msPerToken: number;
  /** Of which in animation-frame callbacks (the page's feed, Lit, the renderer), ms per token. */
  scriptMsPerToken: number;
  /** The longest task in the bucket, ms. */
  longestTaskMs: number;
}

/** Records the renderer's main-thread tasks and the page's length marks while `body` runs. */
async function traced<T>(cdp: CDPSession, body: () => Promise<T>): Promise<{ result: T; events: TraceEvent[] }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const e of value as unknown as TraceEvent[]) {
      if (e.name === 'RunTask' || e.name === 'FireAnimationFrame' || e.name === 'thread_name' || e.cat.includes('blink.user_timing'))
        events.push(e);
    }
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  const result = await body();
  await cdp.send('Tracing.end');
  await complete;
  return { result, events };
}

/** `streamed`: the answer's final length (the `end` mark comes once all of it is on screen). */
function buckets(events: readonly TraceEvent[], streamed: number): Bucket[] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const marks = events
    .filter((e) => e.cat.includes('blink.user_timing') && /^(len:\d+|start|end)$/.test(e.name))
    .map((e) => ({ at: e.ts, length: e.name === 'start' ? 0 : e.name === 'end' ? streamed : Number(e.name.slice(4)) }))
    .sort((a, b) => a.at - b.at);
  // A length that is a power of two ends exactly on a mark: what follows it (rendering the end)
  // belongs to the last bucket.
  if (marks.length > 2 && marks.at(-2)!.length === streamed) marks.splice(marks.length - 2, 1);
  const tasks = events.filter((e) => e.tid === main && e.ph === 'X' && e.name === 'RunTask' && e.dur);
  const frames = events.filter((e) => e.tid === main && e.ph === 'X' && e.name === 'FireAnimationFrame' && e.dur);
  const out: Bucket[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    const a = marks[i]!;
    const b = marks[i + 1]!;
    const to = b.length;
    const inWindow = (e: TraceEvent): boolean => e.ts >= a.at && e.ts < b.at;
    const busy = tasks.filter(inWindow).reduce((sum, e) => sum + e.dur! / 1000, 0);
    const script = frames.filter(inWindow).reduce((sum, e) => sum + e.dur! / 1000, 0);
    const tokens = (to - a.length) / CHARS_PER_TOKEN;
    if (tokens <= 0) continue;
    out.push({
      from: a.length,
      to,
      msPerToken: busy / tokens,
      scriptMsPerToken: script / tokens,
      longestTaskMs: Math.max(0, ...tasks.filter(inWindow).map((e) => e.dur! / 1000)),
    });
  }
  return out;
}

function corpus(name: string): string {
  if (name === 'typical') return typicalAnswer(maxChars);
  if (name === 'pathological') return PATHOLOGICAL_ANSWER.slice(0, maxChars);
  throw new Error(`Unknown corpus '${name}': expected typical or pathological.`);
}

const kb = (chars: number): string => (chars >= 1024 * 1024 ? `${chars / 1024 / 1024} MB` : `${Math.round(chars / 1024)} KB`);

async function main(): Promise<void> {
  await build({
    root: ROOT,
    base: './',
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true, rollupOptions: { input: { render: path.join(ROOT, 'tools/bench/render.html') } } },
  });
  const server = await preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('no preview port');
  const browser = await launchChromium({ webgpu: false });
  const results: Record<string, { result: RenderResult; buckets: Bucket[] }> = {};
  try {
    const runs = values.corpus
      .split(',')
      .flatMap((c) => [{ corpus: c, naive: false }, ...(values.naive ? [{ corpus: c, naive: true }] : [])]);
    for (const { corpus: name, naive } of runs) {
      const label = `${name}${naive ? ' (before: whole answer per frame)' : ''}`;
      process.stderr.write(`${label}: streaming ${kb(Math.min(maxChars, corpus(name).length))} at ${charsPerFrame} characters a frame…\n`);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${address.port}/tools/bench/render.html`);
      await page.waitForFunction(() => 'renderBench' in window);
      const cdp = await context.newCDPSession(page);
      // The naive path grows without bound; a quarter of a second per frame is enough to see how.
      const request: RenderRun = { text: corpus(name), charsPerFrame, naive, giveUpFrameMs: naive ? 250 : 10_000 };
      const { result, events } = await traced(cdp, () =>
        page.evaluate(
          (r) => (window as unknown as { renderBench: { run(r: RenderRun): Promise<RenderResult> } }).renderBench.run(r),
          request,
        ),
      );
      results[label] = { result, buckets: buckets(events, result.streamed) };
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }

  // Rows by the length a bucket starts at (0, 1 KB, 2 KB, 4 KB...): a run that stopped early ends
  // in a partial bucket, shown in the row it started in.
  const labels = Object.keys(results);
  const starts = [...new Set(labels.flatMap((l) => results[l]!.buckets.map((b) => b.from)))].sort((a, b) => a - b);
  const header = `| answer length | ${labels.map((l) => `${l}: ms/token (script) | longest task`).join(' | ')} |`;
  const rule = `|---|${labels.map(() => '---:|---:').join('|')}|`;
  const rows = starts.map((from) => {
    const cells = labels.map((l) => {
      const b = results[l]!.buckets.find((x) => x.from === from);
      return b ? `${b.msPerToken.toFixed(3)} (${b.scriptMsPerToken.toFixed(3)}) | ${b.longestTaskMs.toFixed(0)} ms` : '– | –';
    });
    return `| ${kb(from)}–${kb(Math.max(1024, from * 2))} | ${cells.join(' | ')} |`;
  });
  console.log([header, rule, ...rows].join('\n'));
  for (const l of labels) {
    const r = results[l]!.result;
    if (r.gaveUp) console.log(`\n${l}: stopped at ${kb(r.streamed)}: ${r.gaveUp}.`);
  }
  if (values.json) fs.writeFileSync(values.json, JSON.stringify({ charsPerFrame, charsPerToken: CHARS_PER_TOKEN, results }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
