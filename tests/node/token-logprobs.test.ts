/**
 * The confidence the worker reports under an answer (GenerationTrace.meanLogprob, read during
 * generate() by token-logprobs.ts) against an independent computation: one raw onnxruntime-node
 * forward pass over the prompt and the golden greedy answer (PyTorch's tokens), log-softmax at
 * each answer position, averaged. No transformers.js, no generate loop, no KV cache in the
 * reference: only the model file and the golden tokens.
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GenerationEvent, GenerationParams } from '../../src/engine/engine-types';
import { ModelRunner } from '../../src/engine/worker/model-runner';
import { StopFlag } from '../../src/engine/worker/stop-flag';
import { logSumExp } from '../../src/engine/worker/token-logprobs';
import { DEFAULT_PARAMS } from '../../src/settings/generation-settings';
import { PUBLIC_MODELS, bundledModels, readGolden } from '../support/paths';

const model = bundledModels().find((m) => m.id === 'pocket-chat-1m')!;
const golden = readGolden(model.id);
const config = { layers: 4, kvHeads: 2, headDim: 32 };
const runner = new ModelRunner(
  { now: () => performance.timeOrigin + performance.now(), executionDevice: () => 'cpu', describe: () => 'CPU · onnxruntime-node' },
  new StopFlag(),
);
let session: ort.InferenceSession;

beforeAll(async () => {
  const variant = model.variants.find((v) => v.dtype === 'fp32')!;
  const location = path.join(PUBLIC_MODELS, model.id);
  await runner.load(
    {
      id: model.id,
      location,
      dtype: 'fp32',
      device: 'wasm',
      contextLength: model.contextLength!,
      files: [...model.files, ...variant.files],
    },
    () => undefined,
  );
  session = await ort.InferenceSession.create(path.join(location, 'onnx', 'model.onnx'));
});
afterAll(async () => {
  await runner.unload();
  await session.release();
});

/** Mean log-probability of `answer` after `prompt`, from one forward pass over both. */
async function referenceMeanLogprob(prompt: number[], answer: number[]): Promise<number> {
  const ids = [...prompt, ...answer];
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, n]),
  };
  for (let layer = 0; layer < config.layers; layer++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [1, config.kvHeads, 0, config.headDim]);
    }
  }
  const logits = (await session.run(feeds))['logits']!;
  const vocab = logits.dims.at(-1)!;
  const data = logits.data as Float32Array;
  let sum = 0;
  answer.forEach((token, i) => {
    // The logits at position p predict the token at p + 1.
    const row = data.subarray((prompt.length - 1 + i) * vocab, (prompt.length + i) * vocab);
    sum += row[token]! - logSumExp(row);
  });
  return sum / answer.length;
}

it('reports the mean log-probability of the golden greedy answer, as a raw forward pass computes it', async () => {
  // The least decided cases: on its training prompts the model is nearly certain (mean ~ -5e-5).
  const cases = golden.cases
    .filter((c) => c.messages.length === 1)
    .sort((a, b) => a.min_logit_margin['fp32']! - b.min_logit_margin['fp32']!)
    .slice(0, 3);
  expect(cases.length).toBe(3);
  const means: number[] = [];
  for (const c of cases) {
    const params: GenerationParams = { ...DEFAULT_PARAMS, maxNewTokens: golden.max_new_tokens };
    const events: GenerationEvent[] = [];
    await runner.generate(1, c.messages, params, (e) => events.push(e));
    const end = events.find((e) => e.type === 'end');
    if (end?.type !== 'end') throw new Error('no end event');
    const text = events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join('');
    expect(text).toBe(c.texts['fp32']);
    const expected = await referenceMeanLogprob(c.input_ids, c.output_ids['fp32']!);
    const reported = end.trace.meanLogprob!;
    expect(Math.abs(reported - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected) + 1e-7);
    means.push(expected);
  }
  // The cases differ in confidence: a constant would not pass all three.
  expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(1e-3);
});
