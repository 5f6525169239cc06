/** The multi-turn benchmark's arithmetic (tools/bench/turns-report.ts), on hand-made samples. */
import { describe, expect, it } from 'vitest';
import { median, summarize, turnsReport, type TurnSample } from '../../tools/bench/turns-report';

const s = (ttftMs: number, promptTokens: number, cachedTokens = 0): TurnSample => ({ ttftMs, promptTokens, cachedTokens });

describe('turns report', () => {
  // Two conversations each way, three turns; the prompt grows 20 -> 60 -> 100 tokens.
  const samples = {
    on: [
      [s(10, 20), s(12, 60, 45), s(14, 100, 85)],
      [s(12, 20), s(14, 60, 45), s(16, 100, 85)],
    ],
    off: [
      [s(10, 20), s(30, 60), s(50, 100)],
      [s(14, 20), s(34, 60), s(54, 100)],
    ],
  };

  it('takes the median per turn and the ratios of the last turn', () => {
    const summary = summarize(samples);
    expect(summary.ttftOn).toEqual([11, 13, 15]);
    expect(summary.ttftOff).toEqual([12, 32, 52]);
    expect(summary.growthOn).toBeCloseTo(15 / 11, 12);
    expect(summary.growthOff).toBeCloseTo(52 / 12, 12);
    expect(summary.lastTurnSpeedup).toBeCloseTo(52 / 15, 12);
  });

  it('tabulates prompt tokens read with and without reuse', () => {
    const { markdown } = turnsReport(samples, { where: 'm', device: 'wasm', turns: 3, answerTokens: 8, repeats: 2 });
    expect(markdown).toContain('| 3 | 100 | 15 | 15 | 100 | 52 |');
    expect(markdown).toContain('**1.36×** with reuse, 4.33× without');
  });

  it('median ignores values that are not numbers', () => {
    expect(median([3, Number.NaN, 1, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });
});
