/**
 * Latency metrics from hand-built traces. Every expected number below is worked out in the
 * comment next to it from the definitions in src/metrics/answer-metrics.ts, not copied from a run.
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics, formatMs, formatRate } from '../../src/metrics/answer-metrics';
import type { GenerationTrace } from '../../src/engine/engine-types';

function trace(partial: Partial<GenerationTrace>): GenerationTrace {
  return { requestAt: 1000, prefillStartAt: null, tokenTimes: [], endAt: 1000, promptTokens: 0, ...partial };
}

describe('computeMetrics', () => {
  it('computes TTFT, prefill and decode rates, totals and gaps of a normal answer', () => {
    const m = computeMetrics(
      trace({ requestAt: 1000, prefillStartAt: 1010, tokenTimes: [1050, 1070, 1090, 1110], endAt: 1120, promptTokens: 20 }),
    );
    expect(m.ttftMs).toBe(50); // 1050 - 1000
    expect(m.prefillTokensPerSec).toBeCloseTo(500, 9); // 20 tokens over 1050 - 1010 = 40 ms
    expect(m.decodeTokensPerSec).toBeCloseTo(50, 9); // 3 tokens after the first, over 1110 - 1050 = 60 ms
    expect(m.promptTokens).toBe(20);
    expect(m.generatedTokens).toBe(4);
    expect(m.totalMs).toBe(120); // 1120 - 1000
    expect(m.interTokenMs).toEqual([20, 20, 20]);
  });

  it('counts only the prompt tokens read, not those taken from the previous answer\u2019s cache', () => {
    const m = computeMetrics(
      trace({ requestAt: 0, prefillStartAt: 10, tokenTimes: [50, 60], endAt: 60, promptTokens: 58, cachedTokens: 42 }),
    );
    expect(m.prefillTokensPerSec).toBeCloseTo(400, 9); // 58 - 42 = 16 tokens read over 50 - 10 = 40 ms
    expect(m.promptTokens).toBe(58);
    expect(m.cachedPromptTokens).toBe(42);
    expect(computeMetrics(trace({ tokenTimes: [1050], promptTokens: 5 })).cachedPromptTokens).toBeUndefined();
  });

  it('falls back to the whole TTFT for prefill when the engine cannot see the forward pass', () => {
    const m = computeMetrics(trace({ requestAt: 0, prefillStartAt: null, tokenTimes: [50, 60], endAt: 60, promptTokens: 20 }));
    expect(m.prefillTokensPerSec).toBeCloseTo(400, 9); // 20 tokens over 50 ms
  });

  it('decode rate ignores prompt tokens and uses first -> last token, not the end time', () => {
    // Uneven gaps (10, 30, 60) and a late end (stop clicked long after the last token).
    const m = computeMetrics(trace({ requestAt: 0, prefillStartAt: 0, tokenTimes: [100, 110, 140, 200], endAt: 5000, promptTokens: 999 }));
    expect(m.decodeTokensPerSec).toBeCloseTo(30, 9); // 3 tokens over 100 ms
    expect(m.interTokenMs).toEqual([10, 30, 60]);
    expect(m.totalMs).toBe(5000);
  });

  it('has no token rates for an answer aborted before its first token', () => {
    const m = computeMetrics(trace({ requestAt: 100, prefillStartAt: 105, tokenTimes: [], endAt: 400, promptTokens: 12 }));
    expect(m.ttftMs).toBeNull();
    expect(m.prefillTokensPerSec).toBeNull();
    expect(m.decodeTokensPerSec).toBeNull();
    expect(m.generatedTokens).toBe(0);
    expect(m.interTokenMs).toEqual([]);
    expect(m.totalMs).toBe(300);
    expect(m.promptTokens).toBe(12);
  });

  it('has TTFT and prefill but no decode rate for a single token', () => {
    const m = computeMetrics(trace({ requestAt: 0, prefillStartAt: 10, tokenTimes: [30], endAt: 31, promptTokens: 4 }));
    expect(m.ttftMs).toBe(30);
    expect(m.prefillTokensPerSec).toBeCloseTo(200, 9); // 4 tokens over 20 ms
    expect(m.decodeTokensPerSec).toBeNull();
    expect(m.generatedTokens).toBe(1);
    expect(m.interTokenMs).toEqual([]);
  });

  it('never reports an infinite rate for zero-length intervals', () => {
    const sameInstant = computeMetrics(trace({ requestAt: 0, prefillStartAt: 40, tokenTimes: [40, 40], endAt: 40, promptTokens: 8 }));
    expect(sameInstant.prefillTokensPerSec).toBeNull();
    expect(sameInstant.decodeTokensPerSec).toBeNull();
    expect(sameInstant.interTokenMs).toEqual([0]);
  });

  it('uses an exact token count from the engine when chunks carry several tokens (gateway)', () => {
    // 11 tokens arrived in 3 chunks; the first token belongs to prefill, 10 over 200 - 100 ms.
    const m = computeMetrics(trace({ requestAt: 0, tokenTimes: [100, 150, 200], endAt: 210, promptTokens: 10, generatedTokens: 11 }));
    expect(m.generatedTokens).toBe(11);
    expect(m.decodeTokensPerSec).toBeCloseTo(100, 9);
    expect(m.interTokenMs).toEqual([50, 50]); // gaps stay per chunk
    // One chunk holding several tokens gives no time span to measure decoding over.
    const single = computeMetrics(trace({ requestAt: 0, tokenTimes: [100], endAt: 100, promptTokens: 10, generatedTokens: 5 }));
    expect(single.decodeTokensPerSec).toBeNull();
    expect(single.generatedTokens).toBe(5);
  });

  it('has no prefill rate without prompt tokens', () => {
    const m = computeMetrics(trace({ requestAt: 0, prefillStartAt: 0, tokenTimes: [10, 20], endAt: 20, promptTokens: 0 }));
    expect(m.prefillTokensPerSec).toBeNull();
    expect(m.decodeTokensPerSec).toBeCloseTo(100, 9); // 1 token over 10 ms
  });
});

describe('computeMetrics of an answer that reasons first', () => {
  // Two reasoning tokens (at 100 and 300), then three answer tokens (at 400, 450, 500): the answer's
  // text began with the token at 400.
  const reasoned = trace({
    requestAt: 0,
    prefillStartAt: 20,
    tokenTimes: [100, 300, 400, 450, 500],
    endAt: 510,
    promptTokens: 40,
    answerAt: 400,
    reasoning: { tokens: 2, firstAt: 100, lastAt: 300 },
  });

  it('takes TTFT at the answer and the first token at the first reasoning token', () => {
    const m = computeMetrics(reasoned);
    expect(m.ttftMs).toBe(400); // 400 - 0: what the person waited for the answer
    expect(m.firstTokenMs).toBe(100); // 100 - 0
    expect(m.prefillTokensPerSec).toBeCloseTo(500, 9); // 40 tokens over 100 - 20 = 80 ms: the model's prefill
  });

  it('reports reasoning tokens and time apart, and counts them in the decode rate', () => {
    const m = computeMetrics(reasoned);
    expect(m.reasoningTokens).toBe(2);
    expect(m.reasoningMs).toBe(200); // 300 - 100
    expect(m.generatedTokens).toBe(5);
    expect(m.decodeTokensPerSec).toBeCloseTo(10, 9); // 4 tokens after the first over 500 - 100 = 400 ms
  });

  it('has no answer TTFT when the budget ran out while it reasoned', () => {
    const m = computeMetrics({ ...reasoned, tokenTimes: [100, 300], answerAt: null });
    expect(m.ttftMs).toBeNull();
    expect(m.firstTokenMs).toBe(100);
    expect(m.reasoningTokens).toBe(2);
  });

  it('without reasoning, TTFT and first token are the same and no reasoning is reported', () => {
    const m = computeMetrics(trace({ requestAt: 0, tokenTimes: [30, 40], endAt: 40 }));
    expect(m.ttftMs).toBe(30);
    expect(m.firstTokenMs).toBe(30);
    expect(m.reasoningTokens).toBeUndefined();
    expect(m.reasoningMs).toBeUndefined();
  });

  it('a Harmony answer without reasoning still takes TTFT where its text began, after the markup', () => {
    const m = computeMetrics(trace({ requestAt: 0, tokenTimes: [30, 40, 50, 60], endAt: 60, answerAt: 60 }));
    expect(m.ttftMs).toBe(60);
    expect(m.firstTokenMs).toBe(30);
  });
});

describe('formatMs / formatRate', () => {
  it('shows a dash for missing or non-finite values', () => {
    for (const v of [null, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatMs(v)).toBe('–');
      expect(formatRate(v)).toBe('–');
    }
  });

  it('uses one decimal below 10, whole numbers below 1000 ms, seconds above', () => {
    expect(formatMs(5)).toBe('5.0 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(999)).toBe('999 ms');
    expect(formatMs(1400)).toBe('1.40 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatRate(9.84)).toBe('9.8 tok/s');
    expect(formatRate(410.4)).toBe('410 tok/s');
  });

  it('picks the unit and precision from the rounded value, so no "10.0", "1000 ms" or "10.00 s"', () => {
    expect(formatMs(9.94)).toBe('9.9 ms');
    expect(formatMs(9.96)).toBe('10 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(999.6)).toBe('1.00 s');
    expect(formatMs(999.5)).toBe('1.00 s');
    expect(formatMs(9994)).toBe('9.99 s');
    expect(formatMs(9996)).toBe('10.0 s');
    expect(formatRate(9.94)).toBe('9.9 tok/s');
    expect(formatRate(9.96)).toBe('10 tok/s');
    expect(formatRate(10.4)).toBe('10 tok/s');
  });
});
