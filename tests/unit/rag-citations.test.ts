/** Citation marks in untrusted answer text: what counts as a mark, and which passages it names. */
import { describe, expect, it } from 'vitest';
import { citedPassages, findCitations } from '../../src/rag/citations';

describe('findCitations', () => {
  it('finds single, listed, adjacent and ranged marks with their spans', () => {
    const text = 'It runs nine hours [1]. The lens is brass [2, 3][4] and ranges work [1-3].';
    const marks = findCitations(text);
    expect(marks.map((m) => m.numbers)).toEqual([[1], [2, 3], [4], [1, 2, 3]]);
    expect(marks.map((m) => text.slice(m.start, m.end))).toEqual(['[1]', '[2, 3]', '[4]', '[1-3]']);
  });

  it('accepts semicolons and en dashes, and drops repeats within a mark', () => {
    expect(findCitations('[2; 5] [3–4] [1, 1, 2]').map((m) => m.numbers)).toEqual([
      [2, 5],
      [3, 4],
      [1, 2],
    ]);
  });

  it('ignores what is not a mark: words, empty brackets, huge numbers, backwards or huge ranges, long lists', () => {
    const text = '[a] [] [ 1] [1,] [1234] [5-2] [1-50] [1,2,3,4,5,6,7,8,9] [x1] [1.5]';
    expect(findCitations(text)).toEqual([]);
  });

  it('stays fast on hostile text', () => {
    const hostile = `${'[1,'.repeat(50_000)}${'['.repeat(50_000)}${'1'.repeat(50_000)}`;
    // No timing: a backtracking regex would not finish at all on this within the test's limit.
    expect(findCitations(hostile)).toEqual([]);
  });
});

describe('citedPassages', () => {
  it('lists the passages an answer cites, and numbers no passage has', () => {
    expect(citedPassages('A [2]. B [1][2]. C [7]. D [0].', 3)).toEqual({ cited: [1, 2], unknown: [0, 7] });
    expect(citedPassages('No marks here.', 3)).toEqual({ cited: [], unknown: [] });
  });
});
