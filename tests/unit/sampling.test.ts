/**
 * Top-k / top-p filtering. Logits are logs of chosen probabilities, so the softmax of each test
 * input is known by construction and the expected survivors can be worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { filterTopKTopP, topKIndices } from '../../src/engine/worker/sampling';

const logitsOf = (probs: number[]): Float32Array => Float32Array.from(probs, Math.log);
/** Indices that survived filtering. */
const kept = (logits: Float32Array): number[] => [...logits.keys()].filter((i) => logits[i] !== Number.NEGATIVE_INFINITY);

describe('topKIndices', () => {
  it('returns the k largest, largest first, lower index first on ties', () => {
    expect(topKIndices([1, 5, 3, 5, 2], 2)).toEqual([1, 3]);
    expect(topKIndices([1, 5, 3, 5, 2], 3)).toEqual([1, 3, 2]);
    expect(topKIndices([4, 4, 4], 1)).toEqual([0]);
  });

  it('sorts everything when k is 0 or not below the length', () => {
    expect(topKIndices([2, 9, 4], 0)).toEqual([1, 2, 0]);
    expect(topKIndices([2, 9, 4], 3)).toEqual([1, 2, 0]);
    expect(topKIndices([2, 9, 4], 50)).toEqual([1, 2, 0]);
  });

  it('agrees with a plain sort on many random arrays with duplicates', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // deterministic LCG
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rand() * 40);
      const values = Array.from({ length: n }, () => Math.floor(rand() * 10) - 5);
      const k = Math.floor(rand() * (n + 2));
      const byValueThenIndex = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
      const expected = k <= 0 || k >= n ? byValueThenIndex : byValueThenIndex.slice(0, k);
      expect(topKIndices(values, k), JSON.stringify({ values, k })).toEqual(expected);
    }
  });
});

describe('filterTopKTopP', () => {
  it('leaves logits untouched when both filters are off', () => {
    const logits = Float32Array.from([0.1, -2, 3]);
    filterTopKTopP(logits, 0, 1);
    expect([...logits]).toEqual([...Float32Array.from([0.1, -2, 3])]);
    filterTopKTopP(logits, 3, 1); // k equal to the vocabulary keeps everything
    expect(kept(logits)).toEqual([0, 1, 2]);
  });

  it('top-k keeps the k most likely tokens and leaves their logits unchanged', () => {
    const logits = Float32Array.from([1, 5, 3, 4, 2]);
    filterTopKTopP(logits, 2, 1);
    expect([...logits]).toEqual([-Infinity, 5, -Infinity, 4, -Infinity]);
  });

  it('top-p keeps the smallest most-likely prefix that reaches p', () => {
    // Probabilities 0.5, 0.3, 0.2: 0.5 < 0.7 <= 0.5 + 0.3, so two tokens.
    const a = logitsOf([0.2, 0.5, 0.3]);
    filterTopKTopP(a, 0, 0.7);
    expect(kept(a)).toEqual([1, 2]);
    // 0.5 + 0.3 = 0.8 < 0.9, so all three.
    const b = logitsOf([0.2, 0.5, 0.3]);
    filterTopKTopP(b, 0, 0.9);
    expect(kept(b)).toEqual([0, 1, 2]);
  });

  it('top-p stops at a token that reaches p exactly (ties go to the lower index)', () => {
    // Two equal logits: exactly 0.5 each, representable without rounding.
    const logits = Float32Array.from([0, 0]);
    filterTopKTopP(logits, 0, 0.5);
    expect(kept(logits)).toEqual([0]);
  });

  it('applies top-p to the renormalised top-k set (Hugging Face order)', () => {
    // 0.4, 0.3, 0.2, 0.1 -> top-2 renormalised is 4/7, 3/7; 4/7 >= 0.5 keeps one token.
    // Applying top-p to the original probabilities would have kept two (0.4 < 0.5).
    const logits = logitsOf([0.4, 0.3, 0.2, 0.1]);
    filterTopKTopP(logits, 2, 0.5);
    expect(kept(logits)).toEqual([0]);
  });

  it('always keeps at least the most likely token', () => {
    const logits = logitsOf([0.1, 0.1, 0.8]);
    filterTopKTopP(logits, 0, 0.01);
    expect(kept(logits)).toEqual([2]);
    const one = logitsOf([0.3, 0.7]);
    filterTopKTopP(one, 1, 0.01);
    expect(kept(one)).toEqual([1]);
  });

  it('filters a subarray in place without touching its neighbours (one batch row)', () => {
    const batch = Float32Array.from([9, 1, 2, 3, 9]);
    filterTopKTopP(batch.subarray(1, 4), 1, 1);
    expect([...batch]).toEqual([9, -Infinity, -Infinity, 3, 9]);
  });
});
