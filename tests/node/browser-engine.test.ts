/**
 * The browser engine end to end in Node, on the app's real runner: BrowserEngine -> comlink ->
 * the real worker API -> ModelRunner -> transformers.js on onnxruntime-node, with a bundled model.
 * The one stand-in is the Web Worker itself (a module worker cannot run in Node): a FakeWorker
 * (tests/support/fake-worker.ts) serves the worker API over a real MessageChannel in this thread.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserEngine } from '../../src/engine/browser-engine';
import type { GenerationEvent, GenerationParams, ModelRef } from '../../src/engine/engine-types';
import { ContextLengthError } from '../../src/engine/errors';
import { createWorkerApi } from '../../src/engine/worker/api';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { FakeWorker } from '../support/fake-worker';
import { PUBLIC_MODELS, bundledModels, readGolden } from '../support/paths';

const model = bundledModels().find((m) => m.id === 'pocket-chat-1m')!;
const golden = readGolden(model.id);
const GREEDY: GenerationParams = { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens };
const ref: ModelRef = {
  id: model.id,
  location: path.join(PUBLIC_MODELS, model.id),
  dtype: 'q4',
  device: 'wasm',
  contextLength: model.contextLength!,
  files: [...model.files, ...model.variants.find((v) => v.dtype === 'q4')!.files],
};
const moon = golden.cases.find((c) => c.messages[0]?.content === 'Tell me about the moon.')!;

/** A stand-in worker serving the real worker API over the real runner on onnxruntime-node. */
function nodeWorker(): FakeWorker {
  return new FakeWorker(
    createWorkerApi(
      (flag, batchMs) =>
        new ModelRunner(
          {
            now: () => performance.timeOrigin + performance.now(),
            executionDevice: () => 'cpu',
            describe: () => 'CPU · onnxruntime-node',
          },
          flag,
          batchMs,
        ),
    ),
  );
}

/** An engine whose worker runs the real runner; `tokenBatchMs` as the app's option. */
function nodeEngine(tokenBatchMs?: number): BrowserEngine {
  return new BrowserEngine({ createWorker: nodeWorker, ...(tokenBatchMs === undefined ? {} : { tokenBatchMs }) });
}

async function collect(stream: AsyncIterable<GenerationEvent>, onToken?: (tokens: number) => void) {
  const events: GenerationEvent[] = [];
  let tokens = 0;
  for await (const e of stream) {
    events.push(e);
    if (e.type === 'token') {
      tokens += e.count ?? 1;
      onToken?.(tokens);
    }
  }
  const end = events.at(-1);
  if (end?.type !== 'end') throw new Error('the stream did not end with `end`');
  return { tokens, end, text: events.map((e) => (e.type === 'token' ? e.text : '')).join('') };
}

const batched = nodeEngine(); // the app's default: tokens in batches of up to 16 ms
const single = nodeEngine(0); // a message per token, so the page sees each token as it comes
beforeAll(async () => {
  await Promise.all([batched.load(ref), single.load(ref)]);
});
afterAll(() => {
  batched.terminate();
  single.terminate();
});

describe('BrowserEngine on the real runner', () => {
  it.each(golden.cases.map((c, i) => ({ i, c })))('case $i arrives in order as the golden answer, every token counted', async ({ c }) => {
    const { text, tokens, end } = await collect(batched.chat(c.messages, GREEDY));
    expect(text).toBe(c.texts['q4']);
    expect(end.reason).toBe('eos');
    expect(tokens).toBe(c.output_ids['q4']!.length);
    expect(end.trace.tokenTimes).toHaveLength(tokens);
  });

  it('Stop ends the answer within two tokens of what the page had seen, keeping the text so far', async () => {
    const controller = new AbortController();
    let seenAtStop = -1;
    const { text, end } = await collect(single.chat(moon.messages, GREEDY, controller.signal), (tokens) => {
      if (tokens !== 3) return;
      seenAtStop = tokens;
      controller.abort();
    });
    expect(end.reason).toBe('aborted');
    // The token being computed when the flag was raised, plus one already on its way.
    expect(end.trace.tokenTimes.length - seenAtStop).toBeLessThanOrEqual(2);
    expect(moon.texts['q4']!.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(moon.texts['q4']!.length);
  });

  it('a conversation longer than the context fails with ContextLengthError, its details intact across the RPC', async () => {
    const long = [{ role: 'user' as const, content: Array.from({ length: 600 }, () => 'apple').join(' ') }];
    const error = await collect(single.chat(long, GREEDY)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect((error as ContextLengthError).details['contextLength']).toBe(512);
    // The worker and its model are still there for the next answer.
    expect((await collect(single.chat(moon.messages, GREEDY))).text).toBe(moon.texts['q4']);
  });
});

it('unload ends the worker and frees the model; the next load starts a fresh worker that answers as before', async () => {
  let workers = 0;
  const counted = new BrowserEngine({
    createWorker: () => {
      workers++;
      return nodeWorker();
    },
  });
  await counted.load(ref);
  expect([counted.started, counted.current?.dtype, workers]).toEqual([true, 'q4', 1]);
  await counted.unload();
  expect([counted.started, counted.current]).toEqual([false, null]);
  await expect(collect(counted.chat(moon.messages, GREEDY))).rejects.toThrow();
  await counted.load(ref);
  expect(workers).toBe(2);
  expect((await collect(counted.chat(moon.messages, GREEDY))).text).toBe(moon.texts['q4']);
  counted.terminate();
});
