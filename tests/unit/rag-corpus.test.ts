/** The retrieval benchmark's made-up documents: sized as asked, one answering document per question. */
import { describe, expect, it } from 'vitest';
import { ragCorpus } from '../../tools/bench/rag-corpus';

describe('ragCorpus', () => {
  const { documents, questions } = ragCorpus(100, 10 * 1024);

  it('makes the documents asked for, each of the size asked for, with distinct names', () => {
    expect(documents).toHaveLength(100);
    expect(documents.every((d) => d.text.length === 10 * 1024)).toBe(true);
    expect(new Set(documents.map((d) => d.name)).size).toBe(100);
  });

  it('asks one question per document whose depot is named in that document only', () => {
    expect(questions.map((q) => q.source)).toEqual(documents.map((d) => d.name));
    for (const q of questions) {
      const depot = /depot (\w+)\?$/.exec(q.question)![1]!;
      const holding = documents.filter((d) => new RegExp(`\\b${depot}\\b`).test(d.text)).map((d) => d.name);
      expect(holding).toEqual([q.source]);
    }
  });

  it('is deterministic', () => {
    expect(ragCorpus(3, 2048)).toEqual(ragCorpus(3, 2048));
  });
});
