/** Batching a generation's events for the page, on a scripted clock. */
import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../src/engine/worker/event-batcher';

type E = { type: 'start' | 'token' | 'end'; n?: number };

function setup(): { batcher: EventBatcher<E>; batches: string[][]; at: (ms: number) => void } {
  let clock = 0;
  const batches: string[][] = [];
  const batcher = new EventBatcher<E>((batch) => batches.push(batch.map((e) => (e.type === 'token' ? `t${e.n}` : e.type))), () => clock, 16);
  return { batcher, batches, at: (ms) => (clock = ms) };
}

describe('EventBatcher', () => {
  it('sends the start and the first token at once, then tokens at most every 16 ms, and the rest with the end', () => {
    const { batcher, batches, at } = setup();
    at(0);
    batcher.push({ type: 'start' });
    at(40);
    batcher.push({ type: 'token', n: 1 });
    for (let n = 2; n <= 6; n++) {
      at(40 + (n - 1) * 5); // a token every 5 ms
      batcher.push({ type: 'token', n });
    }
    at(70);
    batcher.push({ type: 'end' });
    expect(batches).toEqual([['start'], ['t1'], ['t2', 't3', 't4', 't5'], ['t6', 'end']]);
  });

  it('sends every token at once when tokens are slower than the interval', () => {
    const { batcher, batches, at } = setup();
    for (let n = 1; n <= 3; n++) {
      at(n * 100);
      batcher.push({ type: 'token', n });
    }
    expect(batches).toEqual([['t1'], ['t2'], ['t3']]);
  });

  it('flush() sends what waits, and nothing when nothing does', () => {
    const { batcher, batches, at } = setup();
    batcher.push({ type: 'token', n: 1 });
    at(1);
    batcher.push({ type: 'token', n: 2 });
    batcher.flush();
    batcher.flush();
    expect(batches).toEqual([['t1'], ['t2']]);
  });
});
