/**
 * Chunking: passages within the token budget (counted by the counter passed in), cut at headings
 * with the heading trail kept, overlapping by whole sentences, and nothing of the text lost.
 */
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/rag/chunk';
import { chunkSizes } from '../../src/rag/chunk-size';
import { passageText, type Chunk } from '../../src/rag/types';

/**
 * A stand-in tokenizer: every run of letters or digits is a token, so is every other non-space
 * character, and so is a line break (byte-level BPE has tokens for "\n" and "\n\n"): joined
 * paragraphs count more than their parts, as with a real tokenizer.
 */
const count = (text: string): number => text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]|\n+/gu)?.length ?? 0;
/** One whose count of a joined text exceeds the sum of its parts' (as BPE merges can make it differ). */
const byLength = (text: string): number => Math.ceil(text.length / 4);

const sentence = (topic: string, i: number): string => `The ${topic} note number ${i} says that item ${i} is kept in drawer ${i % 7}.`;

function document(): string {
  const lines = ['# Guide', '', 'An opening paragraph about the guide as a whole.', ''];
  for (const [section, topic] of [
    ['## Install', 'install'],
    ['### Windows', 'windows'],
    ['## Use', 'usage'],
  ] as const) {
    lines.push(section, '');
    for (let p = 0; p < 4; p++) {
      lines.push(Array.from({ length: 5 }, (_, s) => sentence(topic, p * 5 + s)).join(' '), '');
    }
  }
  return lines.join('\n');
}

/** Sentences of the text as the document wrote them (each ends with a period here). */
const sentencesOf = (text: string): string[] => text.match(/[^.\n#]+\./g)?.map((s) => s.trim()) ?? [];

describe('chunkText', () => {
  const text = document();

  it.each([
    [24, 'words', count],
    [40, 'words', count],
    [64, 'words', count],
    [120, 'words', count],
    [24, 'length', byLength],
    [48, 'length', byLength],
    [100, 'length', byLength],
  ] as const)('keeps every passage within %i tokens (%s counter), heading included, and loses no sentence', (chunkTokens, _name, count) => {
    const chunks = chunkText('doc', text, { chunkTokens, overlapTokens: Math.floor(chunkTokens / 4), count });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(count(passageText(c)), c.text).toBeLessThanOrEqual(chunkTokens);
    const covered = new Set(chunks.flatMap((c) => sentencesOf(c.text)));
    for (const s of sentencesOf(text)) expect(covered, s).toContain(s);
  });

  it('cuts at headings: each passage carries its trail and stays inside its section', () => {
    const chunks = chunkText('doc', text, { chunkTokens: 64, overlapTokens: 16, count });
    expect([...new Set(chunks.map((c) => c.heading))]).toEqual(['Guide', 'Guide › Install', 'Guide › Install › Windows', 'Guide › Use']);
    for (const c of chunks) {
      const topic = { Guide: 'guide', 'Guide › Install': 'install', 'Guide › Install › Windows': 'windows', 'Guide › Use': 'usage' }[
        c.heading
      ];
      for (const s of sentencesOf(c.text)) expect(s).toContain(topic);
      // Offsets point at the passage's first and last sentence in the document.
      expect(text.slice(c.start, c.end).startsWith(c.text.slice(0, 20))).toBe(true);
      expect(text.slice(c.start, c.end).endsWith(c.text.slice(-20))).toBe(true);
    }
  });

  it('repeats whole sentences between neighbours, within the overlap budget, and always moves on', () => {
    const overlapTokens = 30;
    const chunks = chunkText('doc', text, { chunkTokens: 64, overlapTokens, count });
    const bySection = (h: string): Chunk[] => chunks.filter((c) => c.heading === h);
    let overlaps = 0;
    for (const section of ['Guide › Install', 'Guide › Use']) {
      const list = bySection(section);
      expect(list.length).toBeGreaterThan(2);
      for (let i = 1; i < list.length; i++) {
        const before = sentencesOf(list[i - 1]!.text);
        const after = sentencesOf(list[i]!.text);
        const shared = after.filter((s) => before.includes(s));
        // What is shared is the end of the one and the start of the other, never all of the new one.
        expect(shared).toEqual(after.slice(0, shared.length));
        expect(shared).toEqual(before.slice(before.length - shared.length));
        expect(shared.length).toBeLessThan(after.length);
        expect(shared.reduce((n, s) => n + count(s), 0)).toBeLessThanOrEqual(overlapTokens);
        expect(list[i]!.start).toBeGreaterThan(list[i - 1]!.start);
        overlaps += shared.length ? 1 : 0;
      }
    }
    expect(overlaps).toBeGreaterThan(2);
  });

  it('counts a passage as joined: the paragraph breaks between its parts cost tokens too', () => {
    // Paragraphs of 5 tokens: four of them are 20 tokens apart, but 23 with the three breaks.
    const paragraphs = Array.from({ length: 12 }, (_, i) => `p${i} one two three.`).join('\n\n');
    const chunks = chunkText('doc', paragraphs, { chunkTokens: 20, overlapTokens: 0, count });
    for (const c of chunks) expect(count(c.text)).toBeLessThanOrEqual(20);
    expect(chunks.map((c) => c.text.split('\n\n').length)).toEqual([3, 3, 3, 3]);
  });

  it('moves on even when the overlap allowed is as big as a passage', () => {
    const chunks = chunkText('doc', text, { chunkTokens: 64, overlapTokens: 64, count });
    for (let i = 1; i < chunks.length; i++) {
      if (chunks[i]!.heading === chunks[i - 1]!.heading) expect(chunks[i]!.end).toBeGreaterThan(chunks[i - 1]!.end);
      if (chunks[i]!.heading === chunks[i - 1]!.heading) expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
    }
  });

  it('does not overlap when asked not to', () => {
    const chunks = chunkText('doc', text, { chunkTokens: 64, overlapTokens: 0, count });
    const all = chunks.flatMap((c) => sentencesOf(c.text));
    expect(new Set(all).size).toBe(all.length);
  });

  it('cuts a sentence longer than a passage at words, and a word longer than that at characters', () => {
    const long = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    const word = 'x'.repeat(5000);
    const chunks = chunkText('doc', `${long}.\n\n${word}`, { chunkTokens: 30, overlapTokens: 0, count: (t) => Math.ceil(t.length / 8) });
    for (const c of chunks) expect(Math.ceil(c.text.length / 8)).toBeLessThanOrEqual(30);
    const words = chunks.flatMap((c) => c.text.split(/\s+/)).filter((w) => w.startsWith('w'));
    expect(words.map((w) => w.replace('.', ''))).toEqual(Array.from({ length: 200 }, (_, i) => `w${i}`));
    expect(
      chunks
        .filter((c) => c.text.startsWith('x'))
        .map((c) => c.text)
        .join(''),
    ).toBe(word);
  });

  it('does not take a # line inside fenced code for a heading', () => {
    const chunks = chunkText('doc', '# Setup\n\n```sh\n# not a heading\nnpm start\n```\n\nThen open the page.', {
      chunkTokens: 200,
      overlapTokens: 0,
      count,
    });
    expect(chunks.map((c) => c.heading)).toEqual(['Setup']);
    expect(chunks[0]!.text).toContain('# not a heading');
  });

  it('numbers passages per source, with ids unique across sources', () => {
    const a = chunkText('a', text, { chunkTokens: 64, overlapTokens: 0, count });
    expect(a.map((c) => c.index)).toEqual(a.map((_, i) => i));
    expect(a.every((c) => c.id === `a#${c.index}` && c.sourceId === 'a')).toBe(true);
  });
});

describe('chunkSizes', () => {
  it('sizes passages by the context window, within bounds, with a quarter as overlap', () => {
    expect(chunkSizes(512)).toEqual({ chunkTokens: 64, overlapTokens: 16 });
    expect(chunkSizes(128)).toEqual({ chunkTokens: 48, overlapTokens: 12 });
    expect(chunkSizes(131072)).toEqual({ chunkTokens: 320, overlapTokens: 80 });
  });
});
