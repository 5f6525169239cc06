/**
 * Streaming text deltas from growing token lists. The stand-in decoder below is byte-level like
 * the bundled tokenizer: each id is one byte, and TextDecoder turns an unfinished UTF-8 sequence
 * at the end into U+FFFD, just as a real byte-level decode does.
 */
import { describe, expect, it } from 'vitest';
import { IncrementalDecoder } from '../../src/engine/worker/incremental-decoder';

const utf8 = new TextDecoder();
const byteDecode = (ids: number[]): string => utf8.decode(Uint8Array.from(ids));
const bytes = (text: string): number[] => Array.from(new TextEncoder().encode(text));
/** One generated token, its text taken at once (the streamer takes it once per batch instead). */
const step = (d: IncrementalDecoder, id: number): string => {
  d.add(id);
  return d.take();
};

describe('IncrementalDecoder', () => {
  it('emits ASCII one token at a time', () => {
    const d = new IncrementalDecoder(byteDecode);
    expect(bytes('hi!').map((id) => step(d, id))).toEqual(['h', 'i', '!']);
    expect(d.flush()).toBe('');
    expect(d.tokenIds).toEqual([0x68, 0x69, 0x21]);
  });

  it('holds back a character split over several tokens until it is complete', () => {
    const d = new IncrementalDecoder(byteDecode);
    // "é" is C3 A9; "😀" is F0 9F 98 80.
    const deltas = bytes('aé😀b').map((id) => step(d, id));
    expect(deltas).toEqual(['a', '', 'é', '', '', '', '😀', 'b']);
    expect(deltas.join('')).toBe('aé😀b');
    expect(deltas.join('')).not.toContain('\uFFFD');
  });

  it('flushes an unfinished character at the end as U+FFFD', () => {
    const d = new IncrementalDecoder(byteDecode);
    expect(step(d, 0x6f)).toBe('o');
    expect(step(d, 0xe2)).toBe(''); // first byte of a 3-byte character, never completed
    expect(d.flush()).toBe('\uFFFD');
  });

  it('emits an invalid byte once later text shows it will not complete', () => {
    const d = new IncrementalDecoder(byteDecode);
    expect(step(d, 0xff)).toBe('');
    expect(step(d, 0x61)).toBe('\uFFFDa');
  });

  it('never emits backwards when the decoder rewrites earlier text', () => {
    // A decoder that trims a trailing space, the way some clean up spaces between words.
    const words = ['Hello', ' ', 'world'];
    const d = new IncrementalDecoder((ids) =>
      ids
        .map((i) => words[i])
        .join('')
        .trimEnd(),
    );
    expect(step(d, 0)).toBe('Hello');
    expect(step(d, 1)).toBe(''); // "Hello " decodes to "Hello": nothing new yet
    expect(step(d, 2)).toBe(' world');
  });

  it('emits only the suffix beyond the longest text seen, even if the decode shrinks', () => {
    const outputs = ['abc', 'ab', 'abcd'];
    let call = 0;
    const d = new IncrementalDecoder(() => outputs[Math.min(call++, outputs.length - 1)]!);
    expect([step(d, 1), step(d, 2), step(d, 3)]).toEqual(['abc', '', 'd']);
  });
});

describe('IncrementalDecoder line window', () => {
  it('decodes only the current line: after a line break earlier tokens are not decoded again', () => {
    const seen: number[][] = [];
    const d = new IncrementalDecoder((ids) => {
      seen.push([...ids]);
      return byteDecode(ids);
    });
    const out =
      bytes('ab\ncd')
        .map((id) => step(d, id))
        .join('') + d.flush();
    expect(out).toBe('ab\ncd');
    expect(seen.at(-1)).toEqual(bytes('cd'));
    expect(Math.max(...seen.map((ids) => ids.length))).toBe(3); // "ab\n" at most
  });

  it('gives the same text as decoding the whole answer, for multi-line text with split characters', () => {
    const text = 'Line one é\n😀 two\n\nthree ü';
    const d = new IncrementalDecoder(byteDecode);
    expect(
      bytes(text)
        .map((id) => step(d, id))
        .join('') + d.flush(),
    ).toBe(text);
  });
});

describe('IncrementalDecoder batches', () => {
  it('decodes tokens added one by one only when their text is taken', () => {
    let decodes = 0;
    const d = new IncrementalDecoder((ids) => {
      decodes++;
      return byteDecode(ids);
    });
    for (const id of bytes('moon')) d.add(id);
    expect(decodes).toBe(0);
    expect(d.take()).toBe('moon');
    expect(d.take()).toBe(''); // nothing new
    expect(decodes).toBe(1);
  });

  it('never decodes an empty window (transformers.js throws on it): an answer ending in a line break', () => {
    const d = new IncrementalDecoder((ids) => {
      if (!ids.length) throw new Error('token_ids must be a non-empty array of integers.');
      return byteDecode(ids);
    });
    expect(
      bytes('ok\n')
        .map((id) => step(d, id))
        .join(''),
    ).toBe('ok\n');
    expect(d.take()).toBe('');
    expect(d.flush()).toBe('');
  });
});
