/**
 * When a prompt may start from the previous answer's KV cache (src/engine/worker/prefix-reuse.ts).
 */
import { describe, expect, it } from 'vitest';
import { MIN_TRUNCATED_REUSE, commonPrefixLength, planPrefixReuse } from '../../src/engine/worker/prefix-reuse';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('planPrefixReuse', () => {
  const cached = range(0, 40); // last prompt + answer, minus the answer's final token

  it('extends the cache when the prompt starts with everything it holds (a follow-up turn)', () => {
    expect(planPrefixReuse(cached, [...cached, 40, 41, 42], true)).toEqual({ kind: 'extend', tokens: 40 });
    // A state that cannot be cut still extends.
    expect(planPrefixReuse(cached, [...cached, 40], false)).toEqual({ kind: 'extend', tokens: 40 });
  });

  it('cuts back to the shared part when the conversation changed before its end (an edit)', () => {
    const edited = [...range(0, 25), 99, 98, 97];
    expect(planPrefixReuse(cached, edited, true)).toEqual({ kind: 'truncate', tokens: 25 });
  });

  it('always leaves one prompt token to feed: regenerating the same prompt re-reads its last token', () => {
    const prompt = range(0, 30); // the cache holds it and 10 answer tokens
    expect(planPrefixReuse(cached, prompt, true)).toEqual({ kind: 'truncate', tokens: 29 });
    // The prompt equal to the whole cache: still one token short of it.
    expect(planPrefixReuse(cached, cached, true)).toEqual({ kind: 'truncate', tokens: 39 });
  });

  it('starts cold when the cache cannot be cut, shares too little, or there is none', () => {
    expect(planPrefixReuse(cached, [...range(0, 25), 99], false)).toEqual({ kind: 'cold' });
    const another = [...range(0, MIN_TRUNCATED_REUSE - 1), 99, 98];
    expect(planPrefixReuse(cached, another, true)).toEqual({ kind: 'cold' });
    expect(planPrefixReuse(cached, [...range(0, MIN_TRUNCATED_REUSE), 99], true)).toEqual({
      kind: 'truncate',
      tokens: MIN_TRUNCATED_REUSE,
    });
    expect(planPrefixReuse([], range(0, 10), true)).toEqual({ kind: 'cold' });
    expect(planPrefixReuse(cached, [0], true)).toEqual({ kind: 'cold' });
  });
});

describe('commonPrefixLength', () => {
  it('counts equal leading ids', () => {
    expect(commonPrefixLength([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(commonPrefixLength([1, 2], [1, 2, 3])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
    expect(commonPrefixLength([5], [6])).toBe(0);
  });
});
