/**
 * Summary statistics of benchmark measurements (milliseconds or tokens/s).
 *
 * - Percentiles use linear interpolation between closest ranks: R's type 7, NumPy's default
 *   (`method="linear"`), Excel's PERCENTILE.INC. For ascending values x[0..n-1] and p in [0, 1]:
 *   h = (n - 1) * p, then x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
 *   It always lies between two observed values, so one sample gives that sample for every p.
 * - Standard deviation is the SAMPLE standard deviation (divides by n - 1, Bessel's correction):
 *   benchmark rounds are a sample of what the machine does, not the whole population. It is null
 *   for fewer than two values.
 * - null, undefined, NaN and ±Infinity are left out and counted in `excluded` (a request that
 *   produced no token has no TTFT; it must neither count as 0 nor poison the mean).
 */

/**
 * A p-th percentile says something about the tail only when, on average, at least one sample lies
 * above it: n >= 1 / (1 - p). Below that, R-7 interpolates between the two largest values, so the
 * "p95" is the worst single request in disguise. Hence 20 samples for p95 and 100 for p99.
 */
export const MIN_SAMPLES_P95 = 20;
export const MIN_SAMPLES_P99 = 100;

/** Statistics of one measurement; every value is null when no usable sample exists. */
export interface Stats {
  /** Usable values (finite numbers). */
  count: number;
  /** Values left out: null, undefined, NaN or infinite. */
  excluded: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null below two values. */
  sd: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** false when count < MIN_SAMPLES_P95: the p95 is shown but must be flagged. */
  p95Reliable: boolean;
  /** false when count < MIN_SAMPLES_P99. */
  p99Reliable: boolean;
}

/**
 * The p-quantile (0 <= p <= 1) of values already sorted ascending, by linear interpolation
 * . Throws on an empty list or a p outside [0, 1]: both are caller bugs, not data.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile p must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const low = sorted[lo]!;
  // At p = 1 (or exactly on a rank) there is no upper neighbour to interpolate with.
  if (lo + 1 >= sorted.length) return low;
  const high = sorted[lo + 1]!;
  // low + w * (high - low), not low * (1 - w) + high * w: with tied neighbours the difference is
  // exactly 0, so a tie gives back exactly the tied value (the weighted sum can be off by an ulp).
  return low + (h - lo) * (high - low);
}

/** Keeps the finite numbers, in order, and counts what was dropped. */
export function usableValues(values: readonly (number | null | undefined)[]): { values: number[]; excluded: number } {
  const kept: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) kept.push(v);
  return { values: kept, excluded: values.length - kept.length };
}

/** Count, mean, sample standard deviation, min/max and p50/p95/p99 of the usable values. */
export function summarize(values: readonly (number | null | undefined)[]): Stats {
  const { values: kept, excluded } = usableValues(values);
  const n = kept.length;
  const base = { count: n, excluded, p95Reliable: n >= MIN_SAMPLES_P95, p99Reliable: n >= MIN_SAMPLES_P99 };
  if (n === 0) return { ...base, mean: null, sd: null, min: null, max: null, p50: null, p95: null, p99: null };
  const sorted = [...kept].sort((a, b) => a - b);
  const mean = kept.reduce((sum, v) => sum + v, 0) / n;
  // Two passes (mean first, then squared deviations): no cancellation for large, close values.
  const sd = n < 2 ? null : Math.sqrt(kept.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  return {
    ...base,
    mean,
    sd,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
}
