/** The engine benchmark's per-round figures and their summaries. */
import type { RoundTimes } from './bench-types';

/** Decode tokens/s of one round: tokens after the first over the time since the first. */
export function decodeRate(times: readonly number[]): number {
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || last <= first) return Number.NaN;
  return ((times.length - 1) * 1000) / (last - first);
}

/** Prefill tokens/s: the prompt's tokens over the time from reading it to the first token. */
export function prefillRate(round: RoundTimes): number {
  const first = round.arrived[0];
  if (first === undefined || round.prefillStartAt === null || first <= round.prefillStartAt) return Number.NaN;
  return (round.promptTokens * 1000) / (first - round.prefillStartAt);
}

/** Time to first token, ms: from asking to the first token's arrival. */
export function timeToFirstToken(round: RoundTimes): number {
  const first = round.arrived[0];
  return first === undefined ? Number.NaN : first - round.requestAt;
}

/** The q-quantile (0..1) of the finite values, by linear interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Per round, the ratio of two series' values in that round. */
export function paired(over: readonly number[], under: readonly number[]): number[] {
  return over.map((r, i) => r / under[i]!);
}

/** "0.97 (0.93–1.01)": the median and quartiles of paired ratios. */
export function ratioCell(xs: readonly number[], bold = false): string {
  if (!xs.some(Number.isFinite)) return '–';
  const mid = quantile(xs, 0.5).toFixed(2);
  return `${bold ? `**${mid}**` : mid} (${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)})`;
}

/** A rate or time for a table: whole numbers from 10 up, one decimal below; '–' when unknown. */
export const fmt = (x: number | null | undefined): string =>
  x !== null && x !== undefined && Number.isFinite(x) ? x.toFixed(Math.abs(x) < 10 ? 1 : 0) : '–';
