/**
 * TokenLogprobs' bookkeeping, driven as generate() drives it: a step's logits, then the sampled
 * token. The arithmetic is checked against log-softmax written out by hand here; the values
 * against a real model's forward pass are in tests/node/token-logprobs.test.ts.
 */
import { Tensor } from '@huggingface/transformers';
import { expect, it } from 'vitest';
import { TokenLogprobs, logSumExp } from '../../src/engine/worker/token-logprobs';

const step = (values: number[]): Tensor => new Tensor('float32', Float32Array.from(values), [1, values.length]);

it('averages the log-softmax of each sampled token', () => {
  const recorder = new TokenLogprobs();
  expect(recorder.mean).toBeNull();
  recorder._call([[1n]], step([0, 0, Math.log(2)])); // probabilities 1/4, 1/4, 1/2 (float32 logits: 6 decimals)
  recorder.commit(2);
  recorder._call([[1n, 2n]], step([Math.log(3), 0])); // 3/4, 1/4
  recorder.commit(1);
  expect(recorder.mean).toBeCloseTo((Math.log(1 / 2) + Math.log(1 / 4)) / 2, 6);
});

it('counts a token only once, and only after a step, and ignores ids outside the vocabulary', () => {
  const recorder = new TokenLogprobs();
  recorder.commit(0); // no step yet
  recorder._call([[1n]], step([0, 0]));
  recorder.commit(7); // not a token of this vocabulary
  recorder.commit(0); // the row was spent by the commit before
  expect(recorder.mean).toBeNull();
  recorder._call([[1n]], step([0, 0]));
  recorder.commit(1);
  expect(recorder.mean).toBeCloseTo(Math.log(1 / 2), 6);
});

it('skips a token the filters had ruled out, and stays stable for large logits', () => {
  const recorder = new TokenLogprobs();
  recorder._call([[1n]], step([-Infinity, 0]));
  recorder.commit(0);
  expect(recorder.mean).toBeNull();
  expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 9);
  expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
});
