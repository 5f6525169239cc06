/**
 * TimedStreamer: every token timestamped, tokens sent to the page in batches of at most one per
 * `batchMs`. The tokenizer stands in for a byte-level one (each id one byte), driven the way
 * generate() drives a streamer: the prompt first, then one [[id]] per new token.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { IncrementalDecoder } from '../../src/engine/worker/incremental-decoder';
import { TimedStreamer } from '../../src/engine/worker/timed-streamer';
import { PlainText } from '../../src/engine/worker/token-text';
import type { GenerationEvent } from '../../src/engine/engine-types';

const utf8 = new TextDecoder();
const byteDecode = (ids: number[]): string => {
  // transformers.js refuses to decode nothing; so does this stand-in.
  if (!ids.length) throw new Error('token_ids must be a non-empty array of integers.');
  return utf8.decode(Uint8Array.from(ids));
};
const bytes = (text: string): number[] => Array.from(new TextEncoder().encode(text));
// TimedStreamer decodes through its IncrementalDecoder only; TextStreamer's constructor reads this.
const tokenizer = { all_special_ids: [] } as unknown as PreTrainedTokenizer;

type TokenEvent = Extract<GenerationEvent, { type: 'token' }>;

/** Streams `ids` with token i generated at `times[i]` ms; returns what was emitted. */
function stream(ids: number[], times: number[], batchMs: number): { events: TokenEvent[]; streamer: TimedStreamer; decodes: number } {
  let clock = 0;
  let decodes = 0;
  const events: TokenEvent[] = [];
  const decoder = new IncrementalDecoder((xs) => {
    decodes++;
    return byteDecode(xs);
  });
  const streamer = new TimedStreamer(
    tokenizer,
    () => clock,
    new PlainText(decoder),
    (e) => events.push(e as TokenEvent),
    batchMs,
  );
  streamer.put([[1n, 2n, 3n]]); // the prompt
  ids.forEach((id, i) => {
    clock = times[i]!;
    streamer.put([[BigInt(id)]]);
  });
  streamer.end();
  return { events, streamer, decodes };
}

const countOf = (e: TokenEvent): number => e.count ?? 1;

describe('TimedStreamer', () => {
  it('sends the first token at once, then at most one batch per interval, and the rest at the end', () => {
    const ids = bytes('The moon is bright.'); // 19 tokens, one every 2 ms
    const times = ids.map((_, i) => i * 2);
    const { events, streamer, decodes } = stream(ids, times, 16);
    expect(events.map((e) => e.text).join('')).toBe('The moon is bright.');
    expect(events.map(countOf).reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(events[0]).toEqual({ type: 'token', text: 'T', at: 0 });
    // Batches leave when a token comes 16 ms or more after the last batch: at 16 and 32 ms.
    expect(events.map((e) => e.at)).toEqual([0, 16, 32, 36]);
    expect(events.map(countOf)).toEqual([1, 8, 8, 2]);
    expect(streamer.tokenTimes).toEqual(times); // every token keeps its own time
    expect(decodes).toBe(events.length + 1); // a decode per batch (not per token), and one at the end
  });

  it('with batchMs 0 sends every token on its own', () => {
    const ids = bytes('abc');
    const { events } = stream(ids, [0, 1, 2], 0);
    expect(events).toEqual([
      { type: 'token', text: 'a', at: 0 },
      { type: 'token', text: 'b', at: 1 },
      { type: 'token', text: 'c', at: 2 },
    ]);
  });

  it('a model slower than the interval sends every token on its own', () => {
    const { events } = stream(bytes('slow'), [0, 20, 40, 60], 16);
    expect(events.map((e) => [e.text, countOf(e)])).toEqual([
      ['s', 1],
      ['l', 1],
      ['o', 1],
      ['w', 1],
    ]);
  });

  it('holds a character split over a batch boundary until it is complete, and counts its tokens', () => {
    // "é" is C3 A9: the batch at 16 ms ends on C3, so its text ("b" and half an "é") waits for
    // the next batch; its tokens count at once.
    const ids = [0x61, 0x62, 0xc3, 0xa9, 0x21];
    const { events } = stream(ids, [0, 8, 16, 20, 32], 16);
    expect(events.map((e) => [e.text, countOf(e)])).toEqual([
      ['a', 1],
      ['', 2],
      ['bé!', 2],
    ]);
  });

  it('flush() sends what is held (before a fault), and end() after a line break decodes nothing more', () => {
    let clock = 0;
    const events: TokenEvent[] = [];
    const decoder = new IncrementalDecoder(byteDecode);
    const streamer = new TimedStreamer(
      tokenizer,
      () => clock,
      new PlainText(decoder),
      (e) => events.push(e as TokenEvent),
      16,
    );
    streamer.put([[0n]]);
    for (const id of bytes('hi\n')) {
      clock += 1;
      streamer.put([[BigInt(id)]]);
    }
    expect(events.map((e) => e.text)).toEqual(['h']);
    streamer.flush();
    expect(events.map((e) => [e.text, countOf(e)])).toEqual([
      ['h', 1],
      ['i\n', 2],
    ]);
    streamer.end(); // the line is complete: no empty decode (which would throw), no event
    expect(events).toHaveLength(2);
  });

  it('an unfinished character at the end goes out as U+FFFD without counting a token twice', () => {
    const { events } = stream([0x6f, 0xe2], [0, 1], 16);
    expect(events.map((e) => [e.text, countOf(e)])).toEqual([
      ['o', 1],
      ['', 1],
      ['\uFFFD', 0],
    ]);
  });
});
