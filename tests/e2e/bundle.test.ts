/**
 * The production build stays lean: the page's entry chunk holds no inference or Node-only code
 * (transformers.js and ONNX Runtime live in the worker chunk) and there is exactly one copy of
 * ORT's wasm. (That nothing is fetched from a CDN at run time is checked on real requests in
 * chat.test.ts: transformers.js carries a CDN default that the worker overrides.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../support/paths';

const DIST = path.join(ROOT, 'dist');
const assets = (): string[] => fs.readdirSync(path.join(DIST, 'assets'));
const read = (file: string): string => fs.readFileSync(path.join(DIST, 'assets', file), 'utf8');

it('keeps transformers.js and ONNX Runtime out of the page entry chunk', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  expect(entry).toBeDefined();
  const code = read(entry!);
  expect(code).not.toMatch(/InferenceSession|onnxruntime|AutoModelForCausalLM|PreTrainedTokenizer/);
  expect(code).not.toMatch(/node:fs|onnxruntime-node|worker_threads/);
  const worker = assets().find((f) => f.startsWith('inference.worker') && f.endsWith('.js'));
  expect(worker).toBeDefined();
  expect(read(worker!)).toMatch(/InferenceSession/);
});

it('ships exactly one ONNX Runtime wasm', () => {
  expect(assets().filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
});

it('keeps the Node gateway out of every chunk and loads the openai client only on demand', () => {
  const chunks = assets().filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
  for (const file of chunks) {
    const code = read(file);
    expect(code, file).not.toMatch(/node:http|createServer\(|startGateway|onnxruntime-node/);
  }
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  // The SDK's request headers (x-stainless-*) are in its own chunk, which the entry imports lazily (import()), never statically.
  const sdk = chunks.find((f) => /x-stainless/i.test(read(f)));
  expect(sdk).toBeDefined();
  expect(sdk).not.toBe(entry);
  expect(read(entry!)).not.toMatch(new RegExp(`^import[^;]*${sdk!.replace('.', '\\.')}`, 'm'));
});

it('loads pdf.js, mammoth and the retrieval worker only on demand, and serves pdf.js its worker from the build', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  expect(entry).toBeDefined();
  const code = read(entry!);
  const chunks = assets().filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
  // Each library in a chunk of its own, found by a string only it has; the entry neither holds nor statically imports it.
  const pdfjs = chunks.find((f) => read(f).includes('Worker was destroyed'));
  const mammoth = chunks.find((f) => read(f).includes('JSZip'));
  const retrieval = assets().find((f) => f.startsWith('retrieval.worker') && f.endsWith('.js'));
  for (const [name, chunk] of [
    ['pdf.js', pdfjs],
    ['mammoth', mammoth],
    ['the retrieval worker', retrieval],
  ] as const) {
    expect(chunk, name).toBeDefined();
    expect(chunk, name).not.toBe(entry);
    expect(code, name).not.toMatch(new RegExp(`^import[^;]*${chunk!.replace('.', '\\.')}`, 'm'));
  }
  expect(code).not.toMatch(/Worker was destroyed|JSZip|MiniSearch/);
  // MiniSearch and the tokenizer live in the retrieval worker.
  expect(read(retrieval!)).toMatch(/MiniSearch/);
  expect(read(retrieval!)).toMatch(/AutoTokenizer/);
  // pdf.js' worker is a file of this build, and a chunk points pdf.js at it by a URL relative to itself.
  const pdfWorker = assets().find((f) => /^pdf\.worker\.min-[\w-]+\.mjs$/.test(f));
  expect(pdfWorker).toBeDefined();
  expect(read(pdfWorker!)).toMatch(/Invalid PDF structure/);
  expect(chunks.some((f) => read(f).includes(`new URL(\`${pdfWorker!}\`,import.meta.url)`))).toBe(true);
});
