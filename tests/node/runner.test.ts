/**
 * The worker's ModelRunner (the code that produces and times every token in the app), run in Node
 * on onnxruntime-node with a bundled model: streamed text equals the PyTorch golden, the context
 * window is enforced with a clear error, the stop flag stops after the current token, and the
 * sampling controls (seed, top-k, top-p) behave.
 */
import path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextLengthError } from '../../src/engine/errors';
import type { ChatMessage, GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { PUBLIC_MODELS, bundledModels, readGolden } from '../support/paths';

const model = bundledModels().find((m) => m.id === 'pocket-chat-1m')!;
const golden = readGolden(model.id);
const GREEDY: GenerationParams = { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens };

const flag = new StopFlag();
const runner = new ModelRunner(
  {
    now: () => performance.timeOrigin + performance.now(),
    executionDevice: () => 'cpu',
    describe: () => 'CPU · onnxruntime-node',
  },
  flag,
);
let nextId = 1;

async function run(messages: ChatMessage[], params: GenerationParams, onToken?: (count: number, requestId: number) => void) {
  const events: GenerationEvent[] = [];
  const requestId = nextId++;
  let tokens = 0;
  await runner.generate(requestId, messages, params, (e) => {
    events.push(e);
    if (e.type === 'token') onToken?.(++tokens, requestId);
  });
  const text = events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');
  const end = events.find((e) => e.type === 'end');
  const start = events.find((e) => e.type === 'start');
  if (end?.type !== 'end' || start?.type !== 'start') throw new Error('stream did not start and end');
  return { text, end, start, events };
}

beforeAll(async () => {
  const variant = model.variants.find((v) => v.dtype === 'q4')!;
  await runner.load(
    {
      id: model.id,
      location: path.join(PUBLIC_MODELS, model.id),
      dtype: 'q4',
      device: 'wasm',
      contextLength: model.contextLength!,
      files: [...model.files, ...variant.files],
    },
    () => undefined,
  );
});
afterAll(async () => {
  await runner.unload();
});

describe('greedy generation through the runner', () => {
  it.each(golden.cases.map((c, i) => ({ i, c })))('case $i streams exactly the golden answer', async ({ c }) => {
    const { text, end, start } = await run(c.messages, GREEDY);
    expect(text).toBe(c.texts['q4']);
    expect(start.promptTokens).toBe(c.input_ids.length);
    expect(end.reason).toBe('eos');
    expect(end.trace.tokenTimes).toHaveLength(c.output_ids['q4']!.length);
    expect(end.trace.prefillStartAt).toBeGreaterThanOrEqual(end.trace.requestAt);
    expect(end.trace.tokenTimes[0]).toBeGreaterThan(end.trace.prefillStartAt!);
  });
});

describe('context window', () => {
  const long = (words: number): ChatMessage[] => [{ role: 'user', content: Array.from({ length: words }, () => 'apple').join(' ') }];

  it('rejects a prompt longer than the context with a ContextLengthError naming both sizes', async () => {
    const error = await run(long(600), GREEDY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    const e = error as ContextLengthError;
    expect(e.details['contextLength']).toBe(512);
    expect(Number(e.details['promptTokens'])).toBeGreaterThan(512);
    expect(e.message).toMatch(/reads at most 512/);
  });

  it('lowers the token budget to what fits and says so', async () => {
    // The longest prompt that leaves fewer than 256 tokens of room (sized with the real tokenizer).
    // The folder itself: the runner sets no global model path that a bare id could lean on.
    const tokenizer = await AutoTokenizer.from_pretrained(path.join(PUBLIC_MODELS, model.id), { local_files_only: true });
    let words = 10;
    const size = (n: number): number =>
      tokenizer.apply_chat_template<true, false, false>(long(n), { add_generation_prompt: true, return_dict: false, return_tensor: false })
        .length;
    while (size(words + 1) < 500) words++;
    const { start, end } = await run(long(words), { ...GREEDY, maxNewTokens: 256 });
    expect(start.promptTokens).toBe(size(words));
    expect((start.promptTokens ?? 0) + start.maxNewTokens).toBe(512);
    expect(start.notice).toMatch(/lowered from 256/);
    expect(end.trace.tokenTimes.length).toBeLessThanOrEqual(start.maxNewTokens);
  });
});

describe('stop and sampling', () => {
  const moon: ChatMessage[] = [{ role: 'user', content: 'Tell me about the moon.' }];

  it('stops right after the token during which the flag was raised', async () => {
    const { end } = await run(moon, GREEDY, (count, requestId) => {
      if (count === 3) flag.request(requestId);
    });
    expect(end.reason).toBe('aborted');
    expect(end.trace.tokenTimes).toHaveLength(3);
  });

  it('top-k 1 and a tiny top-p both reduce sampling to the greedy answer', async () => {
    const expected = golden.cases.find((c) => c.messages[0]?.content === 'Tell me about the moon.')!.texts['q4'];
    const topK = await run(moon, { ...GREEDY, temperature: 1.5, topK: 1, topP: 1, seed: 7 });
    const topP = await run(moon, { ...GREEDY, temperature: 1.5, topK: 0, topP: 0.01, seed: 7 });
    expect(topK.text).toBe(expected);
    expect(topP.text).toBe(expected);
  });

  it('the same seed reproduces a sampled answer; different seeds explore', async () => {
    const hot: GenerationParams = { ...GREEDY, temperature: 2, topK: 0, topP: 1, maxNewTokens: 24 };
    const a = await run(moon, { ...hot, seed: 1 });
    const b = await run(moon, { ...hot, seed: 1 });
    expect(b.text).toBe(a.text);
    const others = new Set<string>();
    for (const seed of [2, 3, 4, 5]) others.add((await run(moon, { ...hot, seed })).text);
    others.add(a.text);
    expect(others.size).toBeGreaterThan(1);
  });
});
