/** Stop sequences over streamed deltas: matches across token boundaries, nothing after the match. */
import { describe, expect, it } from 'vitest';
import { StopMatcher } from '../../gateway/stop-sequences';

function run(stops: string[], deltas: string[]): { out: string[]; stopped: boolean } {
  const matcher = new StopMatcher(stops);
  const out = deltas.map((d) => matcher.push(d));
  out.push(matcher.flush());
  return { out, stopped: matcher.stopped };
}

describe('StopMatcher', () => {
  it('passes text straight through without stop sequences', () => {
    expect(run([], ['a', 'b']).out).toEqual(['a', 'b', '']);
  });

  it('cuts right before a stop sequence inside one delta', () => {
    const { out, stopped } = run(['END'], ['abcENDxyz', 'more']);
    expect(out).toEqual(['abc', '', '']);
    expect(stopped).toBe(true);
  });

  it('holds back a possible start of a stop sequence until the next delta settles it', () => {
    expect(run(['<|x|>'], ['hello <', '|x', '|> tail']).out).toEqual(['hello ', '', '', '']);
    expect(run(['<|x|>'], ['hello <', '|y']).out).toEqual(['hello ', '<|y', '']);
  });

  it('gives back held text at the end when no stop sequence completed', () => {
    const { out, stopped } = run(['STOP'], ['go ST', 'O']);
    expect(out.join('')).toBe('go STO');
    expect(stopped).toBe(false);
  });

  it('stops at the earliest of several sequences', () => {
    expect(run(['b', 'a'], ['xxab']).out[0]).toBe('xx');
  });
});
