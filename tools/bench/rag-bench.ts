/**
 * Retrieval benchmark: how long adding reference documents and asking about them takes in the
 * app, at 1, 10 and 100 documents of 10 KB (the sizes issue 15 names), through the same code a
 * person uses: the built app in Chromium, Sources.addText (read, cut in the chat model's tokens,
 * BM25, Pocket Embed vectors in the retrieval worker, IndexedDB) and Sources.ground (rank, fit,
 * build the prompt). Each document has one fact no other has (rag-corpus.ts), so the run also
 * says whether the answering document came first (hit@1) or in the first three (hit@3).
 *
 *   npm run bench:rag -- [--counts 1,10,100] [--kb 10] [--questions 20] [--no-build] [--out FILE]
 *
 * A benchmark, not a test: times are printed and written (Markdown), never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Playground } from '../../src/app/playground';
import type { Conversation } from '../../src/chat/conversation';
import { launchChromium } from '../../tests/e2e/support/chromium';
import { ragCorpus, type RagDocument, type RagQuestion } from './rag-corpus';
import { serveBuiltApp } from './serve-app';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface SizeResult {
  documents: number;
  bytes: number;
  passages: number;
  /** Wall time of each addText, in order. */
  addMs: number[];
  /** Wall time of each ground, and the worker's own retrieval time. */
  askMs: number[];
  retrievalMs: number[];
  /** Rank of the answering document among the passages (1-based; 0: not retrieved). */
  ranks: number[];
}

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '1,10,100' },
    kb: { type: 'string', default: '10' },
    questions: { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const counts = values.counts.split(',').map(Number);
const kb = Number(values.kb);
const questionCount = Number(values.questions);
if (counts.some((n) => !Number.isInteger(n) || n < 1) || !(kb > 0) || !(questionCount >= 1)) {
  console.error('--counts takes whole numbers >= 1, --kb a size > 0, --questions a number >= 1.');
  process.exit(2);
}

const app = await serveBuiltApp({ build: !values['no-build'] });
const browser = await launchChromium();
const results: SizeResult[] = [];
let model: string;
try {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    if (!localStorage.getItem('playground.preferences.v1'))
      localStorage.setItem('playground.preferences.v1', JSON.stringify({ measureVariants: false, device: 'wasm' }));
  });
  const page = await context.newPage();
  await page.goto(app.url);
  await page.waitForFunction(
    () => (window as unknown as { playground?: Playground }).playground?.models.primary.load.kind === 'ready',
    null,
    { timeout: 120_000 },
  );
  model = await page.evaluate(() => {
    const load = (window as unknown as { playground: Playground }).playground.models.primary.load;
    return load.kind === 'ready' ? `${load.route.loaded.modelId} (${load.route.loaded.dtype}, ${load.route.loaded.backend})` : '?';
  });
  for (const count of counts) {
    const { documents, questions } = ragCorpus(count, kb * 1024);
    const step = Math.max(1, Math.floor(questions.length / questionCount));
    const asked = questions.filter((_, i) => i % step === 0).slice(0, questionCount);
    console.log(`${count} document(s) of ${kb} KB: adding…`);
    results.push(await page.evaluate(runSize, { count, documents, asked }));
    const r = results.at(-1)!;
    console.log(
      `  added in ${(sum(r.addMs) / 1000).toFixed(1)} s (${r.passages} passages); ${r.askMs.length} questions, ${mean(r.askMs).toFixed(0)} ms each`,
    );
  }
} finally {
  await browser.close();
  await app.close();
}

/** Runs in the page: adds the documents to a conversation of its own, asks, then removes them. */
async function runSize(input: { count: number; documents: RagDocument[]; asked: RagQuestion[] }): Promise<SizeResult> {
  const playground = (window as unknown as { playground: Playground }).playground;
  const { sources } = playground;
  const conversationId = `rag-bench-${input.count}-${Date.now()}`;
  const addMs: number[] = [];
  for (const d of input.documents) {
    const t0 = performance.now();
    if (!(await sources.addText(conversationId, d.text))) throw new Error(`${d.name} could not be added`);
    addMs.push(performance.now() - t0);
  }
  const records = sources.of(conversationId);
  const nameOf = new Map(records.map((r, i) => [r.id, input.documents[i]!.name]));
  const load = playground.models.primary.load;
  if (load.kind !== 'ready') throw new Error('the model is not loaded');
  const askMs: number[] = [];
  const retrievalMs: number[] = [];
  const ranks: number[] = [];
  for (const q of input.asked) {
    const conversation: Conversation = {
      id: conversationId,
      title: 'bench',
      createdAt: 0,
      updatedAt: 0,
      systemPrompt: '',
      turns: [{ id: 'q', role: 'user', content: q.question, createdAt: 0 }],
    };
    const t0 = performance.now();
    const result = await sources.ground(conversation, load.route, playground.settings.preferences.params);
    askMs.push(performance.now() - t0);
    if (!result) throw new Error('no grounding');
    retrievalMs.push(result.grounding.retrievalMs);
    const order = [...[...result.grounding.passages].sort((a, b) => a.n - b.n), ...result.grounding.leftOut].map((p) =>
      nameOf.get(p.sourceId),
    );
    ranks.push(order.indexOf(q.source) + 1);
  }
  await sources.removeConversation(conversationId);
  return {
    documents: input.count,
    bytes: input.documents.reduce((n, d) => n + d.text.length, 0),
    passages: records.reduce((n, r) => n + r.chunkCount, 0),
    addMs,
    askMs,
    retrievalMs,
    ranks,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
function mean(xs: readonly number[]): number {
  return xs.length ? sum(xs) / xs.length : Number.NaN;
}
function p95(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * 0.95;
  const lo = Math.floor(at);
  return sorted.length ? sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo) : Number.NaN;
}

const rows = results.map((r) => {
  const hit = (k: number): string => `${r.ranks.filter((x) => x >= 1 && x <= k).length}/${r.ranks.length}`;
  return (
    `| ${r.documents} | ${(r.bytes / 1024).toFixed(0)} KB | ${r.passages} | ${(sum(r.addMs) / 1000).toFixed(1)} s | ` +
    `${mean(r.addMs).toFixed(0)} ms | ${mean(r.askMs).toFixed(0)} ms | ${p95(r.askMs).toFixed(0)} ms | ${mean(r.retrievalMs).toFixed(0)} ms | ${hit(1)} | ${hit(3)} |`
  );
});
const report = [
  `# Retrieval benchmark ${new Date().toISOString()}`,
  '',
  `${model}; Pocket Embed vectors; ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
  '',
  '| documents | text | passages | adding all | per document | asking, mean | asking, p95 | retrieval in the worker | hit@1 | hit@3 |',
  '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ...rows,
  '',
  'Adding: read, cut in the chat model’s tokens, BM25, embedding and IndexedDB, one document after another. ' +
    'Asking: Sources.ground from the page (rank, fit, build the prompt), and the part of it spent in the retrieval worker.',
  '',
].join('\n');
console.log(`\n${report}`);
const out = values.out ?? path.join(ROOT, 'bench-results', `rag-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, report);
console.log(`Wrote ${out}`);
