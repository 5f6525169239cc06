/**
 * Retrieval ranking: reciprocal rank fusion on known rankings (scores worked out by hand from
 * 1 / (60 + rank)), BM25 through the lexical index on a known set, and both fused.
 */
import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from '../../src/rag/fusion';
import { LexicalIndex } from '../../src/rag/lexical-index';
import { rankPassages } from '../../src/rag/retrieve';
import type { Chunk } from '../../src/rag/types';

describe('reciprocalRankFusion', () => {
  it('sums 1/(k + rank) over the rankings', () => {
    // a: 1/61 + 1/62 = 0.032522; c: 1/63 + 1/61 = 0.032266; b: 1/62 = 0.016129; d: 1/63 = 0.015873.
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a', 'd'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(0.032522, 6);
    expect(fused[1]!.score).toBeCloseTo(0.032266, 6);
    expect(fused[3]!.score).toBeCloseTo(0.015873, 6);
  });

  it('prefers agreement over one first place, and a single ranking keeps its order', () => {
    // x is first in one list only (1/61 = 0.01639); y is second in both (2/62 = 0.03226).
    expect(
      reciprocalRankFusion([
        ['x', 'y'],
        ['z', 'y'],
      ])[0]!.id,
    ).toBe('y');
    expect(reciprocalRankFusion([['p', 'q', 'r'], []]).map((f) => f.id)).toEqual(['p', 'q', 'r']);
  });

  it('with k = 1, ranks weigh more: two second places still beat one first, two firsts beat three', () => {
    // y = 1/3 + 1/3 = 0.667 > x = 1/2; then x = 1/2 + 1/2 + 1/3 = 1.333 > y = 1/3 + 1/3 + 1/2 = 1.167.
    expect(
      reciprocalRankFusion(
        [
          ['x', 'y'],
          ['z', 'y'],
        ],
        1,
      )[0]!.id,
    ).toBe('y');
    expect(
      reciprocalRankFusion(
        [
          ['x', 'y'],
          ['x', 'y'],
          ['y', 'x'],
        ],
        1,
      )[0]!.id,
    ).toBe('x');
  });
});

const chunk = (id: string, heading: string, text: string): Chunk => ({
  id,
  sourceId: id.split('#')[0]!,
  index: 0,
  heading,
  text,
  tokens: 0,
  start: 0,
  end: 0,
});

const SET = [
  chunk('a#0', 'Foundry Local', 'Foundry Local runs language models on your own device, with an OpenAI-compatible API.'),
  chunk('a#1', 'RAG', 'Retrieval augmented generation adds passages from your documents to the prompt.'),
  chunk('b#0', 'SLMs', 'Small language models need less memory and answer quickly on a laptop.'),
  chunk('b#1', 'Lighthouse', 'The lighthouse keeper lights the lamp at dusk.'),
];

describe('LexicalIndex and rankPassages', () => {
  const index = LexicalIndex.empty();
  index.add(SET);
  const chunks = new Map(SET.map((c) => [c.id, c]));

  it('ranks by BM25: the passage with the rare query words first, none for words no passage has', () => {
    expect(index.search('Which device runs Foundry Local?', 10).map((h) => h.id)[0]).toBe('a#0');
    expect(index.search('lamp at dusk', 10).map((h) => h.id)).toEqual(['b#1']);
    // Question words alone match nothing: they are stop words, not evidence.
    expect(index.search('what is it', 10)).toEqual([]);
    expect(index.search('zeppelin', 10)).toEqual([]);
  });

  it('survives its plain-data form and forgets removed passages', () => {
    const copy = LexicalIndex.load(structuredClone(index.toJSON()));
    expect(copy.search('lamp at dusk', 10).map((h) => h.id)).toEqual(['b#1']);
    copy.remove(['b#1']);
    expect(copy.search('lamp at dusk', 10)).toEqual([]);
    expect(copy.size).toBe(3);
  });

  it('fuses BM25 with similarity: a passage both agree on beats one only BM25 likes', () => {
    // Unit vectors chosen so that b#0 is nearest to the question, a#1 second.
    const v = (x: number, y: number): Float32Array => new Float32Array([x, y].map((n) => n / Math.hypot(x, y)));
    const vectors = new Map([
      ['a#0', v(0, 1)],
      ['a#1', v(1, 1)],
      ['b#0', v(1, 0.1)],
      ['b#1', v(-1, 0)],
    ]);
    const ranked = rankPassages({ query: 'language models memory', index, chunks, semantic: { query: v(1, 0), vectors }, limit: 3 });
    // BM25: b#0 (language, models, memory) first, a#0 (language, models) second; similarity: b#0, a#1, a#0.
    expect(ranked.map((r) => r.chunk.id)).toEqual(['b#0', 'a#0', 'a#1']);
    expect(ranked[0]!.lexical?.rank).toBe(1);
    expect(ranked[0]!.semantic?.rank).toBe(1);
    expect(ranked[0]!.semantic?.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
    expect(ranked[2]!.lexical).toBeUndefined();
    expect(ranked[0]!.fused).toBeCloseTo(2 / 61, 6);
  });

  it('ranks by BM25 alone without vectors', () => {
    const ranked = rankPassages({ query: 'language models memory', index, chunks, limit: 5 });
    expect(ranked.map((r) => r.chunk.id)).toEqual(['b#0', 'a#0']);
    expect(ranked.every((r) => r.semantic === undefined)).toBe(true);
  });
});
