/**
 * Summary statistics. Expected values are worked out by hand in the comments, taken from NumPy
 * (an independent implementation of the same R-7 method), or computed by a second, differently
 * written formula (Hyndman & Fan's) inside the test.
 */
import { describe, expect, it } from 'vitest';
import { MIN_SAMPLES_P95, MIN_SAMPLES_P99, percentile, summarize } from '../../src/bench/stats';

/**
 * Hyndman & Fan (1996) definition 7, 1-based: m = 1 - p, j = floor(n p + m), g = n p + m - j,
 * Q = (1 - g) x_j + g x_{j+1}, clamped at the ends. Not the formula the code uses (h = (n - 1) p),
 * so agreement is evidence, not a tautology.
 */
function hyndmanFan7(values: readonly number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  const np = n * p + (1 - p);
  const j = Math.floor(np + 1e-12);
  const g = np - j;
  const at = (k: number): number => x[Math.min(Math.max(k, 1), n) - 1]!;
  return (1 - g) * at(j) + g * at(j + 1);
}

/** A small seeded generator (LCG) so the random data is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('percentile (R-7, linear interpolation between closest ranks)', () => {
  it('matches hand-worked values on five samples', () => {
    const sorted = [15, 20, 35, 40, 50];
    expect(percentile(sorted, 0)).toBe(15);
    expect(percentile(sorted, 0.5)).toBe(35); // h = 4 * 0.5 = 2 -> x[2]
    expect(percentile(sorted, 0.95)).toBeCloseTo(48, 12); // h = 3.8 -> 40 + 0.8 * (50 - 40)
    expect(percentile(sorted, 0.99)).toBeCloseTo(49.6, 12); // h = 3.96 -> 40 + 0.96 * 10
    expect(percentile(sorted, 1)).toBe(50);
  });

  it('matches numpy.percentile (method="linear") on data with ties and decimals', () => {
    // Values printed by NumPy 2.4 for this exact list, unsorted as given.
    const data = [12.5, 3.25, 99, 41, 41, 7, 63.5, 18, 2, 55, 41, 8.75, 120, 33];
    const sorted = [...data].sort((a, b) => a - b);
    const numpy: [number, number][] = [
      [0, 2],
      [0.1, 4.375],
      [0.25, 9.6875],
      [0.5, 37],
      [0.75, 51.5],
      [0.9, 88.35000000000004],
      [0.95, 106.35],
      [0.99, 117.26999999999998],
      [1, 120],
    ];
    for (const [p, expected] of numpy) expect(percentile(sorted, p)).toBeCloseTo(expected, 9);
  });

  it('agrees with the Hyndman & Fan formula on random data of every size from 1 to 60', () => {
    const next = random(42);
    for (let n = 1; n <= 60; n++) {
      const data = Array.from({ length: n }, () => Math.round(next() * 1000) / 10);
      const sorted = [...data].sort((a, b) => a - b);
      for (let k = 0; k <= 100; k++) {
        const p = k / 100;
        expect(percentile(sorted, p)).toBeCloseTo(hyndmanFan7(data, p), 9);
      }
    }
  });

  it('returns exactly the tied value between equal neighbours', () => {
    expect(percentile([0.1, 0.1, 0.1], 0.37)).toBe(0.1);
    expect(percentile([1, 2, 2, 2, 9], 0.5)).toBe(2);
    expect(percentile([1, 2, 2, 2, 9], 0.6)).toBe(2); // h = 2.4, between x[2] = 2 and x[3] = 2
    expect(percentile([1, 2, 2, 2, 9], 0.95)).toBeCloseTo(7.6, 12); // h = 3.8 -> 2 + 0.8 * 7
  });

  it('rejects an empty list and p outside [0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1, 2], 1.5)).toThrow(/\[0, 1\]/);
    expect(() => percentile([1, 2], -0.1)).toThrow(RangeError);
    expect(() => percentile([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('computes count, mean, sample standard deviation, extremes and percentiles', () => {
    const s = summarize([40, 15, 50, 20, 35]);
    expect(s.count).toBe(5);
    expect(s.excluded).toBe(0);
    expect(s.mean).toBe(32); // 160 / 5
    // Deviations -17, -12, 3, 8, 18; squares sum to 830; 830 / (5 - 1) = 207.5.
    expect(s.sd).toBeCloseTo(Math.sqrt(207.5), 12);
    expect(s.min).toBe(15);
    expect(s.max).toBe(50);
    expect(s.p50).toBe(35);
    expect(s.p95).toBeCloseTo(48, 12);
    expect(s.p99).toBeCloseTo(49.6, 12);
  });

  it('divides by n - 1 (sample, not population, standard deviation)', () => {
    // The textbook set: population sd is exactly 2; the sample sd is sqrt(32 / 7).
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.sd).not.toBeCloseTo(2, 3);
  });

  it('handles all-equal values: every percentile is that value and the deviation is 0', () => {
    const s = summarize([3, 3, 3, 3]);
    expect([s.p50, s.p95, s.p99, s.min, s.max, s.mean]).toEqual([3, 3, 3, 3, 3, 3]);
    expect(s.sd).toBe(0);
  });

  it('gives the single value for one sample, with no standard deviation', () => {
    const s = summarize([7]);
    expect(s).toMatchObject({ count: 1, mean: 7, sd: null, min: 7, max: 7, p50: 7, p95: 7, p99: 7 });
    expect(s.p95Reliable).toBe(false);
    expect(s.p99Reliable).toBe(false);
  });

  it('interpolates between two samples', () => {
    const s = summarize([20, 10]);
    expect(s.p50).toBe(15); // h = 0.5
    expect(s.p95).toBeCloseTo(19.5, 12); // h = 0.95 -> 10 + 0.95 * 10
    expect(s.p99).toBeCloseTo(19.9, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(50), 12); // (25 + 25) / 1
  });

  it('has no numbers for no samples', () => {
    expect(summarize([])).toEqual({
      count: 0,
      excluded: 0,
      mean: null,
      sd: null,
      min: null,
      max: null,
      p50: null,
      p95: null,
      p99: null,
      p95Reliable: false,
      p99Reliable: false,
    });
  });

  it('leaves out and counts null, undefined, NaN and infinite values', () => {
    const s = summarize([null, 5, Number.NaN, 1, undefined, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY]);
    expect(s.count).toBe(3);
    expect(s.excluded).toBe(5);
    expect(s.mean).toBe(3); // (5 + 1 + 3) / 3
    expect(s.p50).toBe(3);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(summarize([null, Number.NaN])).toMatchObject({ count: 0, excluded: 2, mean: null, p50: null });
  });

  it('does not depend on the order of the input and does not reorder it', () => {
    const input = [9, 1, 8, 2, 7, 3];
    const a = summarize(input);
    const b = summarize([1, 2, 3, 7, 8, 9]);
    expect(a).toEqual(b);
    expect(input).toEqual([9, 1, 8, 2, 7, 3]);
  });

  it('flags p95 below 20 samples and p99 below 100', () => {
    const n = (k: number) => Array.from({ length: k }, (_, i) => i);
    expect(MIN_SAMPLES_P95).toBe(20);
    expect(MIN_SAMPLES_P99).toBe(100);
    expect(summarize(n(19)).p95Reliable).toBe(false);
    expect(summarize(n(20)).p95Reliable).toBe(true);
    expect(summarize(n(99)).p99Reliable).toBe(false);
    expect(summarize(n(100)).p99Reliable).toBe(true);
    // Excluded values do not count towards reliability.
    expect(summarize([...n(19), null]).p95Reliable).toBe(false);
  });
});
